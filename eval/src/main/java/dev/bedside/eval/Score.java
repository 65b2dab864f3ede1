package dev.bedside.eval;

import java.util.Map;

/**
 * A metric's verdict on one sample. {@code value} is in the metric's natural unit (a cosine, a grade level,
 * a 0–1 judge score); when the sample could not be scored {@code value} is NaN and {@code failure} says why,
 * so a report can mark the sample instead of silently averaging it in. {@code details} keeps whatever a
 * reader needs to audit the number (counts, the judge's raw reply, sub-scores).
 */
public record Score(double value, String failure, Map<String, Object> details) {
    public Score {
        details = Map.copyOf(details);
    }

    public static Score of(double value) {
        return new Score(value, null, Map.of());
    }

    public static Score of(double value, Map<String, Object> details) {
        return new Score(value, null, details);
    }

    public static Score failed(String why, Map<String, Object> details) {
        return new Score(Double.NaN, why, details);
    }

    /** The failure of a reference-based metric on a sample without a reference ({@link Sample#hasReference}). */
    public static Score noReference(Map<String, Object> details) {
        return failed("no reference answer to compare with", details);
    }

    public boolean ok() {
        return failure == null;
    }
}
