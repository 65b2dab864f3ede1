package dev.bedside.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.dpo.data.DataException;
import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Runs an evaluation in three passes, each resumable:
 * <ol>
 *   <li>every system answers every question, one system at a time; each answer is appended to
 *       {@code answers/SYSTEM.jsonl} as soon as it exists;</li>
 *   <li>every per-sample metric scores every answer, appended to {@code scores/SYSTEM/METRIC.jsonl} (all answers
 *       exist by then, so a judge running on the base model sees no adapter attached);</li>
 *   <li>the summaries: per system and metric the mean over the scored samples with a bootstrap interval; failed
 *       scores (NaN with a reason) are left out of the mean and counted.</li>
 * </ol>
 * A run that is started again with the same {@code out} folder skips every answer and score already written.
 * {@code run.json} records the settings that decide the answers; a resumed run must have the same ones.
 */
public final class EvalRunner {

    /** How a run is done. {@code progress} null is quiet. */
    public record Options(Path out, long seed, int resamples, double confidence, int batchSize, String groupBy, PrintStream progress) {}

    private static final String NO_ANSWER = "no answer: ";

    private final Options options;

    public EvalRunner(Options options) {
        this.options = options;
    }

    public EvalResults run(List<Sample> samples, List<AnswerSystem> systems, List<ActiveMetric> metrics,
                           Map<String, Object> settings) throws Exception {
        checkNames(systems, metrics);
        RunSettings.checkOrWrite(options.out().resolve("run.json"), settings);
        Map<String, Map<String, Answer>> answers = new LinkedHashMap<>();
        for (AnswerSystem system : systems) answers.put(system.name(), answer(system, samples));
        Map<String, Map<String, Map<String, Score>>> scores = new LinkedHashMap<>();
        for (AnswerSystem system : systems) {
            Map<String, Map<String, Score>> bySystem = new LinkedHashMap<>();
            for (ActiveMetric metric : metrics) {
                if (!metric.isCorpus()) bySystem.put(metric.name(), score(system.name(), metric, samples, answers.get(system.name())));
            }
            scores.put(system.name(), bySystem);
        }
        List<EvalResults.SystemInfo> systemInfo = systems.stream().map(s -> new EvalResults.SystemInfo(s.name(), s.kind())).toList();
        List<EvalResults.MetricInfo> metricInfo = metrics.stream().map(m -> new EvalResults.MetricInfo(m.name(), m.higherIsBetter(), m.isCorpus())).toList();
        EvalResults partial = new EvalResults(samples, systemInfo, metricInfo, options.groupBy(), answers, scores, Map.of(), Map.of(), settings);
        return Summaries.compute(partial, metrics, options.resamples(), options.confidence(), options.seed());
    }

    // ------------------------------------------------------------------ pass 1: answers

    private Map<String, Answer> answer(AnswerSystem system, List<Sample> samples) throws Exception {
        Path file = options.out().resolve("answers").resolve(fileName(system.name()) + ".jsonl");
        Map<String, Answer> done = new HashMap<>();
        Map<String, String> questions = new HashMap<>();
        for (Sample s : samples) questions.put(s.id(), s.question());
        for (ObjectNode record : JsonlStore.load(file)) {
            String id = record.path("id").asText();
            String question = questions.get(id);
            if (question != null && !question.equals(record.path("question").asText())) {
                throw new DataException(file, "sample " + id + " was asked a different question in the earlier run: these answers"
                        + " belong to another data file; use another --out");
            }
            Answer answer = new Answer(record.path("answer").asText(), textOrNull(record.get("failure")), details(record.get("details")));
            if (answer.ok()) done.put(id, answer);   // a failed answer (an endpoint that was down) is asked again
        }
        List<Sample> todo = samples.stream().filter(s -> !done.containsKey(s.id())).toList();
        if (!todo.isEmpty()) {
            Progress progress = new Progress(options.progress(), "[" + system.name() + "] answers", todo.size());
            system.open();
            try (JsonlStore store = JsonlStore.append(file)) {
                for (Sample sample : todo) {
                    Answer answer;
                    try {
                        answer = system.answer(sample, sampleSeed(options.seed(), sample.question()));
                    } catch (Exception e) {
                        answer = Answer.failed(describe(e));
                    }
                    ObjectNode record = JsonlStore.JSON.createObjectNode();
                    record.put("id", sample.id());
                    record.put("question", sample.question());
                    record.put("answer", answer.text());
                    record.put("failure", answer.failure());
                    record.set("details", JsonlStore.JSON.valueToTree(answer.details()));
                    store.write(record);
                    done.put(sample.id(), answer);
                    progress.step();
                }
            } finally {
                system.close();
            }
        }
        Map<String, Answer> inOrder = new LinkedHashMap<>();
        for (Sample s : samples) inOrder.put(s.id(), done.get(s.id()));
        return inOrder;
    }

    /** The seed of one question's answer: from the run's seed and the question's text only. */
    static long sampleSeed(long seed, String question) {
        long h = seed;
        for (int i = 0; i < question.length(); i++) h = h * 31 + question.charAt(i);
        return new SplittableRandom(h).nextLong();
    }

