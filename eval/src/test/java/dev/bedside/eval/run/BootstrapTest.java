package dev.bedside.eval.run;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The percentile bootstrap: its interval holds the estimate, narrows with more data, and agrees with the normal approximation. */
class BootstrapTest {

    @Property(tries = 60)
    void theIntervalContainsTheMean(@ForAll @Size(min = 1, max = 40) List<@DoubleRange(min = -50, max = 50) Double> values,
                                    @ForAll long seed) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Bootstrap.Interval ci = Bootstrap.mean(v, 1000, 0.95, seed);
        double mean = Arrays.stream(v).sum() / v.length;
        assertEquals(mean, ci.estimate(), 1e-12 * Math.max(1, Math.abs(mean)));
        assertTrue(ci.low() <= ci.estimate() && ci.estimate() <= ci.high(), ci + " for " + values);
        // Within the data's range (up to the rounding of a sum of n values).
        double min = Arrays.stream(v).min().orElseThrow(), max = Arrays.stream(v).max().orElseThrow(), rounding = 1e-13 * (1 + Math.abs(min) + Math.abs(max));
        assertTrue(ci.low() >= min - rounding && ci.high() <= max + rounding, ci.toString());
        assertEquals(v.length, ci.n());
    }

    @Property(tries = 30)
    void fourTimesTheDataHalvesTheWidth(@ForAll @IntRange(min = 8, max = 60) int n, @ForAll long seed) {
        // The same spread of values, four times as many of them: the standard error, so the width, halves.
        SplittableRandom random = new SplittableRandom(seed);
        double[] small = new double[n];
        for (int i = 0; i < n; i++) small[i] = random.nextDouble() * 10;
        double[] large = new double[4 * n];
        for (int i = 0; i < large.length; i++) large[i] = small[i % n];
        Bootstrap.Interval a = Bootstrap.mean(small, 2000, 0.95, seed), b = Bootstrap.mean(large, 2000, 0.95, seed);
        double ratio = (b.high() - b.low()) / (a.high() - a.low());
        assertTrue(ratio > 0.35 && ratio < 0.7, "width ratio " + ratio + " (expected about 0.5)");
    }

    @Test
    void agreesWithTheNormalApproximationOnALargeSample() {
        // Independent definition: mean ± 1.96 · s / √n, which the bootstrap approaches for a large sample.
        SplittableRandom random = new SplittableRandom(7);
        double[] v = new double[2000];
        for (int i = 0; i < v.length; i++) v[i] = random.nextDouble() * 4 + 1;
        double mean = Arrays.stream(v).average().orElseThrow();
        double sd = Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length);
        double half = 1.959964 * sd / Math.sqrt(v.length);
        Bootstrap.Interval ci = Bootstrap.mean(v, 4000, 0.95, 11);
        assertEquals(mean - half, ci.low(), 0.1 * half);
        assertEquals(mean + half, ci.high(), 0.1 * half);
    }

    @Test
    void seededAndReproducible() {
        double[] v = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5};
        assertEquals(Bootstrap.mean(v, 500, 0.95, 42), Bootstrap.mean(v, 500, 0.95, 42));
        assertNotEquals(Bootstrap.mean(v, 500, 0.95, 42), Bootstrap.mean(v, 500, 0.95, 43));
    }

    @Test
    void noValuesGiveNoInterval() {
        Bootstrap.Interval ci = Bootstrap.mean(new double[0], 100, 0.95, 1);
        assertTrue(Double.isNaN(ci.estimate()) && Double.isNaN(ci.low()) && Double.isNaN(ci.high()));
        assertEquals(0, ci.n());
    }

    @Test
    void quantilesInterpolateAsNumpyDoes() {
        // numpy.percentile([1, 2, 3, 4], [25, 50, 97.5]) = [1.75, 2.5, 3.925]
        double[] sorted = {1, 2, 3, 4};
        assertEquals(1.75, Bootstrap.quantile(sorted, 0.25), 1e-12);
        assertEquals(2.5, Bootstrap.quantile(sorted, 0.5), 1e-12);
        assertEquals(3.925, Bootstrap.quantile(sorted, 0.975), 1e-12);
        assertEquals(5.0, Bootstrap.quantile(new double[] {5}, 0.025), 0);
    }

    @Test
    void anyStatisticResamplesItems() {
        List<Integer> items = List.of(1, 2, 3, 4, 5, 6, 7, 8);
        Bootstrap.Interval max = Bootstrap.statistic(items, l -> l.stream().mapToInt(Integer::intValue).max().orElseThrow(), 1000, 0.95, 3);
        assertEquals(8, max.estimate());
        assertTrue(max.low() >= 1 && max.high() == 8, max.toString());
    }
}
