package dev.bedside.quant;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * NF4 against QLoRA's definition: the code book from normal quantiles (derived here independently), each
 * weight on its nearest code of its 64-weight block (flattened row-major), packing high nibble first, and
 * double quantization close to plain absmax.
 */
class Nf4PropertiesTest {

    /** Φ(x) by Simpson's rule on the normal density: accurate to ~1e-14 on the range used here. */
    private static double normalCdf(double x) {
        int n = 20_000;
        double h = x / n, sum = 0;
        for (int i = 0; i <= n; i++) {
            double t = i * h, weight = i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2;
            sum += weight * Math.exp(-t * t / 2);
        }
        return 0.5 + sum * h / 3 / Math.sqrt(2 * Math.PI);
    }

    private static double normalQuantile(double p) {
        double low = -10, high = 10;
        for (int i = 0; i < 60; i++) {
            double mid = (low + high) / 2;
            if (normalCdf(mid) < p) low = mid; else high = mid;
        }
        return (low + high) / 2;
    }

    /**
     * QLoRA's NormalFloat: 8 positive quantiles of N(0,1) at evenly spaced probabilities from
     * offset = 0.9677083 down to 0.5 (exclusive), 7 negative ones the same way, and 0, scaled to [−1, 1].
     */
    @Test
    void nf4CodeBookIsTheNormalQuantilesOfQlora() {
        double offset = 0.9677083;
        double[] values = new double[16];
        int k = 0;
        for (int i = 0; i < 7; i++) values[k++] = -normalQuantile(offset - (offset - 0.5) * i / 7);
        values[k++] = 0;
        for (int i = 7; i >= 0; i--) values[k++] = normalQuantile(offset - (offset - 0.5) * i / 8);
        double max = values[15];
        java.util.Arrays.sort(values);
        float[] book = BnbCodes.nf4();
        for (int i = 0; i < 16; i++) assertEquals(values[i] / max, book[i], 2e-7, "NF4 value " + i);
    }

    @Test
    void decisionTreeSplitsAtMidpointsWithTiesGoingDown() {
        float[] book = BnbCodes.nf4();
        for (int i = 0; i < 16; i++) assertEquals(i, BnbCodes.nf4Code(book[i]), "a code value maps to itself");
        for (int i = 0; i < 15; i++) {
            float mid = (book[i] + book[i + 1]) / 2;
            // bitsandbytes' midpoint literals agree with the code book to float precision
            assertEquals(i, BnbCodes.nf4Code(Math.nextDown(mid) - 1e-7f));
            assertEquals(i + 1, BnbCodes.nf4Code(Math.nextUp(mid) + 1e-7f));
        }
        assertEquals(0, BnbCodes.nf4Code(Float.NaN), "the all-zero block's 0·inf");
    }

    static float[] weights(long seed, int n) { return GgufFormatsPropertiesTest.weights(seed, n); }

    @Property(tries = 40)
    void eachWeightDecodesToTheNearestCodeOfItsBlock(@ForAll @IntRange(min = 1, max = 7) int rows, @ForAll @IntRange(min = 1, max = 150) int cols,
                                                    @ForAll long seed) {
        float[] w = weights(seed, rows * cols);
        Nf4Matrix m = (Nf4Matrix) Quantizer.quantize(Tensor.of(w, rows, cols), DType.NF4);
        float[] decoded = GgufFormatsPropertiesTest.decodeAll(m);
        float[] book = BnbCodes.nf4();
        float largestGap = 0;
        for (int i = 0; i < 15; i++) largestGap = Math.max(largestGap, book[i + 1] - book[i]);
        int blocks = (w.length + 63) / 64;
        assertEquals(blocks, m.absmax().length, "flattened blocks of 64, the last one partial");
        assertEquals((w.length + 1) / 2, m.packedWeights().byteSize());
        for (int b = 0; b < blocks; b++) {
            float absmax = 0;
            for (int e = b * 64; e < Math.min(w.length, b * 64 + 64); e++) absmax = Math.max(absmax, Math.abs(w[e]));
            assertEquals(absmax, m.absmax()[b], 0f, "block " + b + " absmax");
            for (int e = b * 64; e < Math.min(w.length, b * 64 + 64); e++) {
                double x = w[e] / (double) absmax, chosen = decoded[e] / (double) absmax;
                for (float value : book) assertTrue(Math.abs(x - chosen) <= Math.abs(x - value) + 1e-6, "element " + e + ": " + chosen + " is not the nearest code to " + x);
                assertTrue(Math.abs(decoded[e] - w[e]) <= largestGap / 2 * absmax * (1 + 1e-6f), "error bound at element " + e);
            }
        }
    }

    @Test
    void packingPutsTheFirstWeightOfEachPairInTheHighNibble() {
        float[] w = {1f, -1f, 0f, 0.5626170039176941f, -0.39491748809814453f};   // codes 15, 0, 7, 13, 3
        Nf4Matrix m = (Nf4Matrix) Quantizer.quantize(Tensor.of(w, 1, 5), DType.NF4);
        byte[] packed = m.packedWeights().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        assertArrayEquals(new byte[] {(byte) 0xF0, (byte) 0x7D, (byte) 0x37}, packed, "odd tail padded with the code of 0 (7)");
    }

