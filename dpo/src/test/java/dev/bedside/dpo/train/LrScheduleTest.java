package dev.bedside.dpo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Values worked out by hand from transformers' lambdas: linear = step/warmup during warm-up, then
 * (total − step)/(total − warmup); cosine = 0.5·(1 + cos(π·progress)), progress = (step − warmup)/(total − warmup).
 */
class LrScheduleTest {

    @Test
    void linearWithWarmup() {
        LrSchedule s = new LrSchedule(LrSchedule.Kind.LINEAR, 2, 10);
        double[] expected = {0, 0.5, 1, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125, 0, 0};
        for (int step = 0; step < expected.length; step++) assertEquals(expected[step], s.factor(step), 1e-15, "step " + step);
    }

    @Test
    void cosineWithWarmup() {
        LrSchedule s = new LrSchedule(LrSchedule.Kind.COSINE, 2, 10);
        assertEquals(0.0, s.factor(0), 1e-15);
        assertEquals(0.5, s.factor(1), 1e-15);
        assertEquals(1.0, s.factor(2), 1e-15);
        assertEquals(0.8535533905932737, s.factor(4), 1e-15);   // progress 1/4: (1 + √½)/2
        assertEquals(0.5, s.factor(6), 1e-15);                  // progress 1/2
        assertEquals(0.0, s.factor(10), 1e-15);
    }

    @Test
    void noWarmupStartsAtTheFullRate() {
        assertEquals(1.0, new LrSchedule(LrSchedule.Kind.LINEAR, 0, 4).factor(0), 0);
        assertEquals(0.25, new LrSchedule(LrSchedule.Kind.LINEAR, 0, 4).factor(3), 1e-15);
        assertEquals(1.0, new LrSchedule(LrSchedule.Kind.CONSTANT, 0, 4).factor(3), 0);
        assertEquals(3, LrSchedule.warmupFromRatio(0.1, 25));
    }
}
