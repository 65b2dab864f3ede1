package dev.bedside.tensor;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random test tensors that sit inside larger arrays (a non-zero offset and spare elements after), so
 * kernels must honour offsets and must not write outside their tensor.
 */
final class Buffers {
    private Buffers() {}

    /** Normal(0, 1) values, never exactly zero, as a row slice of a bigger buffer. */
    static Tensor random(long seed, int... shape) {
        SplittableRandom random = new SplittableRandom(seed);
        int before = random.nextInt(0, 3), after = random.nextInt(0, 3);
        int[] big = shape.length == 0 ? new int[] {before + 1 + after} : shape.clone();
        if (shape.length > 0) big[0] += before + after;
        Tensor whole = Tensor.normal(seed, 1f, big);
        float[] data = whole.data();
        for (int i = 0; i < data.length; i++) if (data[i] == 0f) data[i] = 0.5f;
        if (shape.length == 0) return whole.slice(0, before, before + 1).reshape();
        return whole.slice(0, before, before + shape[0]);
    }

    /** An independent copy with the same offset and the same values around it. */
    static Tensor twin(Tensor t) {
        return Tensor.of(t.data().clone(), t.data().length).slice(0, (int) t.offset(), (int) t.offset() + t.numel()).reshape(t.shape());
    }

    /**
     * Asserts that two output buffers (whole backing arrays, so also what lies outside the tensors) agree:
     * |expected − actual| ≤ atol + rtol · |expected| everywhere.
     */
    static void assertClose(String what, Tensor expected, Tensor actual, double rtol, double atol) {
        float[] e = expected.data(), a = actual.data();
        if (e.length != a.length) fail(what + ": buffers of different lengths");
        for (int i = 0; i < e.length; i++) {
            double diff = Math.abs((double) e[i] - a[i]);
            if (e[i] != a[i] && !(diff <= atol + rtol * Math.abs(e[i]))) {   // != lets equal infinities pass
                fail(what + " " + Arrays.toString(expected.shape()) + ": element " + (i - expected.offset()) + " expected "
                        + e[i] + " got " + a[i] + " (diff " + diff + ")");
            }
        }
    }

    /** Asserts |expected[i] − actual(i)| ≤ atol + rtol·|expected[i]| for double references. */
    static void assertClose(String what, double[] expected, float[] actual, int actualOffset, double rtol, double atol) {
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(expected[i] - actual[actualOffset + i]);
            if (!(diff <= atol + rtol * Math.abs(expected[i]))) {
                fail(what + ": element " + i + " expected " + expected[i] + " got " + actual[actualOffset + i] + " (diff " + diff + ")");
            }
        }
    }

    /** The tensor's elements as doubles. */
    static double[] doubles(Tensor t) {
        float[] f = t.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    static int[] ids(long seed, int n, int low, int high) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = random.nextInt(low, high);
        return ids;
    }
}
