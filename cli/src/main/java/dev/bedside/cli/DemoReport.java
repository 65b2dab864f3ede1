package dev.bedside.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.dpo.data.ChatPairs;
import dev.bedside.dpo.train.TrainConfig;
import dev.bedside.eval.Score;
import dev.bedside.eval.run.ActiveMetric;
import dev.bedside.eval.run.EvalResults;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The demo's own files (summary.json, answers_before/after.jsonl, demo_config.json) and its terminal table; report/ is the eval runner's. */
final class DemoReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoReport() {}

    static void write(Path dir, Map<String, Double> summary, List<String> before, List<String> after, List<ChatPairs.Row> questions,
                      Map<String, ActiveMetric> metrics, EvalResults results, TrainConfig config, int trainPairs, int heldoutPairs) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        summary.forEach((key, value) -> {
            if (value == null || !Double.isFinite(value)) json.putNull(key);   // a metric not computed, never a made-up number
            else json.put(key, value);
        });
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("summary.json").toFile(), json);
        answers(dir.resolve("answers_before.jsonl"), before, DemoCommand.BEFORE, questions, metrics, results);
        answers(dir.resolve("answers_after.jsonl"), after, DemoCommand.AFTER, questions, metrics, results);
        ObjectNode run = JSON.createObjectNode();
        run.put("train_pairs", trainPairs);
        run.put("heldout_pairs", heldoutPairs);
        run.put("heldout_questions", questions.size());
        run.set("dpo", TrainConfig.json().valueToTree(config));
        ObjectNode used = run.putObject("answer_metrics");   // summary key → metric registry name (absent: not available)
        metrics.forEach((key, metric) -> used.put(key, metric.name()));
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("demo_config.json").toFile(), run);
    }

    private static void answers(Path file, List<String> answers, String system, List<ChatPairs.Row> questions, Map<String, ActiveMetric> metrics,
                                EvalResults results) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < questions.size(); i++) {
                ObjectNode row = JSON.createObjectNode();
                row.put("line", questions.get(i).line());
                row.put("question", questions.get(i).prompt());
                row.put("answer", answers.get(i));
                row.put("reference", questions.get(i).chosen());
                for (var metric : metrics.entrySet()) {
                    Score s = results.scores().get(system).get(metric.getValue().name()).get("heldout-" + questions.get(i).line());
                    if (s != null && s.ok()) row.put(metric.getKey(), s.value());
                    else row.putNull(metric.getKey());
                }
                w.write(JSON.writeValueAsString(row));
                w.newLine();
            }
        }
    }

    static String table(Map<String, Double> s, List<String> before, List<String> after, List<ChatPairs.Row> questions) {
        StringBuilder t = new StringBuilder();
        t.append('\n').append(String.format(Locale.ROOT, "%-38s %10s %10s%n", "held-out", "before", "after"));
        row(t, "reward accuracy", s, "reward_accuracy", "%.1f%%", 100);
        row(t, "reward margin", s, "reward_margin", "%.3f", 1);
        row(t, "Flesch–Kincaid grade (lower: plainer)", s, "fk_grade", "%.1f", 1);
        row(t, "reading ease (higher: plainer)", s, "reading_ease", "%.1f", 1);
        row(t, "empathy heuristic", s, "empathy", "%.3f", 1);
        row(t, "MiniLM similarity to preferred", s, "similarity", "%.3f", 1);
        t.append(String.format(Locale.ROOT, "%-38s %21.0f s%n", "time", s.get("seconds")));
        for (int i = 0; i < Math.min(2, questions.size()); i++) {
            t.append("\nQ: ").append(questions.get(i).prompt()).append('\n');
            t.append("  before: ").append(oneLine(before.get(i))).append('\n');
            t.append("  after:  ").append(oneLine(after.get(i))).append('\n');
        }
        return t.toString();
    }

    private static void row(StringBuilder t, String label, Map<String, Double> s, String key, String format, double factor) {
        t.append(String.format(Locale.ROOT, "%-38s %10s %10s%n", label, cell(s.get(key + "_before"), format, factor), cell(s.get(key + "_after"), format, factor)));
    }

    private static String cell(Double value, String format, double factor) {
        return value == null || !Double.isFinite(value) ? "n/a" : String.format(Locale.ROOT, format, value * factor);
    }

    private static String oneLine(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }
}
