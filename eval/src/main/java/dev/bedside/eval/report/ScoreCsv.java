package dev.bedside.eval.report;

import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import dev.bedside.eval.data.CsvReader;
import dev.bedside.eval.run.EvalResults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One CSV per per-sample metric ({@code METRIC.csv}, RFC 4180): {@code id, system, question, score, failure}
 * and the group column under {@code --group-by}. A failed score has an empty {@code score} and its reason in
 * {@code failure}.
 */
final class ScoreCsv {
    private ScoreCsv() {}

    static String render(EvalResults r, String metric) {
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("id", "system", "question", "score", "failure"));
        if (r.groupBy() != null) header.add(r.groupBy());
        out.append(CsvReader.line(header));
        for (EvalResults.SystemInfo system : r.systems()) {
            Map<String, Score> scores = r.scores().get(system.name()).get(metric);
            for (Sample s : r.samples()) {
                Score score = scores.get(s.id());
                List<String> row = new ArrayList<>(List.of(s.id(), system.name(), s.question(),
                        score == null || !score.ok() || Double.isNaN(score.value()) ? "" : Double.toString(score.value()),
                        score == null ? "not scored" : score.ok() ? "" : score.failure()));
                if (r.groupBy() != null) row.add(r.groupOf(s));
                out.append(CsvReader.line(row));
            }
        }
        return out.toString();
    }
}
