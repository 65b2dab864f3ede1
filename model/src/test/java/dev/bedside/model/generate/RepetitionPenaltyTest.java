package dev.bedside.model.generate;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Hugging Face's repetition penalty: seen ids' logits divided by p when positive, multiplied by p when negative. */
class RepetitionPenaltyTest {

    @Property(tries = 60)
    void penalisesEachSeenIdOnceAsTransformersDefinesIt(@ForAll long seed, @ForAll @IntRange(min = 1, max = 97) int vocab,
                                                         @ForAll @IntRange(min = 0, max = 40) int seenCount) {
        SplittableRandom random = new SplittableRandom(seed);
        double p = 0.5 + random.nextDouble() * 2;
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) logits[i] = (float) (random.nextDouble() * 20 - 10);
        int[] seenIds = new int[seenCount];   // with repeats: each id still counts once
        Set<Integer> distinct = new HashSet<>();
        for (int i = 0; i < seenCount; i++) distinct.add(seenIds[i] = random.nextInt(vocab));

        RepetitionPenalty penalty = new RepetitionPenalty(p, vocab);
        for (int i = 0; i < seenCount; i += 2) penalty.see(i + 1 < seenCount ? new int[] {seenIds[i], seenIds[i + 1]} : new int[] {seenIds[i]});
        float[] penalised = logits.clone();
        penalty.apply(penalised);
        for (int id = 0; id < vocab; id++) {
            double want = !distinct.contains(id) ? logits[id] : logits[id] < 0 ? logits[id] * p : logits[id] / p;
            assertEquals((float) want, penalised[id], "logit of id " + id + (distinct.contains(id) ? " (seen)" : " (unseen)") + ", penalty " + p);
        }
    }

    @Test
    void aPenaltyAboveOneTurnsGreedyAwayFromASeenToken() {
        float[] logits = {2.0f, 1.5f, -1f};
        RepetitionPenalty penalty = new RepetitionPenalty(1.5, 3);
        penalty.see(0);
        penalty.apply(logits);
        assertArrayEquals(new float[] {2.0f / 1.5f, 1.5f, -1f}, logits);
        assertEquals(1, Sampler.argmax(logits));
    }

    @Test
    void badInput() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RepetitionPenalty(0, 4)).getMessage().contains("positive"));
        assertThrows(IllegalArgumentException.class, () -> new RepetitionPenalty(Double.NaN, 4));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RepetitionPenalty(1.2, 4).see(4)).getMessage().contains("token id 4"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RepetitionPenalty(1.2, 4).apply(new float[3])).getMessage().contains("length 3"));
        assertThrows(IllegalArgumentException.class, () -> SamplingConfig.greedy(4).withRepetitionPenalty(-1));
    }
}
