package dev.bedside.dpo.pairs;

/**
 * One preference pair as text, in TRL's columns, with where it came from: {@code topicId} groups pairs that
 * ask the same question (the held-out split never separates a group) and {@code category} is its area
 * (both may be empty for data that has none).
 */
public record TextPair(String prompt, String chosen, String rejected, String topicId, String category) {
    public TextPair {
        if (topicId == null) topicId = "";
        if (category == null) category = "";
    }

    /** What the held-out split groups by: the topic when there is one, else the prompt itself. */
    public String splitKey() {
        return topicId.isEmpty() ? "prompt:" + prompt.strip().toLowerCase(java.util.Locale.ROOT) : topicId;
    }
}
