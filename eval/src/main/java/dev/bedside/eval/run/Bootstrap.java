package dev.bedside.eval.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Percentile bootstrap confidence intervals (Efron): draw {@code resamples} samples of the same size with
 * replacement, compute the statistic on each, and take the {@code (1-confidence)/2} and
 * {@code (1+confidence)/2} quantiles of those values (linear interpolation between order statistics, numpy's
 * default). Seeded, so a report is reproducible.
 */
public final class Bootstrap {
    private Bootstrap() {}

    /** A point estimate and its interval over {@code n} values; all NaN when n = 0. */
    public record Interval(double estimate, double low, double high, int n) {}

    /** The mean of {@code values} with its interval. */
    public static Interval mean(double[] values, int resamples, double confidence, long seed) {
        int n = values.length;
        if (n == 0) return new Interval(Double.NaN, Double.NaN, Double.NaN, 0);
        double mean = mean(values);
        SplittableRandom random = new SplittableRandom(seed);
        double[] stats = new double[resamples];
        double[] draw = new double[n];
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < n; i++) draw[i] = values[random.nextInt(n)];
            stats[r] = mean(draw);
        }
        return interval(mean, stats, confidence, n);
    }

    /** Any statistic of a list of items (e.g. corpus BLEU over answers), resampling the items. */
    public static <T> Interval statistic(List<T> items, ToDoubleFunction<List<T>> statistic, int resamples, double confidence, long seed) {
        int n = items.size();
        if (n == 0) return new Interval(Double.NaN, Double.NaN, Double.NaN, 0);
        double estimate = statistic.applyAsDouble(items);
        SplittableRandom random = new SplittableRandom(seed);
        double[] stats = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            List<T> draw = new ArrayList<>(n);
            for (int i = 0; i < n; i++) draw.add(items.get(random.nextInt(n)));
            stats[r] = statistic.applyAsDouble(draw);
        }
        return interval(estimate, stats, confidence, n);
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) sum += v;
        return sum / values.length;
    }

    private static Interval interval(double estimate, double[] stats, double confidence, int n) {
        if (!(confidence > 0 && confidence < 1)) throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        Arrays.sort(stats);
        double alpha = (1 - confidence) / 2;
        return new Interval(estimate, quantile(stats, alpha), quantile(stats, 1 - alpha), n);
    }

    /** The q-quantile of sorted values, interpolating linearly between neighbouring order statistics. */
    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        double fraction = position - below;
        return sorted[below] + fraction * (sorted[above] - sorted[below]);
    }
}
