package dev.bedside.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.eval.run.EvalResults;
import dev.bedside.eval.run.MetricSummary;

/**
 * {@code results_summary.json}: the settings; the metrics (name, direction, corpus or per sample); and per system
 * its kind, how many answers failed, and per metric {@code mean}, {@code ci_low}, {@code ci_high} (bootstrap 95%),
 * {@code n} (scored samples) and {@code failures} (samples left out); under {@code groups} the same per group.
 * An undefined number (no sample scored) is {@code null}.
 */
final class SummaryJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SummaryJson() {}

    static String render(EvalResults r) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.set("settings", JSON.valueToTree(r.settings()));
        root.put("samples", r.samples().size());
        if (r.groupBy() != null) root.put("group_by", r.groupBy());
        ArrayNode metrics = root.putArray("metrics");
        for (EvalResults.MetricInfo m : r.metrics()) {
            metrics.addObject().put("name", m.name()).put("higher_is_better", m.higherIsBetter()).put("corpus", m.corpus());
        }
        ObjectNode systems = root.putObject("systems");
        for (EvalResults.SystemInfo s : r.systems()) {
            ObjectNode system = systems.putObject(s.name());
            system.put("kind", s.kind());
            long failed = r.answers().get(s.name()).values().stream().filter(a -> !a.ok()).count();
            system.put("answers", r.answers().get(s.name()).size());
            system.put("answer_failures", failed);
            ObjectNode byMetric = system.putObject("metrics");
            r.summary().get(s.name()).forEach((metric, summary) -> byMetric.set(metric, node(summary)));
            if (r.groupBy() != null) {
                ObjectNode groups = system.putObject("groups");
                r.groups().get(s.name()).forEach((group, perMetric) -> {
                    ObjectNode g = groups.putObject(group);
                    perMetric.forEach((metric, summary) -> g.set(metric, node(summary)));
                });
            }
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    private static ObjectNode node(MetricSummary s) {
        ObjectNode n = JSON.createObjectNode();
        put(n, "mean", s.mean());
        put(n, "ci_low", s.ciLow());
        put(n, "ci_high", s.ciHigh());
        n.put("n", s.n());
        n.put("failures", s.failures());
        return n;
    }

    private static void put(ObjectNode n, String field, double v) {
        if (Double.isNaN(v)) n.putNull(field);
        else n.put(field, v);
    }

}
