package dev.bedside.dpo.pairs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bedside.dpo.caregiver.CaregiverCorpus;
import dev.bedside.dpo.caregiver.GeneratedPair;
import dev.bedside.dpo.caregiver.PairGenerator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Held-out topics never appear in training, not even as another wording of the question. */
class TopicSplitTest {
    private static final List<TextPair> PAIRS = new PairGenerator(CaregiverCorpus.bundled(), new NearDuplicates(0.8))
            .generate(600, 3).pairs().stream().map(GeneratedPair::text).toList();

    @Test
    void topicsAndPromptsAreDisjointAndNothingIsLost() {
        TopicSplit.Split split = TopicSplit.split(PAIRS, 0.15, 9);
        Set<String> trainTopics = split.train().stream().map(TextPair::topicId).collect(Collectors.toSet());
        Set<String> heldTopics = split.heldOut().stream().map(TextPair::topicId).collect(Collectors.toSet());
        Set<String> common = new HashSet<>(trainTopics);
        common.retainAll(heldTopics);
        assertTrue(common.isEmpty(), "topics on both sides: " + common);
        Set<String> trainPrompts = split.train().stream().map(TextPair::prompt).collect(Collectors.toSet());
        for (TextPair p : split.heldOut()) assertTrue(!trainPrompts.contains(p.prompt()), p.prompt());
        assertEquals(PAIRS.size(), split.train().size() + split.heldOut().size());
        assertEquals(heldTopics, split.heldOutKeys());
        int topics = trainTopics.size() + heldTopics.size();
        assertEquals(Math.round(0.15 * topics), heldTopics.size());
        // every area with enough topics is on both sides
        Set<String> heldCategories = split.heldOut().stream().map(TextPair::category).collect(Collectors.toSet());
        assertEquals(CaregiverCorpus.CATEGORIES.size(), heldCategories.size(), "areas held out: " + heldCategories);
    }

    @Test
    void seededAndDeterministic() {
        assertEquals(TopicSplit.split(PAIRS, 0.15, 1), TopicSplit.split(PAIRS, 0.15, 1));
        assertNotEquals(TopicSplit.split(PAIRS, 0.15, 1).heldOutKeys(), TopicSplit.split(PAIRS, 0.15, 2).heldOutKeys());
        assertTrue(TopicSplit.split(PAIRS, 0, 1).heldOut().isEmpty());
    }

    @Test
    void pairsWithoutTopicsSplitByPrompt() {
        List<TextPair> pairs = List.of(new TextPair("Q1", "a", "b", "", ""), new TextPair("q1 ", "c", "d", "", ""),
                new TextPair("Q2", "a", "b", "", ""), new TextPair("Q3", "a", "b", "", ""));
        TopicSplit.Split split = TopicSplit.split(pairs, 0.34, 4);
        assertEquals(1, split.heldOutKeys().size());   // 3 distinct prompts (case and spaces ignored) × 0.34 → 1
        boolean q1Held = split.heldOutKeys().contains("prompt:q1");
        assertEquals(q1Held ? 2 : 1, split.heldOut().size());
    }
}
