package dev.bedside.eval.report;

import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import dev.bedside.eval.run.Answer;
import dev.bedside.eval.run.AtomicFiles;
import dev.bedside.eval.run.EvalResults;
import dev.bedside.eval.run.EvalRunner;
import dev.bedside.eval.run.MetricSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes every report of an evaluation into its output folder, each file atomically: {@code results_summary.json},
 * {@code METRIC.csv} for each per-sample metric, {@code report.md}, {@code report.html} and
 * {@code benchmark_table.tex}.
 */
public final class Reports {
    /** How many questions the reports show with every system's answer side by side. */
    static final int EXAMPLES = 3;

    private Reports() {}

    /** Writes the reports; returns the files written. */
    public static List<Path> writeAll(EvalResults r, Path out, String dataName) throws Exception {
        List<Path> written = new ArrayList<>();
        write(out.resolve("results_summary.json"), SummaryJson.render(r), written);
        for (EvalResults.MetricInfo m : r.metrics()) {
            if (!m.corpus()) write(out.resolve(EvalRunner.fileName(m.name()) + ".csv"), ScoreCsv.render(r, m.name()), written);
        }
        write(out.resolve("report.md"), MarkdownReport.render(r, dataName), written);
        write(out.resolve("report.html"), HtmlReport.render(r, dataName), written);
        write(out.resolve("benchmark_table.tex"), LatexTable.render(r, dataName), written);
        return written;
    }

    private static void write(Path file, String text, List<Path> written) throws IOException {
        AtomicFiles.write(file, text);
        written.add(file);
    }

    /** The system with the best mean on a metric, or null with fewer than two systems scored. */
    static String bestSystem(EvalResults r, EvalResults.MetricInfo metric) {
        String best = null;
        double bestMean = Double.NaN;
        int scored = 0;
        for (EvalResults.SystemInfo s : r.systems()) {
            double mean = r.summary().get(s.name()).get(metric.name()).mean();
            if (Double.isNaN(mean)) continue;
            scored++;
            if (best == null || (metric.higherIsBetter() ? mean > bestMean : mean < bestMean)) {
                best = s.name();
                bestMean = mean;
            }
        }
        return scored >= 2 ? best : null;
    }

    /** Why the first unscored sample of a system on a metric was not scored. */
    static Optional<String> firstFailure(EvalResults r, String system, String metric) {
        Map<String, Score> scores = r.scores().getOrDefault(system, Map.of()).get(metric);
        for (Sample s : r.samples()) {
            if (scores != null) {
                Score score = scores.get(s.id());
                if (score != null && !score.ok()) return Optional.of(score.failure());
            } else {
                Answer a = r.answers().get(system).get(s.id());
                if (a != null && !a.ok()) return Optional.of("no answer: " + a.failure());
            }
        }
        return Optional.empty();
    }

    /** A few questions that every system answered (the first ones, in data order). */
    static List<Sample> examples(EvalResults r) {
        List<Sample> chosen = new ArrayList<>();
        for (Sample s : r.samples()) {
            if (chosen.size() == EXAMPLES) break;
            if (r.systems().stream().allMatch(sys -> r.answers().get(sys.name()).get(s.id()).ok())) chosen.add(s);
        }
        return chosen;
    }

    /** The per-sample values of a metric for a system that were scored. */
    static double[] values(EvalResults r, String system, String metric) {
        Map<String, Score> scores = r.scores().get(system).get(metric);
        return r.samples().stream().map(s -> scores.get(s.id())).filter(s -> s != null && s.ok() && !Double.isNaN(s.value()))
                .mapToDouble(Score::value).toArray();
    }

    /** Decimals for one metric's column: all systems' means shown alike. */
    static int decimals(EvalResults r, String metric) {
        return Format.decimals(r.systems().stream().mapToDouble(s -> r.summary().get(s.name()).get(metric).mean()).toArray());
    }

    static MetricSummary summary(EvalResults r, String system, String metric) {
        return r.summary().get(system).get(metric);
    }
}
