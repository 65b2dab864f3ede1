package dev.bedside.eval.run;

import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Means and bootstrap intervals per system and metric, and per group under {@code --group-by}. A failed score
 * (or a missing answer) is left out of the mean and counted in {@code failures}. A corpus metric is computed
 * over the answered samples, its interval by resampling them.
 */
final class Summaries {
    private Summaries() {}

    static EvalResults compute(EvalResults r, List<ActiveMetric> metrics, int resamples, double confidence, long seed) {
        Map<String, Map<String, MetricSummary>> summary = new LinkedHashMap<>();
        Map<String, Map<String, Map<String, MetricSummary>>> groups = new LinkedHashMap<>();
        for (EvalResults.SystemInfo system : r.systems()) {
            summary.put(system.name(), summarize(r, system.name(), r.samples(), metrics, resamples, confidence, seed));
            if (r.groupBy() != null) {
                Map<String, List<Sample>> byGroup = new TreeMap<>();
                for (Sample s : r.samples()) byGroup.computeIfAbsent(r.groupOf(s), k -> new ArrayList<>()).add(s);
                Map<String, Map<String, MetricSummary>> perGroup = new LinkedHashMap<>();
                byGroup.forEach((group, samples) -> perGroup.put(group, summarize(r, system.name(), samples, metrics, resamples, confidence, seed)));
                groups.put(system.name(), perGroup);
            }
        }
        return new EvalResults(r.samples(), r.systems(), r.metrics(), r.groupBy(), r.answers(), r.scores(), summary, groups, r.settings());
    }

    private static Map<String, MetricSummary> summarize(EvalResults r, String system, List<Sample> samples, List<ActiveMetric> metrics,
                                                       int resamples, double confidence, long seed) {
        Map<String, MetricSummary> out = new LinkedHashMap<>();
        Map<String, Answer> answers = r.answers().get(system);
        for (ActiveMetric metric : metrics) {
            if (metric.isCorpus()) {
                List<Sample> answered = new ArrayList<>();
                for (Sample s : samples) {
                    Answer a = answers.get(s.id());
                    if (a != null && a.ok()) answered.add(EvalRunner.withAnswer(s, a.text()));
                }
                Bootstrap.Interval ci = Bootstrap.statistic(answered, metric.corpus()::corpusScore, resamples, confidence, seed);
                out.put(metric.name(), new MetricSummary(ci.estimate(), ci.low(), ci.high(), ci.n(), samples.size() - answered.size()));
            } else {
                Map<String, Score> scores = r.scores().get(system).get(metric.name());
                List<Double> values = new ArrayList<>();
                int failures = 0;
                for (Sample s : samples) {
                    Score score = scores.get(s.id());
                    if (score != null && score.ok() && !Double.isNaN(score.value())) values.add(score.value());
                    else failures++;
                }
                double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
                Bootstrap.Interval ci = Bootstrap.mean(v, resamples, confidence, seed);
                out.put(metric.name(), new MetricSummary(ci.estimate(), ci.low(), ci.high(), ci.n(), failures));
            }
        }
        return out;
    }
}
