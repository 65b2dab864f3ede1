package dev.bedside.model.generate;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import net.jqwik.api.*;
import org.junit.jupiter.api.Test;

class SamplerTest {

    @Property(tries = 50)
    void orderIsByLogitThenId(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] logits = new float[200];
        // Few distinct values, both signs, so ties and negative numbers are exercised.
        for (int i = 0; i < logits.length; i++) logits[i] = (random.nextInt(21) - 10) * 0.75f;
        int[] order = Sampler.sortedByLogitDescending(logits);
        for (int i = 1; i < order.length; i++) {
            float a = logits[order[i - 1]], b = logits[order[i]];
            assertTrue(a > b || (a == b && order[i - 1] < order[i]), "position " + i);
        }
    }

    @Test
    void greedyTakesTheFirstLargest() {
        assertEquals(2, new Sampler(SamplingConfig.greedy(5)).next(new float[] {0.5f, -1f, 3f, 3f, 2f}));
    }

    @Test
    void topKOfOneAndTinyTopPAreGreedy() {
        float[] logits = new float[1000];
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < logits.length; i++) logits[i] = (float) r.nextGaussian();
        int best = Sampler.argmax(logits);
        for (long seed = 0; seed < 20; seed++) {
            assertEquals(best, new Sampler(new SamplingConfig(1.0, 1, 1.0, seed, 1)).next(logits));
            assertEquals(best, new Sampler(new SamplingConfig(1.0, 0, 1e-9, seed, 1)).next(logits));
        }
    }

    @Test
    void samplingFollowsTheTemperedSoftmax() {
        float[] logits = {1.0f, 0.0f, -1.0f, 0.5f};
        double temperature = 0.7;
        double[] expected = new double[4];
        double total = 0;
        for (int i = 0; i < 4; i++) total += expected[i] = Math.exp(logits[i] / temperature);
        Sampler sampler = new Sampler(new SamplingConfig(temperature, 0, 1.0, 123, 1));
        int draws = 40_000;
        int[] counts = new int[4];
        for (int i = 0; i < draws; i++) counts[sampler.next(logits)]++;
        for (int i = 0; i < 4; i++) {
            double p = expected[i] / total, sd = Math.sqrt(p * (1 - p) / draws);
            assertEquals(p, counts[i] / (double) draws, 5 * sd, "token " + i);
        }
    }

    @Test
    void topPKeepsTheSmallestNucleus() {
        // Probabilities 0.5, 0.3, 0.2 (temperature 1): top-p 0.75 keeps the first two only.
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
        Sampler sampler = new Sampler(new SamplingConfig(1.0, 0, 0.75, 9, 1));
        int[] counts = new int[3];
        for (int i = 0; i < 20_000; i++) counts[sampler.next(logits)]++;
        assertEquals(0, counts[2]);
        assertEquals(0.625, counts[0] / 20_000.0, 0.02);
    }

    @Test
    void sameSeedSameTokens() {
        float[] logits = new float[500];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < logits.length; i++) logits[i] = (float) r.nextGaussian();
        SamplingConfig config = new SamplingConfig(0.3, 40, 0.9, 77, 10);
        Sampler a = new Sampler(config), b = new Sampler(config);
        for (int i = 0; i < 50; i++) assertEquals(a.next(logits), b.next(logits));
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SamplingConfig(-1, 0, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SamplingConfig(1, 0, 0, 0, 1));
    }
}
