package dev.bedside.cli;

import dev.bedside.dpo.data.ChatPairs;
import dev.bedside.dpo.train.Progress;
import dev.bedside.eval.Sample;
import dev.bedside.eval.empathy.EmpathyHeuristic;
import dev.bedside.eval.report.Reports;
import dev.bedside.eval.run.ActiveMetric;
import dev.bedside.eval.run.Answer;
import dev.bedside.eval.run.AnswerSystem;
import dev.bedside.eval.run.EvalResults;
import dev.bedside.eval.run.EvalRunner;
import dev.bedside.eval.run.MetricContext;
import dev.bedside.eval.run.MetricRegistry;
import dev.bedside.eval.run.MetricSummary;
import dev.bedside.eval.similarity.EmbeddingSimilarity;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.generate.Generator;
import dev.bedside.model.generate.SamplingConfig;
import dev.bedside.model.tokenizer.ChatFormat;
import dev.bedside.model.tokenizer.Tokenizer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The demo's answer evaluation: greedy answers to held-out questions (chat format) from the base model and from
 * the aligned one, then the evaluation runner and reports of {@code bedside eval} on both, with the preferred
 * (chosen) answer as each question's reference.
 */
final class DemoEvaluation {
    /**
     * summary.json key → the metric registry's names for it, first found wins. A metric that could not be computed is
     * reported as null, never as a made-up number.
     */
    static final Map<String, List<String>> SUMMARY_METRICS = summaryMetrics();

    private static Map<String, List<String>> summaryMetrics() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("fk_grade", List.of("fk_grade"));
        m.put("reading_ease", List.of("reading_ease"));
        m.put("empathy", List.of("empathy_heuristic", "empathy"));
        m.put("similarity", List.of("similarity_minilm", "similarity"));
        return m;
    }

    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final ChatFormat chat;
    private final int maxNewTokens;
    private final PrintStream progress;

    DemoEvaluation(LlamaModel model, Tokenizer tokenizer, ChatFormat chat, int maxNewTokens, PrintStream progress) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.chat = chat;
        this.maxNewTokens = maxNewTokens;
        this.progress = progress;
    }

    /** Greedy answers to the questions, with a progress bar. */
    List<String> answers(String label, List<ChatPairs.Row> questions) {
        Generator generator = new Generator(model, new TreeSet<>(model.eosIds()));
        List<String> answers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < questions.size(); i++) {
            int[] prompt = ChatPairs.prompt(chat, questions.get(i).prompt());
            int[] ids = generator.generate(prompt, SamplingConfig.greedy(maxNewTokens), id -> {}).tokens();
            answers.add(tokenizer.decode(ids).strip());
            bar("answers " + label, i + 1, questions.size(), start);
        }
        return answers;
    }

    /**
     * The metrics of {@link #SUMMARY_METRICS} by summary key: from the registry when it has them, else the empathy
     * heuristic and MiniLM similarity built here (until the registry lists them).
     */
    static Map<String, ActiveMetric> metrics() {
        Map<String, ActiveMetric> metrics = new LinkedHashMap<>();
        for (var e : SUMMARY_METRICS.entrySet()) {
            for (String name : e.getValue()) {
                var entry = MetricRegistry.entries().get(name);
                if (entry != null && !entry.needsJudge()) {
                    metrics.put(e.getKey(), entry.create().apply(MetricContext.withoutJudge()));
                    break;
                }
            }
        }
        metrics.computeIfAbsent("empathy", k -> ActiveMetric.of("empathy_heuristic", new EmpathyHeuristic()));
        metrics.computeIfAbsent("similarity", k -> ActiveMetric.of("similarity_minilm", EmbeddingSimilarity.minilm()));
        return metrics;
    }

    /** Scores both systems' answers with the eval runner and writes its reports into {@code dir}; returns the results. */
    static EvalResults report(Path dir, List<ChatPairs.Row> questions, Map<String, List<String>> answersBySystem,
                              Map<String, ActiveMetric> metrics, long seed, Map<String, Object> settings, PrintStream progress) throws Exception {
        List<Sample> samples = new ArrayList<>();
        for (ChatPairs.Row row : questions) {
            samples.add(new Sample(id(row), row.prompt(), "", row.chosen(), row.topic() == null ? Map.of() : Map.of("topic", row.topic())));
        }
        List<AnswerSystem> systems = new ArrayList<>();
        answersBySystem.forEach((name, answers) -> {
            Map<String, String> byId = new LinkedHashMap<>();
            for (int i = 0; i < questions.size(); i++) byId.put(id(questions.get(i)), answers.get(i));
            systems.add(new StoredAnswers(name, byId));
        });
        EvalRunner runner = new EvalRunner(new EvalRunner.Options(dir, seed, 1000, 0.95, 16, null, progress));
        EvalResults results = runner.run(samples, systems, List.copyOf(metrics.values()), settings);
        Reports.writeAll(results, dir, "caregiver held-out questions");
        return results;
    }

    /** The mean of a metric for a system, NaN when it was not computed. */
    static double mean(EvalResults results, String system, ActiveMetric metric) {
        if (metric == null) return Double.NaN;
        MetricSummary s = results.summary().getOrDefault(system, Map.of()).get(metric.name());
        return s == null ? Double.NaN : s.mean();
    }

    private static String id(ChatPairs.Row row) { return "heldout-" + row.line(); }

    /** Answers generated before the runner starts (the model is shared by both systems). */
    private record StoredAnswers(String name, Map<String, String> byId) implements AnswerSystem {
        public String kind() { return "model"; }

        public Answer answer(Sample sample, long seed) {
            String text = byId.get(sample.id());
            return text == null || text.isBlank() ? Answer.failed("the model gave an empty answer") : Answer.of(text, Map.of());
        }
    }

    private void bar(String label, int done, int total, long start) {
        if (progress == null) return;
        double elapsed = (System.nanoTime() - start) / 1e9;
        double eta = done > 0 ? elapsed / done * (total - done) : Double.NaN;
        progress.print(Progress.line(label, done, total, String.format(Locale.ROOT, "%.0f s", elapsed), eta));
        if (done == total) progress.println();
        progress.flush();
    }
}
