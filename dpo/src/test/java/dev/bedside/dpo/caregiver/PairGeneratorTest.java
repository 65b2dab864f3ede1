package dev.bedside.dpo.caregiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bedside.dpo.pairs.NearDuplicates;
import dev.bedside.dpo.pairs.TextPair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Rule-written pairs: same facts on both sides in their two registers, deterministic, diverse. */
class PairGeneratorTest {
    private static final List<CaregiverTopic> TOPICS = CaregiverCorpus.bundled();
    private static final Map<String, CaregiverTopic> BY_ID = TOPICS.stream().collect(Collectors.toMap(CaregiverTopic::id, Function.identity()));

    private static List<GeneratedPair> generate(int count, long seed) {
        return new PairGenerator(TOPICS, new NearDuplicates(0.8)).generate(count, seed).pairs();
    }

    @Test
    void bothSidesStateTheSameFactsEachInItsOwnRegister() {
        for (GeneratedPair generated : generate(1000, 7)) {
            TextPair pair = generated.text();
            CaregiverTopic topic = BY_ID.get(pair.topicId());
            assertEquals(topic.category(), pair.category());
            assertTrue(topic.prompts().contains(pair.prompt()), pair.prompt());
            // Read the facts back from the texts themselves: which plain wordings does chosen contain?
            Set<Integer> inChosen = new HashSet<>(), clinicalInRejected = new HashSet<>();
            for (int i = 0; i < topic.facts().size(); i++) {
                Fact f = topic.facts().get(i);
                if (pair.chosen().contains(f.plain())) inChosen.add(i);
                if (pair.rejected().contains(f.clinical())) clinicalInRejected.add(i);
                assertFalse(pair.chosen().contains(f.clinical()), "clinical wording in chosen: " + f.clinical());
                assertFalse(pair.rejected().contains(f.plain()), "plain wording in rejected: " + f.plain());
            }
            assertTrue(inChosen.size() >= 3, "chosen states fewer than 3 facts: " + pair.chosen());
            assertEquals(inChosen, clinicalInRejected, "rejected must carry exactly the clinical counterparts of chosen's facts");
            assertEquals(inChosen, new HashSet<>(generated.facts()));
            assertNotEquals(pair.chosen(), pair.rejected());
            assertFalse(pair.chosen().contains("\n\n") || pair.rejected().contains("\n\n"), "blank lines hide sentence ends from textstat");
        }
    }

    @Test
    void sameSeedSamePairsOtherSeedOtherPairs() {
        List<TextPair> a = generate(300, 11).stream().map(GeneratedPair::text).toList();
        List<TextPair> b = generate(300, 11).stream().map(GeneratedPair::text).toList();
        List<TextPair> c = generate(300, 12).stream().map(GeneratedPair::text).toList();
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void thousandPairsAreDiverseAndCoverEveryTopic() {
        PairGenerator.Result result = new PairGenerator(TOPICS, new NearDuplicates(0.8)).generate(1000, 42);
        List<TextPair> pairs = result.pairs().stream().map(GeneratedPair::text).toList();
        assertEquals(1000, pairs.size());
        Set<String> topics = new HashSet<>(), prompts = new HashSet<>(), chosen = new HashSet<>(), openers = new HashSet<>(), closers = new HashSet<>();
        for (TextPair p : pairs) {
            topics.add(p.topicId());
            prompts.add(p.prompt());
            chosen.add(p.chosen());
            openers.add(p.chosen().substring(0, p.chosen().indexOf('.') + 1));
            closers.add(p.rejected().substring(p.rejected().lastIndexOf('\n') + 1));
        }
        System.out.printf("1000 pairs: %d topics, %d distinct prompts, %d distinct chosen, %d near-duplicates dropped%n",
                topics.size(), prompts.size(), chosen.size(), result.nearDuplicatesRemoved());
        assertEquals(TOPICS.size(), topics.size());
        assertTrue(prompts.size() >= 400, prompts.size() + " distinct prompts");
        assertEquals(1000, chosen.size());
        assertTrue(openers.size() >= 10, openers.size() + " distinct openings");
        // pairs of a topic are at most 0.8 alike (word 3-gram Jaccard): checked pair by pair here
        Map<String, List<Set<String>>> byTopic = new java.util.HashMap<>();
        for (TextPair p : pairs) byTopic.computeIfAbsent(p.topicId(), k -> new ArrayList<>()).add(NearDuplicates.trigrams(p));
        for (List<Set<String>> grams : byTopic.values()) {
            for (int i = 0; i < grams.size(); i++) {
                for (int j = 0; j < i; j++) assertTrue(NearDuplicates.jaccard(grams.get(i), grams.get(j)) <= 0.8);
            }
        }
    }

    @Test
    void aStrictThresholdDropsCandidatesAndSaysSo() {
        // one topic cannot give 20 pairs that share at most 20% of their 3-grams
        PairGenerator.Result result = new PairGenerator(TOPICS.subList(0, 1), new NearDuplicates(0.2)).generate(20, 5);
        assertTrue(result.pairs().size() < 20);
        assertTrue(result.nearDuplicatesRemoved() > 0);
    }
}
