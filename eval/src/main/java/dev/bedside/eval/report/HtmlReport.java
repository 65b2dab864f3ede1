package dev.bedside.eval.report;

import static dev.bedside.eval.report.Svg.esc;

import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import dev.bedside.eval.run.Answer;
import dev.bedside.eval.run.EvalResults;
import dev.bedside.eval.run.MetricSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no script, nothing fetched): the summary
 * table, one bar chart per metric with 95% interval whiskers, readability distributions as box plots, the
 * breakdown by group, failures, and a few questions with every system's answer side by side. All data text is
 * escaped. The page is also well-formed XML, which the tests check.
 */
final class HtmlReport {
    private HtmlReport() {}

    /** Metrics whose per-sample spread is shown as box plots. */
    private static final Set<String> DISTRIBUTIONS = Set.of("fk_grade", "reading_ease");

    private static final String CSS = """
            body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; margin: 0 auto; max-width: 1180px; padding: 24px; }
            h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 32px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
            h3 { font-size: 16px; margin: 18px 0 6px; }
            .meta { color: #555; margin: 0 0 8px; }
            table { border-collapse: collapse; margin: 8px 0; }
            th, td { padding: 5px 10px; border-bottom: 1px solid #e4e4e4; text-align: right; vertical-align: top; }
            th:first-child, td:first-child { text-align: left; }
            th { background: #f5f5f7; font-weight: 600; }
            td.best { font-weight: 700; }
            .ci { color: #666; font-size: 13px; }
            .fail { color: #b00020; font-size: 13px; }
            .swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
            .charts { display: flex; flex-wrap: wrap; gap: 14px; }
            figure { margin: 0; border: 1px solid #e4e4e4; border-radius: 6px; padding: 6px; background: #fff; }
            figcaption { font-size: 12px; color: #666; max-width: 600px; padding: 0 6px 4px; }
            svg text { font: 11px system-ui, sans-serif; fill: #333; }
            svg text.title { font-size: 13px; font-weight: 600; fill: #111; }
            svg text.value { font-size: 11px; font-weight: 600; }
            svg text.tick { fill: #777; font-size: 10px; }
            svg text.note { fill: #999; font-style: italic; }
            svg line.grid { stroke: #eee; } svg line.axis { stroke: #999; } svg line.whisker { stroke: #222; stroke-width: 1.4; }
            .examples { display: grid; gap: 10px; }
            .example { border: 1px solid #e4e4e4; border-radius: 6px; padding: 10px 14px; }
            .answers { display: grid; gap: 10px; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); margin-top: 8px; }
            .answer { background: #fafafa; border-radius: 5px; padding: 8px 10px; border-top: 3px solid #ccc; white-space: pre-wrap; font-size: 14px; }
            .answer .who { font-weight: 600; display: block; white-space: normal; margin-bottom: 4px; }
            .answer .scores { display: block; color: #666; font-size: 12px; white-space: normal; margin-top: 6px; }
            .reference { color: #444; white-space: pre-wrap; font-size: 14px; }
            .question { font-weight: 600; }
            """;

