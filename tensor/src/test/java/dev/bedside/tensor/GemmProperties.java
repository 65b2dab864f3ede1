package dev.bedside.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The Vector API matrix products ({@link CpuBackend}) against the plain loops of {@link ScalarBackend},
 * which sum in double. Sizes straddle the vector width (16), the register tile (6 × 32) and the cache
 * blocks (96 rows, 256 deep, 4096 wide), and pass the size at which the work is split over threads.
 */
class GemmProperties {
    private final Backend fast = new CpuBackend();
    private final Backend reference = new ScalarBackend();

    @Provide
    Arbitrary<Integer> sizes() { return Arbitraries.of(1, 2, 3, 5, 6, 7, 16, 17, 31, 32, 33, 65, 97, 130); }

    @Provide
    Arbitrary<Float> alphas() { return Arbitraries.of(1f, -1f, 0.37f, 2.5f); }

    @Provide
    Arbitrary<Float> betas() { return Arbitraries.of(0f, 1f, -0.5f, 1.75f); }

    @Property(tries = 60)
    void gemmMatchesTheReference(@ForAll("sizes") int m, @ForAll("sizes") int n, @ForAll("sizes") int k,
                                 @ForAll boolean transA, @ForAll boolean transB,
                                 @ForAll("alphas") float alpha, @ForAll("betas") float beta,
                                 @ForAll @IntRange(max = 3) int rowsBefore, @ForAll long seed) {
        checkGemm(m, n, k, transA, transB, alpha, beta, rowsBefore, seed);
    }

    @Property(tries = 30)
    void emptyProductsFollowTheReference(@ForAll("sizesOrZero") int m, @ForAll("sizesOrZero") int n,
                                         @ForAll("sizesOrZero") int k, @ForAll boolean transA, @ForAll boolean transB,
                                         @ForAll("betas") float beta, @ForAll long seed) {
        // k = 0 leaves beta · C (zeros when beta = 0); m or n = 0 leaves nothing to do.
        checkGemm(m, n, k, transA, transB, 1.5f, beta, 1, seed);
    }

    @Provide
    Arbitrary<Integer> sizesOrZero() { return Arbitraries.of(0, 0, 1, 7, 33); }

    @Example
    void blocksBoundariesAndThreadSplitsAreCovered() {
        checkGemm(100, 40, 300, false, false, 1f, 0.5f, 2, 1);     // more than one row block and one k slice
        checkGemm(100, 40, 300, true, true, -1f, 0f, 0, 2);
        checkGemm(7, 4100, 5, false, true, 1f, 1f, 1, 3);          // more than one column block
        checkGemm(8, 1000, 300, true, false, 0.5f, 0f, 3, 4);      // few rows: threads split the columns
        checkGemm(1, 777, 520, false, true, 1f, 0f, 1, 5);         // one row, as in decoding
    }

    @Provide
    Arbitrary<Integer> matVecRows() { return Arbitraries.of(1, 3, 4, 5, 17, 130, 2050); }

    @Property(tries = 40)
    void matVecMatchesTheReference(@ForAll("matVecRows") int rows, @ForAll("sizes") int cols,
                                   @ForAll @IntRange(max = 3) int rowsBefore, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor w = nonZeroRows(random, rows, cols, rowsBefore);
        Tensor x = nonZeroRows(random, 1, cols, rowsBefore).reshape(cols);
        Tensor yFast = nonZeroRows(random, 1, rows, rowsBefore).reshape(rows);
        Tensor yReference = Tensor.zeros(rows);
        Arrays.fill(yFast.data(), Float.NaN);   // y is written, never read
        fast.matVec(w, x, yFast);
        reference.matVec(w, x, yReference);
        for (int r = 0; r < rows; r++) {
            double magnitude = 0;
            for (int i = 0; i < cols; i++) magnitude += Math.abs((double) w.get(r, i) * x.get(i));
            assertClose(yReference.get(r), yFast.get(r), errorBound(cols, magnitude), "matVec y[" + r + "]");
        }
    }

