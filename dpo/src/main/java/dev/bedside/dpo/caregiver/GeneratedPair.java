package dev.bedside.dpo.caregiver;

import dev.bedside.dpo.pairs.TextPair;
import java.util.List;

/**
 * A rule-written pair and what went into it: the topic, and the indices of the topic's facts it states, in
 * the order the chosen answer states them ({@code rejected} states the same facts, possibly in another order).
 */
public record GeneratedPair(CaregiverTopic topic, String prompt, String chosen, String rejected, List<Integer> facts) {
    public GeneratedPair {
        facts = List.copyOf(facts);
    }

    public TextPair text() {
        return new TextPair(prompt, chosen, rejected, topic.id(), topic.category());
    }
}