    static String render(EvalResults r, String dataName) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>Bedside evaluation: ")
                .append(esc(dataName)).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>Bedside evaluation</h1>\n<p class=\"meta\">Data <code>").append(esc(dataName)).append("</code>, ")
                .append(r.samples().size()).append(" questions").append(settingsLine(r)).append(".</p>\n");
        h.append("<p class=\"meta\">Systems: ");
        for (int i = 0; i < r.systems().size(); i++) {
            EvalResults.SystemInfo s = r.systems().get(i);
            h.append(i > 0 ? ", " : "").append(swatch(i)).append("<b>").append(esc(s.name())).append("</b> (").append(esc(s.kind())).append(')');
        }
        h.append(".</p>\n");

        summaryTable(h, r);
        charts(h, r);
        distributions(h, r);
        if (r.groupBy() != null) groups(h, r);
        failures(h, r);
        examples(h, r);
        return h.append("</body>\n</html>\n").toString();
    }

    private static String settingsLine(EvalResults r) {
        List<String> parts = new ArrayList<>();
        for (String key : List.of("max_tokens", "temperature", "seed", "judge")) {
            Object v = r.settings().get(key);
            if (v != null) parts.add(key.replace('_', ' ') + " " + v);
        }
        return parts.isEmpty() ? "" : "; " + String.join(", ", parts);
    }

    private static void summaryTable(StringBuilder h, EvalResults r) {
        h.append("<h2>Summary</h2>\n<p class=\"meta\">Mean and bootstrap 95% interval; ↑ higher is better, ↓ lower is better; best mean in bold."
                + " Samples that could not be scored are left out of the mean and counted.</p>\n<table>\n<tr><th>System</th>");
        for (EvalResults.MetricInfo m : r.metrics()) h.append("<th>").append(esc(Format.label(m.name()))).append(' ').append(Format.arrow(m.higherIsBetter())).append("</th>");
        h.append("</tr>\n");
        List<String> best = r.metrics().stream().map(m -> Reports.bestSystem(r, m)).toList();
        for (int i = 0; i < r.systems().size(); i++) {
            String system = r.systems().get(i).name();
            h.append("<tr><td>").append(swatch(i)).append(esc(system)).append("</td>");
            for (int k = 0; k < r.metrics().size(); k++) {
                MetricSummary m = Reports.summary(r, system, r.metrics().get(k).name());
                int d = Reports.decimals(r, r.metrics().get(k).name());
                h.append(system.equals(best.get(k)) ? "<td class=\"best\">" : "<td>").append(Format.number(m.mean(), d));
                if (!Double.isNaN(m.mean())) {
                    h.append("<br/><span class=\"ci\">[").append(Format.number(m.ciLow(), d)).append(", ").append(Format.number(m.ciHigh(), d))
                            .append("] n=").append(m.n()).append("</span>");
                }
                if (m.failures() > 0) h.append("<br/><span class=\"fail\">").append(m.failures()).append(" failed</span>");
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void charts(StringBuilder h, EvalResults r) {
        h.append("<h2>Metrics</h2>\n<div class=\"charts\">\n");
        for (EvalResults.MetricInfo m : r.metrics()) {
            List<Svg.Bar> bars = new ArrayList<>();
            for (int i = 0; i < r.systems().size(); i++) {
                MetricSummary s = Reports.summary(r, r.systems().get(i).name(), m.name());
                bars.add(new Svg.Bar(r.systems().get(i).name(), s.mean(), s.ciLow(), s.ciHigh(), Svg.color(i)));
            }
            h.append("<figure>\n").append(Svg.barChart(Format.label(m.name()) + " " + Format.arrow(m.higherIsBetter()), bars, Reports.decimals(r, m.name())))
                    .append("<figcaption>").append(m.corpus() ? "Corpus score" : "Mean")
                    .append(" per system; whiskers: bootstrap 95% interval.</figcaption>\n</figure>\n");
        }
        h.append("</div>\n");
    }

    private static void distributions(StringBuilder h, EvalResults r) {
        List<EvalResults.MetricInfo> shown = r.metrics().stream().filter(m -> DISTRIBUTIONS.contains(m.name()) && !m.corpus()).toList();
        if (shown.isEmpty()) return;
        h.append("<h2>Readability distributions</h2>\n<div class=\"charts\">\n");
        for (EvalResults.MetricInfo m : shown) {
            List<Svg.Distribution> rows = new ArrayList<>();
            for (int i = 0; i < r.systems().size(); i++) {
                String system = r.systems().get(i).name();
                rows.add(new Svg.Distribution(system, Reports.values(r, system, m.name()), Svg.color(i)));
            }
            h.append("<figure>\n").append(Svg.boxPlot(Format.label(m.name()) + " " + Format.arrow(m.higherIsBetter()) + " per answer", rows))
                    .append("<figcaption>Box: quartiles; thick line: median; ◇: mean; whiskers: the furthest answers within 1.5 × IQR; circles: answers beyond.</figcaption>\n</figure>\n");
        }
        h.append("</div>\n");
    }

    private static void groups(StringBuilder h, EvalResults r) {
        h.append("<h2>By ").append(esc(r.groupBy())).append("</h2>\n<p class=\"meta\">Mean per group (n scored).</p>\n");
        List<String> groups = List.copyOf(r.groups().get(r.systems().getFirst().name()).keySet());
        for (EvalResults.MetricInfo m : r.metrics()) {
            h.append("<h3>").append(esc(Format.label(m.name()))).append(' ').append(Format.arrow(m.higherIsBetter())).append("</h3>\n<table>\n<tr><th>")
                    .append(esc(r.groupBy())).append("</th>");
            for (int i = 0; i < r.systems().size(); i++) h.append("<th>").append(swatch(i)).append(esc(r.systems().get(i).name())).append("</th>");
            h.append("</tr>\n");
            for (String group : groups) {
                h.append("<tr><td>").append(esc(group)).append("</td>");
                for (EvalResults.SystemInfo s : r.systems()) {
                    MetricSummary g = r.groups().get(s.name()).get(group).get(m.name());
                    h.append("<td>").append(Format.number(g.mean())).append(" <span class=\"ci\">(").append(g.n()).append(")</span></td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n");
        }
    }

    private static void failures(StringBuilder h, EvalResults r) {
        h.append("<h2>Failures</h2>\n");
        List<String> lines = new ArrayList<>();
        for (EvalResults.SystemInfo s : r.systems()) {
            long unanswered = r.answers().get(s.name()).values().stream().filter(a -> !a.ok()).count();
            if (unanswered > 0) lines.add("<b>" + esc(s.name()) + "</b>: " + unanswered + " questions without an answer");
            for (EvalResults.MetricInfo m : r.metrics()) {
                int failed = Reports.summary(r, s.name(), m.name()).failures();
                if (failed > 0) {
                    lines.add("<b>" + esc(s.name()) + "</b>, " + esc(m.name()) + ": " + failed + " not scored"
                            + Reports.firstFailure(r, s.name(), m.name()).map(why -> " (e.g. <i>" + esc(why) + "</i>)").orElse(""));
                }
            }
        }
        if (lines.isEmpty()) h.append("<p>None: every sample was answered and scored.</p>\n");
        else {
            h.append("<ul>\n");
            lines.forEach(l -> h.append("<li>").append(l).append("</li>\n"));
            h.append("</ul>\n");
        }
    }

    private static void examples(StringBuilder h, EvalResults r) {
        List<Sample> examples = Reports.examples(r);
        if (examples.isEmpty()) return;
        h.append("<h2>Example answers</h2>\n<div class=\"examples\">\n");
        for (Sample sample : examples) {
            h.append("<div class=\"example\">\n<div class=\"question\">").append(esc(sample.question())).append("</div>\n");
            String group = r.groupOf(sample);
            if (group != null) h.append("<div class=\"meta\">").append(esc(r.groupBy())).append(": ").append(esc(group)).append("</div>\n");
            h.append("<details><summary>Reference answer</summary><div class=\"reference\">").append(esc(sample.reference())).append("</div></details>\n");
            h.append("<div class=\"answers\">\n");
            for (int i = 0; i < r.systems().size(); i++) {
                String system = r.systems().get(i).name();
                Answer a = r.answers().get(system).get(sample.id());
                h.append("<div class=\"answer\" style=\"border-top-color: ").append(Svg.color(i)).append("\"><span class=\"who\">")
                        .append(esc(system)).append("</span>").append(esc(a.text())).append("<span class=\"scores\">");
                List<String> scores = new ArrayList<>();
                for (EvalResults.MetricInfo m : r.metrics()) {
                    if (m.corpus()) continue;
                    Score score = r.scores().get(system).get(m.name()).get(sample.id());
                    scores.add(esc(Format.label(m.name())) + " " + (score != null && score.ok() ? Format.number(score.value()) : "failed"));
                }
                h.append(String.join(" · ", scores)).append("</span></div>\n");
            }
            h.append("</div>\n</div>\n");
        }
        h.append("</div>\n");
    }

    private static String swatch(int system) {
        return "<span class=\"swatch\" style=\"background: " + Svg.color(system) + "\"></span>";
    }
}
