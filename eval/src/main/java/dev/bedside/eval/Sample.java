package dev.bedside.eval;

import java.util.Map;

/**
 * One answer to score: the question asked, the answer a system gave, and the reference answer it is judged
 * against (empty when the data has none). {@code columns} carries the row's other fields (topic, category,
 * audience) so reports can break every metric down by them.
 */
public record Sample(String id, String question, String answer, String reference, Map<String, String> columns) {
    public Sample {
        columns = Map.copyOf(columns);
    }

    /** Whether there is a reference answer to compare with (reference-based metrics fail the sample otherwise). */
    public boolean hasReference() { return reference != null && !reference.isBlank(); }

    /** The answer, or "" when the system gave none. */
    public String answerText() { return answer == null ? "" : answer; }
}
