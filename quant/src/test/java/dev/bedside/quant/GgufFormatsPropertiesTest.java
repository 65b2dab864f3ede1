package dev.bedside.quant;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.tensor.DType;
import dev.bedside.tensor.QuantizedMatrix;
import dev.bedside.tensor.Tensor;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Q8_0 and Q4_0 against their definitions (ggml's reference quantizers, written out again here from the
 * rules rather than reusing ours): nearest representable value, per-block error bounds, edge blocks, and the
 * vector loops against the scalar reference.
 */
class GgufFormatsPropertiesTest {

    /** Normal weights with a spread of scales, so blocks differ in d. */
    static float[] weights(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = (float) (random.nextGaussian() * Math.exp(random.nextDouble(-3, 1)));
        return w;
    }

    static float[] decodeAll(QuantizedMatrix m) {
        float[] out = new float[m.rows() * m.cols()];
        for (int r = 0; r < m.rows(); r++) m.decode(r, 0, m.cols(), out, r * m.cols());
        return out;
    }

    @Property(tries = 40)
    void q8_0DecodesEachWeightToItsNearestStep(@ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 6) int blocks,
                                               @ForAll long seed) {
        int cols = 32 * blocks;
        float[] w = weights(seed, rows * cols);
        Q8_0Matrix m = (Q8_0Matrix) Quantizer.quantize(Tensor.of(w, rows, cols), DType.Q8_0);
        float[] decoded = decodeAll(m);
        for (int b = 0; b < w.length; b += 32) {
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(w[b + j]));
            double d = amax / 127.0, stored = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
            for (int j = 0; j < 32; j++) {
                double q = decoded[b + j] / stored;
                assertEquals(Math.rint(q), q, 1e-9, "decoded values are integer multiples of the stored scale");
                // Nearest step of the unrounded scale (ggml rounds x/d), then the F16 rounding of d moves it by |q|·|d16 − d|.
                assertTrue(Math.abs(w[b + j] / d - q) <= 0.5 + 1e-5, "q = " + q + " is not the nearest step to x/d = " + w[b + j] / d);
                assertTrue(Math.abs(decoded[b + j] - w[b + j]) <= d / 2 + Math.abs(q) * Math.abs(stored - d) + 1e-6 * amax,
                        "error beyond d/2 at block " + b / 32 + " element " + j);
            }
        }
    }

    @Property(tries = 40)
    void q4_0DecodesEachWeightToItsNearestStepExceptTheClampedSide(@ForAll @IntRange(min = 1, max = 5) int rows,
                                                                 @ForAll @IntRange(min = 1, max = 6) int blocks, @ForAll long seed) {
        int cols = 32 * blocks;
        float[] w = weights(seed, rows * cols);
        QuantizedMatrix m = Quantizer.quantize(Tensor.of(w, rows, cols), DType.Q4_0);
        float[] decoded = decodeAll(m);
        for (int b = 0; b < w.length; b += 32) {
            int extreme = b;
            for (int j = 0; j < 32; j++) if (Math.abs(w[b + j]) > Math.abs(w[extreme])) extreme = b + j;
            double d = w[extreme] / -8.0, stored = Float.float16ToFloat(Float.floatToFloat16(w[extreme] / -8f));
            for (int j = 0; j < 32; j++) {
                double q = decoded[b + j] / stored;   // q − 8, in [−8, 7]
                assertTrue(q >= -8 && q <= 7 && Math.rint(q) == q || stored == 0, "q − 8 = " + q);
                double exact = w[b + j] / d;          // in [−8, 8]: +8 is the side 4 bits cannot reach
                double bound = exact > 7.5 ? exact - 7 : 0.5;
                assertTrue(Math.abs(exact - q) <= bound + 1e-5, "q − 8 = " + q + " for x/d = " + exact);
                assertTrue(Math.abs(decoded[b + j] - w[b + j]) <= Math.abs(d) * bound + 8 * Math.abs(stored - d) + 1e-6 * Math.abs(w[extreme]));
            }
            assertEquals(w[extreme], decoded[extreme], Math.abs(w[extreme]) * 1e-3, "the largest |x| maps to q = 0 exactly, up to F16");
        }
    }

    @Test
    void blocksOfZerosDecodeToZero() {
        float[] zeros = new float[2 * 64];
        for (DType format : new DType[] {DType.Q8_0, DType.Q4_0, DType.NF4}) {
            QuantizedMatrix m = Quantizer.quantize(Tensor.of(zeros, 2, 64), format);
            for (float v : decodeAll(m)) assertEquals(0f, v, 0f, format + " of zeros");
            assertEquals(0f, m.dot(1, weights(1, 64), 0), 0f, format.name());
        }
    }

    @Property(tries = 20)
    void aSingleOutlierIsKeptAndTheRestStayWithinTheBound(@ForAll long seed, @ForAll @IntRange(min = 0, max = 31) int at) {
        float[] w = weights(seed, 32);
        for (int j = 0; j < 32; j++) w[j] *= 1e-3f;
        w[at] = 10f;
        float[] q8 = decodeAll(Quantizer.quantize(Tensor.of(w, 1, 32), DType.Q8_0));
        float[] q4 = decodeAll(Quantizer.quantize(Tensor.of(w, 1, 32), DType.Q4_0));
        assertEquals(10f, q8[at], 10f / 127 * 127 * 2e-4 + 1e-5, "Q8_0 outlier is 127 steps of an F16 scale");
        assertEquals(10f, q4[at], 10f * 5e-4, "Q4_0 outlier is 8 steps of an F16 scale");
        for (int j = 0; j < 32; j++) {
            if (j == at) continue;
            assertTrue(Math.abs(q8[j] - w[j]) <= 10f / 127 / 2 * 1.01f);
            assertTrue(Math.abs(q4[j] - w[j]) <= 10f / 8 / 2 * 1.01f);
        }
    }

    @Test
    void rowsThatAreNotWholeBlocksAreRefused() {
        for (DType format : new DType[] {DType.Q8_0, DType.Q4_0}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(Tensor.of(new float[3 * 40], 3, 40), format));
            assertTrue(e.getMessage().contains("40 columns") && e.getMessage().contains("32"), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> Q8_0Matrix.of(java.lang.foreign.MemorySegment.ofArray(new byte[34]), 1, 31));
        assertTrue(e.getMessage().contains("Q8_0") && e.getMessage().contains("31"), e.getMessage());
    }

    @Property(tries = 40)
    void vectorDecodeAndDotEqualTheScalarReference(@ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 1, max = 9) int blocks,
                                                   @ForAll long seed, @ForAll boolean q8) {
        int cols = 32 * blocks;
        QuantizedMatrix m = Quantizer.quantize(Tensor.of(weights(seed, rows * cols), rows, cols), q8 ? DType.Q8_0 : DType.Q4_0);
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        float[] x = weights(seed + 1, cols + 3);
        for (int trial = 0; trial < 10; trial++) {
            int row = random.nextInt(rows), col = random.nextInt(cols), n = random.nextInt(cols - col + 1);
            float[] fast = new float[n + 2], slow = new float[n + 2];
            m.decode(row, col, n, fast, 1);
            if (m instanceof Q8_0Matrix a) a.decodeScalar(row, col, n, slow, 1);
            else ((Q4_0Matrix) m).decodeScalar(row, col, n, slow, 1);
            assertArrayEquals(slow, fast, "decode row " + row + " [" + col + ", " + (col + n) + ")");
            int xOff = random.nextInt(4);
            float dot = m.dot(row, x, xOff);
            float reference = m instanceof Q8_0Matrix a ? a.dotScalar(row, x, xOff) : ((Q4_0Matrix) m).dotScalar(row, x, xOff);
            float[] w = new float[cols];
            m.decode(row, 0, cols, w, 0);
            double magnitude = 0;
            for (int i = 0; i < cols; i++) magnitude += Math.abs(w[i] * x[xOff + i]);
            assertEquals(reference, dot, 1e-5 * magnitude + 1e-30, "dot row " + row);
        }
    }
}
