package dev.bedside.eval;

import java.util.List;

/**
 * A per-sample metric. Implementations: readability (Flesch–Kincaid grade, reading ease), embedding
 * similarity to the reference, ROUGE-L, BLEU, the empathy heuristic, and the G-Eval judge metrics.
 * {@link #scoreAll} lets a metric batch its work (an encoder embeds many sentences at once); the default
 * scores one sample at a time.
 */
public interface Metric {

    /** Column and file name, e.g. {@code fk_grade}, {@code similarity_minilm}, {@code geval_empathy}. */
    String name();

    /** Whether a larger value is better (true for similarity; false for the Flesch–Kincaid grade). */
    boolean higherIsBetter();

    Score score(Sample sample);

    default List<Score> scoreAll(List<Sample> samples) {
        return samples.stream().map(this::score).toList();
    }
}
