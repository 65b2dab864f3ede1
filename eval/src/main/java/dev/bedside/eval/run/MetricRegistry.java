package dev.bedside.eval.run;

import dev.bedside.eval.judge.GEvalMetric;
import dev.bedside.eval.readability.ReadabilityMetric;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every metric {@code bedside eval --metrics} knows, by name. This is the one place a new metric is wired in:
 * add an {@link Entry} to the static block.
 */
public final class MetricRegistry {

    /** A metric by name: what it measures, whether it needs the judge, and how to build it. */
    public record Entry(String name, String about, boolean needsJudge, Function<MetricContext, ActiveMetric> create) {}

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        add(new Entry("fk_grade", "Flesch–Kincaid grade level of the answer (textstat; lower is easier)", false,
                c -> ActiveMetric.of("fk_grade", ReadabilityMetric.fkGrade())));
        add(new Entry("reading_ease", "Flesch reading ease of the answer (textstat; higher is easier)", false,
                c -> ActiveMetric.of("reading_ease", ReadabilityMetric.readingEase())));
        // Wired at merge, once their classes are on main:
        //   similarity_minilm  (h-embed)  c -> ActiveMetric.of("similarity_minilm", EmbeddingSimilarity.minilm())
        //   rouge_l, empathy_heuristic  (h-judge)  c -> ActiveMetric.of("rouge_l", new RougeL()) ...
        //   bleu (h-judge, corpus)  c -> ActiveMetric.ofCorpus("bleu", new Bleu(), true)
        add(new Entry("geval_correctness", "G-Eval factual correctness against the reference answer (judge, 0–1)", true,
                c -> ActiveMetric.of("geval_correctness", GEvalMetric.factualCorrectness(c.judge().get()))));
        add(new Entry("geval_empathy", "G-Eval empathy, \"G-Empathic\" (judge, 0–1)", true,
                c -> ActiveMetric.of("geval_empathy", GEvalMetric.empathy(c.judge().get()))));
        add(new Entry("geval_readability", "G-Eval politeness and readability (judge, 0–1)", true,
                c -> ActiveMetric.of("geval_readability", GEvalMetric.readability(c.judge().get()))));
    }

    private MetricRegistry() {}

    private static void add(Entry entry) {
        ENTRIES.put(entry.name(), entry);
    }

    public static Map<String, Entry> entries() { return Collections.unmodifiableMap(ENTRIES); }

    /** The default list: every metric that needs no judge, and the judge metrics too when a judge is given. */
    public static List<String> defaults(boolean haveJudge) {
        return ENTRIES.values().stream().filter(e -> haveJudge || !e.needsJudge()).map(Entry::name).toList();
    }

    /** The metrics named in {@code names} (from {@code --metrics a,b,c}), built in that order. */
    public static List<ActiveMetric> create(List<String> names, MetricContext context) {
        List<ActiveMetric> metrics = new ArrayList<>();
        for (String name : names) {
            Entry entry = ENTRIES.get(name);
            if (entry == null) throw new IllegalArgumentException("unknown metric '" + name + "' (known: " + String.join(", ", ENTRIES.keySet()) + ")");
            if (metrics.stream().anyMatch(m -> m.name().equals(name))) throw new IllegalArgumentException("metric '" + name + "' named twice");
            metrics.add(entry.create().apply(context));
        }
        return metrics;
    }
}
