package dev.bedside.eval.run;

import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import java.util.List;
import java.util.Map;

/**
 * Everything an evaluation produced, for the reports: the samples (references, groups), the systems, the
 * metrics, every answer and per-sample score, and the summaries with their intervals.
 *
 * @param answers      system → sample id → answer
 * @param scores       system → metric → sample id → score (per-sample metrics only)
 * @param summary      system → metric → summary
 * @param groups       system → group value → metric → summary (empty without {@code --group-by})
 * @param settings     what the run was asked to do (data file, generation settings, bootstrap), for the record
 */
public record EvalResults(List<Sample> samples, List<SystemInfo> systems, List<MetricInfo> metrics, String groupBy,
                          Map<String, Map<String, Answer>> answers, Map<String, Map<String, Map<String, Score>>> scores,
                          Map<String, Map<String, MetricSummary>> summary, Map<String, Map<String, Map<String, MetricSummary>>> groups,
                          Map<String, Object> settings) {

    /** A system by name and kind (model, adapter, endpoint, predictions). */
    public record SystemInfo(String name, String kind) {}

    /** A metric by name; {@code corpus} when it is one number over all answers (no per-sample scores). */
    public record MetricInfo(String name, boolean higherIsBetter, boolean corpus) {}

    /** The group a sample belongs to under {@code --group-by} ("(none)" for an empty value). */
    public String groupOf(Sample sample) {
        if (groupBy == null) return null;
        String value = sample.columns().getOrDefault(groupBy, "").strip();
        return value.isEmpty() ? "(none)" : value;
    }
}
