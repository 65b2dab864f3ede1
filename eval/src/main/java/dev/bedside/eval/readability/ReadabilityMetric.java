package dev.bedside.eval.readability;

import dev.bedside.eval.Metric;
import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import java.util.Map;

/**
 * Readability of the answer as a {@link Metric}: {@code fk_grade} (Flesch–Kincaid grade, lower is easier) or
 * {@code reading_ease} (Flesch reading ease, higher is easier), by the textstat port unless another
 * {@link Readability} is given. The counts go into the score's details. An empty answer is not scored (the
 * formulas would rate it as perfectly easy).
 */
public final class ReadabilityMetric implements Metric {
    private final String name;
    private final boolean grade;
    private final Readability readability;

    private ReadabilityMetric(String name, boolean grade, Readability readability) {
        this.name = name;
        this.grade = grade;
        this.readability = readability;
    }

    public static ReadabilityMetric fkGrade() { return new ReadabilityMetric("fk_grade", true, Readability.textstat()); }

    public static ReadabilityMetric readingEase() { return new ReadabilityMetric("reading_ease", false, Readability.textstat()); }

    public static ReadabilityMetric of(String name, boolean grade, Readability readability) {
        return new ReadabilityMetric(name, grade, readability);
    }

    @Override public String name() { return name; }

    @Override public boolean higherIsBetter() { return !grade; }

    @Override
    public Score score(Sample sample) {
        if (sample.answer() == null || sample.answer().isBlank()) return Score.failed("empty answer", Map.of());
        ReadabilityScores s = readability.score(sample.answer());
        Map<String, Object> counts = Map.of("sentences", s.sentences(), "words", s.words(), "syllables", s.syllables());
        double value = grade ? s.fleschKincaidGrade() : s.fleschReadingEase();
        return Double.isNaN(value) ? Score.failed("formula undefined for these counts", counts) : Score.of(value, counts);
    }
}
