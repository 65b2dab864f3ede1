package dev.bedside.eval.pairs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.dpo.pairs.TextPair;
import dev.bedside.eval.Metric;
import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import dev.bedside.eval.readability.Readability;
import dev.bedside.eval.readability.ReadabilityScores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The paper's first suggested check on preference data: for every pair, how much easier to read the chosen
 * answer is (Flesch–Kincaid grade and reading ease, {@link Readability#textstat()}), how much more empathetic
 * (an empathy {@link Metric} scored on each answer alone), and how similar the two are in content (a
 * similarity {@link Metric} with chosen as the answer and rejected as the reference). The empathy and
 * similarity metrics are optional: without one, its columns are NaN (null in JSON) and the summary says so.
 */
public final class PairValidation {
    private final Readability readability = Readability.textstat();
    private final Metric empathy;
    private final Metric similarity;

    /** {@code empathy} and {@code similarity} may be null (not measured). */
    public PairValidation(Metric empathy, Metric similarity) {
        this.empathy = empathy;
        this.similarity = similarity;
    }

    public List<PairCheck> check(List<TextPair> pairs) {
        List<Sample> chosen = new ArrayList<>(), rejected = new ArrayList<>(), both = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            TextPair p = pairs.get(i);
            Map<String, String> columns = Map.of("topic_id", p.topicId(), "category", p.category());
            chosen.add(new Sample(i + "/chosen", p.prompt(), p.chosen(), "", columns));
            rejected.add(new Sample(i + "/rejected", p.prompt(), p.rejected(), "", columns));
            both.add(new Sample(Integer.toString(i), p.prompt(), p.chosen(), p.rejected(), columns));
        }
        double[] empathyChosen = values(empathy, chosen), empathyRejected = values(empathy, rejected);
        double[] similar = values(similarity, both);
        List<PairCheck> checks = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            TextPair p = pairs.get(i);
            ReadabilityScores c = readability.score(p.chosen()), r = readability.score(p.rejected());
            checks.add(new PairCheck(i, p.topicId(), p.category(), c.fleschKincaidGrade(), r.fleschKincaidGrade(),
                    c.fleschReadingEase(), r.fleschReadingEase(), empathyChosen[i], empathyRejected[i], similar[i]));
        }
        return checks;
    }

    private static double[] values(Metric metric, List<Sample> samples) {
        double[] values = new double[samples.size()];
        Arrays.fill(values, Double.NaN);
        if (metric == null) return values;
        List<Score> scores = metric.scoreAll(samples);
        for (int i = 0; i < values.length; i++) values[i] = scores.get(i).value();
        return values;
    }

    public String empathyName() { return empathy == null ? null : empathy.name(); }

    public String similarityName() { return similarity == null ? null : similarity.name(); }

    /** Averages and shares over all checks; a metric that was not run reports null. */
    public static Map<String, Object> summary(List<PairCheck> checks) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("pairs", checks.size());
        s.put("chosen_lower_fk_grade_share", share(checks, c -> c.fkGap() > 0));
        s.put("chosen_higher_reading_ease_share", share(checks, c -> c.easeGap() > 0));
        s.put("fk_grade_chosen_mean", mean(checks, PairCheck::fkChosen));
        s.put("fk_grade_rejected_mean", mean(checks, PairCheck::fkRejected));
        s.put("fk_grade_gap_mean", mean(checks, PairCheck::fkGap));
        s.put("fk_grade_gap_min", min(checks, PairCheck::fkGap));
        s.put("reading_ease_chosen_mean", mean(checks, PairCheck::easeChosen));
        s.put("reading_ease_rejected_mean", mean(checks, PairCheck::easeRejected));
        s.put("reading_ease_gap_mean", mean(checks, PairCheck::easeGap));
        boolean empathyRun = checks.stream().anyMatch(c -> !Double.isNaN(c.empathyGap()));
        s.put("empathy_chosen_mean", empathyRun ? mean(checks, PairCheck::empathyChosen) : null);
        s.put("empathy_rejected_mean", empathyRun ? mean(checks, PairCheck::empathyRejected) : null);
        s.put("empathy_gap_mean", empathyRun ? mean(checks, PairCheck::empathyGap) : null);
        s.put("chosen_higher_empathy_share", empathyRun ? share(checks, c -> c.empathyGap() > 0) : null);
        boolean similarityRun = checks.stream().anyMatch(c -> !Double.isNaN(c.similarity()));
        s.put("similarity_mean", similarityRun ? mean(checks, PairCheck::similarity) : null);
        s.put("similarity_min", similarityRun ? min(checks, PairCheck::similarity) : null);
        return s;
    }

    private static Double share(List<PairCheck> checks, java.util.function.Predicate<PairCheck> test) {
        if (checks.isEmpty()) return null;
        return (double) checks.stream().filter(test).count() / checks.size();
    }

    /** Mean over the values that are numbers (a NaN marks a failed score); null when there are none. */
    private static Double mean(List<PairCheck> checks, ToDoubleFunction<PairCheck> value) {
        var stats = checks.stream().mapToDouble(value).filter(v -> !Double.isNaN(v)).summaryStatistics();
        return stats.getCount() == 0 ? null : stats.getAverage();
    }

    private static Double min(List<PairCheck> checks, ToDoubleFunction<PairCheck> value) {
        var stats = checks.stream().mapToDouble(value).filter(v -> !Double.isNaN(v)).summaryStatistics();
        return stats.getCount() == 0 ? null : stats.getMin();
    }

    /** Writes {@code {"summary": {...extra, ...summary}, "pairs": [one object per check]}} as JSON. */
    public static void writeReport(Path file, Map<String, Object> extra, List<PairCheck> checks) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        Map<String, Object> summary = new LinkedHashMap<>(extra);
        summary.putAll(summary(checks));
        root.set("summary", json.valueToTree(summary));
        ArrayNode rows = root.putArray("pairs");
        for (PairCheck c : checks) {
            ObjectNode row = rows.addObject();
            row.put("index", c.index());
            row.put("topic_id", c.topicId());
            row.put("category", c.category());
            number(row, "fk_grade_chosen", c.fkChosen());
            number(row, "fk_grade_rejected", c.fkRejected());
            number(row, "fk_grade_gap", c.fkGap());
            number(row, "reading_ease_chosen", c.easeChosen());
            number(row, "reading_ease_rejected", c.easeRejected());
            number(row, "reading_ease_gap", c.easeGap());
            number(row, "empathy_chosen", c.empathyChosen());
            number(row, "empathy_rejected", c.empathyRejected());
            number(row, "empathy_gap", c.empathyGap());
            number(row, "similarity", c.similarity());
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        json.writeValue(file.toFile(), root);
    }

    private static void number(ObjectNode row, String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) row.putNull(field);
        else row.put(field, value);
    }
}