    @Example
    void badShapesNameGemmAndTheShapes() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> fast.gemm(Tensor.zeros(2, 3), false, Tensor.zeros(4, 5), false, Tensor.zeros(2, 5), 1f, 0f));
        assertTrue(e.getMessage().contains("gemm") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"),
                e.getMessage());
        e = assertThrows(ShapeException.class,
                () -> fast.gemm(Tensor.zeros(2, 3), true, Tensor.zeros(2, 5), false, Tensor.zeros(2, 5), 1f, 0f));
        assertTrue(e.getMessage().contains("gemm") && e.getMessage().contains("[2, 5]"), e.getMessage());
        e = assertThrows(ShapeException.class,
                () -> fast.gemm(Tensor.zeros(3), false, Tensor.zeros(3, 5), false, Tensor.zeros(1, 5), 1f, 0f));
        assertTrue(e.getMessage().contains("gemm") && e.getMessage().contains("[3]"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> fast.matVec(Tensor.zeros(4, 3), Tensor.zeros(4), Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("matVec") && e.getMessage().contains("[4, 3]"), e.getMessage());
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Runs both backends on the same random operands, each a row slice of a larger tensor (so offsets matter),
     * and checks every element of C and that the rows around C's slice are untouched.
     */
    private void checkGemm(int m, int n, int k, boolean transA, boolean transB, float alpha, float beta,
                           int rowsBefore, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor a = transA ? nonZeroRows(random, k, m, rowsBefore) : nonZeroRows(random, m, k, rowsBefore);
        Tensor b = transB ? nonZeroRows(random, n, k, rowsBefore) : nonZeroRows(random, k, n, rowsBefore);
        Tensor cFast = nonZeroRows(random, m, n, rowsBefore);
        // With beta = 0, C's old contents must be ignored, NaN included.
        if (beta == 0f) for (int i = 0; i < m * n; i++) cFast.data()[(int) cFast.offset() + i] = Float.NaN;
        float[] before = cFast.data().clone();
        Tensor cReference = cFast.copy();

        fast.gemm(a, transA, b, transB, cFast, alpha, beta);
        reference.gemm(a, transA, b, transB, cReference, alpha, beta);

        String what = "gemm m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB
                + " alpha=" + alpha + " beta=" + beta;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    float x = transA ? a.get(p, i) : a.get(i, p), y = transB ? b.get(j, p) : b.get(p, j);
                    magnitude += Math.abs((double) alpha * x * y);
                }
                float old = before[(int) cFast.offset() + i * n + j];
                if (beta != 0f) magnitude += Math.abs((double) beta * old);
                assertClose(cReference.get(i, j), cFast.get(i, j), errorBound(k, magnitude), what + " at (" + i + ", " + j + ")");
            }
        }
        float[] after = cFast.data();
        for (int i = 0; i < after.length; i++) {
            boolean inside = i >= cFast.offset() && i < cFast.offset() + (long) m * n;
            if (!inside) assertEquals(before[i], after[i], what + ": wrote outside C at storage index " + i);
        }
    }

    /**
     * A [rows, cols] slice starting at row {@code rowsBefore} of a larger random tensor, with values in
     * ±[0.25, 1.25): never zero, so no product term can vanish and hide a missed one.
     */
    private static Tensor nonZeroRows(SplittableRandom random, int rows, int cols, int rowsBefore) {
        int total = rows + rowsBefore + 1;
        float[] data = new float[total * cols];
        for (int i = 0; i < data.length; i++) {
            float size = 0.25f + (float) random.nextDouble();
            data[i] = random.nextBoolean() ? size : -size;
        }
        return Tensor.of(data, total, cols).slice(0, rowsBefore, rowsBefore + rows);
    }

    /**
     * Float summation of k products (plus scaling by alpha and adding beta · c) in any order errs by at most
     * about (k + 3) units of roundoff times the sum of the magnitudes of the terms.
     */
    private static double errorBound(int k, double magnitude) {
        return (k + 3) * Math.ulp(1f) * magnitude + Float.MIN_NORMAL;
    }

    private static void assertClose(float expected, float actual, double bound, String what) {
        assertTrue(Math.abs((double) expected - actual) <= bound,
                what + ": expected " + expected + " but got " + actual + " (bound " + bound + ")");
    }
}
