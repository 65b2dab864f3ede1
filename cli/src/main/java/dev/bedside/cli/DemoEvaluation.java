package dev.bedside.cli;

import dev.bedside.dpo.data.ChatPairs;
import dev.bedside.eval.Metric;
import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import dev.bedside.eval.readability.Readability;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.generate.Generator;
import dev.bedside.model.generate.SamplingConfig;
import dev.bedside.model.tokenizer.ChatFormat;
import dev.bedside.model.tokenizer.Tokenizer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The demo's answer evaluation: greedy answers to held-out questions (chat format), then every metric on each
 * answer against the preferred (chosen) answer as reference, averaged.
 */
final class DemoEvaluation {
    /** The summary.json metric keys, in table order; a metric not wired in yet is reported as NaN (null in JSON). */
    static final List<String> SUMMARY_KEYS = List.of("fk_grade", "reading_ease", "empathy", "similarity");

    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final ChatFormat chat;
    private final Map<String, Metric> metrics;
    private final int maxNewTokens;
    private final PrintStream progress;

    DemoEvaluation(LlamaModel model, Tokenizer tokenizer, ChatFormat chat, Map<String, Metric> metrics, int maxNewTokens, PrintStream progress) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.chat = chat;
        this.metrics = metrics;
        this.maxNewTokens = maxNewTokens;
        this.progress = progress;
    }

    /** The answers and each metric's per-answer scores and mean (NaN scores left out of the mean). */
    record Result(List<String> answers, Map<String, List<Score>> scores, Map<String, Double> means) {}

    /** Metrics by summary key: readability now; the empathy heuristic and embedding similarity join when their branches land. */
    static Map<String, Metric> defaultMetrics() {
        Map<String, Metric> metrics = new LinkedHashMap<>();
        metrics.put("fk_grade", readability("fk_grade", false));
        metrics.put("reading_ease", readability("reading_ease", true));
        return metrics;
    }

    List<String> metricNames() { return List.copyOf(metrics.keySet()); }

    Result run(String label, List<ChatPairs.Row> questions) {
        Generator generator = new Generator(model, new TreeSet<>(model.eosIds()));
        List<String> answers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < questions.size(); i++) {
            int[] prompt = ChatPairs.prompt(chat, questions.get(i).prompt());
            int[] ids = generator.generate(prompt, SamplingConfig.greedy(maxNewTokens), id -> {}).tokens();
            answers.add(tokenizer.decode(ids).strip());
            bar("answers " + label, i + 1, questions.size(), start);
        }
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            ChatPairs.Row row = questions.get(i);
            samples.add(new Sample("heldout-" + row.line(), row.prompt(), answers.get(i), row.chosen(),
                    row.topic() == null ? Map.of() : Map.of("topic", row.topic())));
        }
        Map<String, List<Score>> scores = new LinkedHashMap<>();
        Map<String, Double> means = new LinkedHashMap<>();
        for (var e : metrics.entrySet()) {
            List<Score> s = e.getValue().scoreAll(samples);
            scores.put(e.getKey(), s);
            means.put(e.getKey(), s.stream().filter(Score::ok).mapToDouble(Score::value).average().orElse(Double.NaN));
        }
        return new Result(answers, scores, means);
    }

    private void bar(String label, int done, int total, long start) {
        if (progress == null) return;
        int width = 24, filled = width * done / total;
        double elapsed = (System.nanoTime() - start) / 1e9;
        progress.print(String.format(Locale.ROOT, "\r%s %d/%d [%s] %.0f s   ", label, done, total,
                "#".repeat(filled) + "-".repeat(width - filled), elapsed));
        if (done == total) progress.println();
        progress.flush();
    }

    /** Flesch–Kincaid grade (lower is plainer) or Flesch reading ease (higher is plainer), textstat's way. */
    static Metric readability(String name, boolean readingEase) {
        Readability formula = Readability.textstat();
        return new Metric() {
            public String name() { return name; }

            public boolean higherIsBetter() { return readingEase; }

            public Score score(Sample sample) {
                if (sample.answer().isBlank()) return Score.failed("empty answer", Map.of());
                var s = formula.score(sample.answer());
                return Score.of(readingEase ? s.fleschReadingEase() : s.fleschKincaidGrade(),
                        Map.of("sentences", s.sentences(), "words", s.words(), "syllables", s.syllables()));
            }
        };
    }
}
