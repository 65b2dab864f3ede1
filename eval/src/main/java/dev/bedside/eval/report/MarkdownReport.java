package dev.bedside.eval.report;

import dev.bedside.eval.Sample;
import dev.bedside.eval.run.Answer;
import dev.bedside.eval.run.EvalResults;
import dev.bedside.eval.run.MetricSummary;
import java.util.List;
import java.util.Map;

/** {@code report.md}: the summary table, the breakdown by group, failures, and a few answers side by side. */
final class MarkdownReport {
    private MarkdownReport() {}

    static String render(EvalResults r, String dataName) {
        StringBuilder md = new StringBuilder();
        md.append("# Bedside evaluation\n\n");
        md.append("Data: `").append(dataName).append("`, ").append(r.samples().size()).append(" questions. Systems: ")
                .append(String.join(", ", r.systems().stream().map(s -> s.name() + " (" + s.kind() + ")").toList())).append(".\n\n");
        md.append("Each cell: mean [bootstrap 95% interval]; ↑ higher is better, ↓ lower is better; **best**. "
                + "Samples that could not be scored are left out of the mean and counted under *failures*.\n\n");
        md.append("## Summary\n\n");
        table(md, r, r.summary());
        if (r.groupBy() != null) {
            md.append("\n## By ").append(cell(r.groupBy())).append("\n");
            for (EvalResults.MetricInfo m : r.metrics()) {
                md.append("\n### ").append(Format.label(m.name())).append(' ').append(Format.arrow(m.higherIsBetter())).append("\n\n| ")
                        .append(cell(r.groupBy()));
                r.systems().forEach(s -> md.append(" | ").append(cell(s.name())));
                md.append(" |\n|---").append("|---:".repeat(r.systems().size())).append("|\n");
                for (String group : r.groups().get(r.systems().getFirst().name()).keySet()) {
                    md.append("| ").append(cell(group));
                    for (EvalResults.SystemInfo s : r.systems()) {
                        MetricSummary g = r.groups().get(s.name()).get(group).get(m.name());
                        md.append(" | ").append(Format.number(g.mean())).append(" (n=").append(g.n()).append(')');
                    }
                    md.append(" |\n");
                }
            }
        }
        md.append("\n## Failures\n\n");
        boolean any = false;
        for (EvalResults.SystemInfo s : r.systems()) {
            long answers = r.answers().get(s.name()).values().stream().filter(a -> !a.ok()).count();
            for (EvalResults.MetricInfo m : r.metrics()) {
                int f = r.summary().get(s.name()).get(m.name()).failures();
                if (f > 0) {
                    md.append("- ").append(cell(s.name())).append(", ").append(m.name()).append(": ").append(f).append(" not scored");
                    Reports.firstFailure(r, s.name(), m.name()).ifPresent(why -> md.append(" (e.g. ").append(cell(why)).append(')'));
                    md.append('\n');
                    any = true;
                }
            }
            if (answers > 0) {
                md.append("- ").append(cell(s.name())).append(": ").append(answers).append(" questions without an answer\n");
                any = true;
            }
        }
        if (!any) md.append("None: every sample was scored.\n");
        md.append("\n## Example answers\n");
        for (Sample sample : Reports.examples(r)) {
            md.append("\n### ").append(cell(sample.id())).append(": ").append(oneLine(sample.question())).append("\n\n");
            md.append("*Reference:* ").append(oneLine(sample.reference())).append("\n\n");
            for (EvalResults.SystemInfo s : r.systems()) {
                Answer a = r.answers().get(s.name()).get(sample.id());
                md.append("*").append(cell(s.name())).append(":* ").append(a.ok() ? oneLine(a.text()) : "(no answer: " + oneLine(a.failure()) + ")").append("\n\n");
            }
        }
        return md.toString();
    }

    private static void table(StringBuilder md, EvalResults r, Map<String, Map<String, MetricSummary>> summary) {
        md.append("| System");
        for (EvalResults.MetricInfo m : r.metrics()) md.append(" | ").append(Format.label(m.name())).append(' ').append(Format.arrow(m.higherIsBetter()));
        md.append(" |\n|---").append("|---:".repeat(r.metrics().size())).append("|\n");
        List<String> best = r.metrics().stream().map(m -> Reports.bestSystem(r, m)).toList();
        for (EvalResults.SystemInfo s : r.systems()) {
            md.append("| ").append(cell(s.name()));
            for (int i = 0; i < r.metrics().size(); i++) {
                MetricSummary m = summary.get(s.name()).get(r.metrics().get(i).name());
                String text = Format.withInterval(m.mean(), m.ciLow(), m.ciHigh(), Reports.decimals(r, r.metrics().get(i).name()));
                md.append(" | ").append(s.name().equals(best.get(i)) ? "**" + text + "**" : text);
                if (m.failures() > 0) md.append(" (").append(m.failures()).append(" failed)");
            }
            md.append(" |\n");
        }
    }

    /** Text safe inside a table cell or emphasis: pipes escaped, line breaks as spaces. */
    private static String cell(String text) {
        return oneLine(text).replace("|", "\\|");
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }
}