    @Property(tries = 20)
    void aSingleOutlierIsExactAndTheRestStayWithinTheBound(@ForAll long seed, @ForAll @IntRange(min = 0, max = 63) int at) {
        float[] w = weights(seed, 64);
        w[at] = -50f;
        float[] decoded = GgufFormatsPropertiesTest.decodeAll(Quantizer.quantize(Tensor.of(w, 1, 64), DType.NF4));
        assertEquals(-50f, decoded[at], 0f);
        for (int j = 0; j < 64; j++) assertTrue(Math.abs(decoded[j] - w[j]) <= 50f * 0.1386f);
    }

    @Property(tries = 40)
    void fastDecodeAndDotEqualTheScalarReference(@ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 200) int cols,
                                                @ForAll long seed, @ForAll boolean nested) {
        Nf4Matrix m = (Nf4Matrix) Quantizer.quantize(Tensor.of(weights(seed, rows * cols), rows, cols), DType.NF4, nested);
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = weights(seed + 7, cols + 3);
        for (int trial = 0; trial < 10; trial++) {
            int row = random.nextInt(rows), col = random.nextInt(cols), n = random.nextInt(cols - col + 1);
            float[] fast = new float[n + 2], slow = new float[n + 2];
            m.decode(row, col, n, fast, 1);
            m.decodeScalar(row, col, n, slow, 1);
            assertArrayEquals(slow, fast, "decode row " + row + " [" + col + ", " + (col + n) + ")");
            int xOff = random.nextInt(4);
            float[] w = new float[cols];
            m.decodeScalar(row, 0, cols, w, 0);
            double magnitude = 0;
            for (int i = 0; i < cols; i++) magnitude += Math.abs(w[i] * x[xOff + i]);
            assertEquals(m.dotScalar(row, x, xOff), m.dot(row, x, xOff), 1e-5 * magnitude + 1e-30, "dot row " + row);
        }
    }

    /** Rows of whole 64-weight blocks take the fused vector dot; compare it with the scalar definition. */
    @Property(tries = 20)
    void fusedDotOnRowsOfWholeBlocksEqualsTheScalarReference(@ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 1, max = 6) int blocks,
                                                             @ForAll long seed, @ForAll boolean nested) {
        int cols = 64 * blocks;
        Nf4Matrix m = (Nf4Matrix) Quantizer.quantize(Tensor.of(weights(seed, rows * cols), rows, cols), DType.NF4, nested);
        float[] x = weights(seed + 3, cols + 1);
        for (int row = 0; row < rows; row++) {
            float[] w = new float[cols];
            m.decodeScalar(row, 0, cols, w, 0);
            double magnitude = 0;
            for (int i = 0; i < cols; i++) magnitude += Math.abs(w[i] * x[1 + i]);
            assertEquals(m.dotScalar(row, x, 1), m.dot(row, x, 1), 1e-5 * magnitude + 1e-30, "dot row " + row);
        }
    }

    @Property(tries = 30)
    void doubleQuantizedDecodeIsCloseToPlainDecode(@ForAll @IntRange(min = 1, max = 40) int rows, @ForAll @IntRange(min = 1, max = 700) int cols,
                                                  @ForAll long seed) {
        Tensor dense = Tensor.of(weights(seed, rows * cols), rows, cols);
        Nf4Matrix plain = (Nf4Matrix) Quantizer.quantize(dense, DType.NF4, false);
        Nf4Matrix nested = (Nf4Matrix) Quantizer.quantize(dense, DType.NF4, true);
        float[] absmax = plain.absmax(), nestedAbsmax = nested.nestedAbsmax();
        assertEquals((absmax.length + 255) / 256, nestedAbsmax.length);
        double mean = 0;
        for (float a : absmax) mean += a;
        assertEquals(mean / absmax.length, nested.offset(), 1e-6 * mean / absmax.length);
        // The dynamic map's widest gap is 1/64·0.9 (between its top values): half of it bounds the relative error.
        float[] a = GgufFormatsPropertiesTest.decodeAll(plain), b = GgufFormatsPropertiesTest.decodeAll(nested);
        for (int i = 0; i < a.length; i++) {
            int block = i / 64;
            // Plus float32 rounding of code·scale + offset, which is of the order of ulp(offset).
            double absmaxError = 0.9 / 64 / 2 * nestedAbsmax[block / 256] + 1e-6 * (absmax[block] + Math.abs(nested.offset()));
            assertTrue(Math.abs(nested.blockAbsmax(block) - absmax[block]) <= absmaxError, "absmax of block " + block
                    + ": " + nested.blockAbsmax(block) + " vs " + absmax[block] + ", error/nestedAbsmax = "
                    + Math.abs(nested.blockAbsmax(block) - absmax[block]) / nestedAbsmax[block / 256] + ", offset " + nested.offset());
            assertTrue(Math.abs(a[i] - b[i]) <= absmaxError, "element " + i + ": " + a[i] + " vs " + b[i]);
        }
    }
}