    // ------------------------------------------------------------------ pass 2: per-sample scores

    private Map<String, Score> score(String system, ActiveMetric metric, List<Sample> samples, Map<String, Answer> answers) throws IOException {
        Path file = options.out().resolve("scores").resolve(fileName(system)).resolve(fileName(metric.name()) + ".jsonl");
        Map<String, Score> done = new HashMap<>();
        for (ObjectNode record : JsonlStore.load(file)) {
            JsonNode value = record.get("value");
            double v = value == null || value.isNull() ? Double.NaN : value.asDouble();
            String failure = textOrNull(record.get("failure"));
            if (failure == null && Double.isNaN(v)) failure = "no value";
            String id = record.path("id").asText();
            Answer answer = answers.get(id);
            // A "no answer" failure is stale once the question has been answered since.
            if (failure != null && failure.startsWith(NO_ANSWER) && answer != null && answer.ok()) continue;
            done.put(id, new Score(v, failure, details(record.get("details"))));
        }
        List<Sample> todo = samples.stream().filter(s -> !done.containsKey(s.id())).toList();
        if (!todo.isEmpty()) {
            Progress progress = new Progress(options.progress(), "[" + system + "] " + metric.name(), todo.size());
            try (JsonlStore store = JsonlStore.append(file)) {
                for (int from = 0; from < todo.size(); from += options.batchSize()) {
                    List<Sample> batch = todo.subList(from, Math.min(todo.size(), from + options.batchSize()));
                    List<Score> scored = scoreBatch(metric, batch, answers);
                    for (int i = 0; i < batch.size(); i++) {
                        Score score = scored.get(i);
                        ObjectNode record = JsonlStore.JSON.createObjectNode();
                        record.put("id", batch.get(i).id());
                        if (Double.isNaN(score.value()) || score.failure() != null) record.putNull("value");
                        else record.put("value", score.value());
                        record.put("failure", score.failure() != null ? score.failure() : Double.isNaN(score.value()) ? "no value" : null);
                        record.set("details", JsonlStore.JSON.valueToTree(score.details()));
                        store.write(record);
                        done.put(batch.get(i).id(), score);
                        progress.step();
                    }
                }
            }
        }
        Map<String, Score> inOrder = new LinkedHashMap<>();
        for (Sample s : samples) inOrder.put(s.id(), done.get(s.id()));
        return inOrder;
    }

    /** Scores a batch at once; if the metric throws, one by one, so one bad sample fails alone. */
    private static List<Score> scoreBatch(ActiveMetric metric, List<Sample> batch, Map<String, Answer> answers) {
        List<Score> scores = new ArrayList<>();
        List<Sample> answered = new ArrayList<>();
        for (Sample s : batch) {
            Answer a = answers.get(s.id());
            if (a.ok()) answered.add(withAnswer(s, a.text()));
        }
        List<Score> answeredScores;
        try {
            answeredScores = metric.perSample().scoreAll(answered);
            if (answeredScores.size() != answered.size()) throw new IllegalStateException(metric.name() + " returned "
                    + answeredScores.size() + " scores for " + answered.size() + " samples");
        } catch (RuntimeException e) {
            answeredScores = answered.stream().map(s -> scoreOne(metric, s)).toList();
        }
        int next = 0;
        for (Sample s : batch) {
            Answer a = answers.get(s.id());
            scores.add(a.ok() ? answeredScores.get(next++) : Score.failed(NO_ANSWER + a.failure(), Map.of()));
        }
        return scores;
    }

    private static Score scoreOne(ActiveMetric metric, Sample sample) {
        try {
            return metric.perSample().score(sample);
        } catch (RuntimeException e) {
            return Score.failed(describe(e), Map.of());
        }
    }

    static Sample withAnswer(Sample s, String answer) {
        return new Sample(s.id(), s.question(), answer, s.reference(), s.columns());
    }

    // ------------------------------------------------------------------ helpers

    /** A name as a file name: letters, digits, dot, dash and underscore kept, anything else '_'. */
    public static String fileName(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.startsWith(".") ? "_" + safe.substring(1) : safe;
    }

    private static void checkNames(List<AnswerSystem> systems, List<ActiveMetric> metrics) {
        if (systems.isEmpty()) throw new IllegalArgumentException("no system to evaluate: give --model, --endpoint or --predictions");
        Map<String, String> files = new TreeMap<>();
        for (AnswerSystem s : systems) {
            String before = files.putIfAbsent(fileName(s.name()).toLowerCase(java.util.Locale.ROOT), s.name());
            if (before != null) throw new IllegalArgumentException("two systems named '" + before + "' and '" + s.name()
                    + "' (their files would collide): rename one (--adapter NAME=DIR, --endpoint NAME=URL)");
        }
        if (metrics.isEmpty()) throw new IllegalArgumentException("no metric to compute");
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(JsonNode node) {
        if (node == null || !node.isObject()) return Map.of();
        Map<String, Object> map = JsonlStore.JSON.convertValue(node, Map.class);
        map.values().removeIf(java.util.Objects::isNull);
        return map;
    }
}
