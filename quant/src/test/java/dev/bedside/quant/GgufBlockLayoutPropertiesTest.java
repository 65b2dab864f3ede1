package dev.bedside.quant;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.tensor.DType;
import dev.bedside.tensor.QuantizedMatrix;
import dev.bedside.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Q8_0 and Q4_0 keep their blocks split into code and scale arrays: raw GGUF bytes (random codes, random
 * finite F16 scales) must decode exactly as llama.cpp's layout defines them, read here straight from the bytes,
 * and {@code blocks()} must give the bytes back. {@code dotRows} must equal {@code dot} row by row, bit for bit:
 * both sum their lanes in one fixed order ({@code VectorMath.sumLanes}), compiled or not.
 */
class GgufBlockLayoutPropertiesTest {

    /** rows·cols/32 random blocks of {@code blockBytes}: an F16 scale (finite, spread over magnitudes) then codes. */
    static byte[] randomBlocks(long seed, int rows, int cols, int blockBytes) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] bytes = new byte[rows * (cols / 32) * blockBytes];
        random.nextBytes(bytes);
        for (int at = 0; at < bytes.length; at += blockBytes) {
            short d = Float.floatToFloat16((float) (random.nextGaussian() * Math.exp(random.nextDouble(-6, 3))));
            bytes[at] = (byte) d;
            bytes[at + 1] = (byte) (d >>> 8);
        }
        return bytes;
    }

    /** Weight [row, c] read straight from the GGUF bytes, by llama.cpp's definition of the block. */
    static float fromBytes(byte[] bytes, boolean q8, int cols, int row, int c) {
        int blockBytes = q8 ? Q8_0Matrix.BLOCK_BYTES : Q4_0Matrix.BLOCK_BYTES;
        int at = (row * (cols / 32) + c / 32) * blockBytes, j = c % 32;
        float d = Float.float16ToFloat((short) ((bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8));
        if (q8) return d * bytes[at + 2 + j];
        int packed = bytes[at + 2 + j % 16] & 0xFF;
        return d * ((j < 16 ? packed & 0x0F : packed >>> 4) - 8);
    }

    @Property(tries = 40)
    void blocksDecodeAsTheirBytesSayAndComeBackUnchanged(@ForAll @IntRange(min = 1, max = 5) int rows,
                                                       @ForAll @IntRange(min = 1, max = 7) int blocks,
                                                       @ForAll long seed, @ForAll boolean q8) {
        int cols = 32 * blocks;
        byte[] bytes = randomBlocks(seed, rows, cols, q8 ? Q8_0Matrix.BLOCK_BYTES : Q4_0Matrix.BLOCK_BYTES);
        MemorySegment segment = MemorySegment.ofArray(bytes.clone());
        GgufBlockMatrix m = q8 ? Q8_0Matrix.of(segment, rows, cols) : Q4_0Matrix.of(segment, rows, cols);
        assertEquals(bytes.length, m.bytes());
        assertArrayEquals(bytes, m.blocks().toArray(ValueLayout.JAVA_BYTE), "blocks() gives the GGUF bytes back");
        float[] scalar = new float[cols], vector = new float[cols];
        for (int row = 0; row < rows; row++) {
            m.decodeScalar(row, 0, cols, scalar, 0);
            m.decode(row, 0, cols, vector, 0);
            for (int c = 0; c < cols; c++) {
                float expected = fromBytes(bytes, q8, cols, row, c);
                assertEquals(expected, scalar[c], "decodeScalar [" + row + ", " + c + "]");
                assertEquals(expected, vector[c], "decode [" + row + ", " + c + "]");
            }
        }
    }

    @Property(tries = 30)
    void dotRowsEqualsDotRowByRow(@ForAll @IntRange(min = 1, max = 9) int rows, @ForAll @IntRange(min = 1, max = 5) int blocks,
                                  @ForAll long seed, @ForAll @IntRange(min = 0, max = 2) int format) {
        int cols = 64 * blocks;   // whole NF4 blocks too
        DType type = new DType[] {DType.Q8_0, DType.Q4_0, DType.NF4}[format];
        QuantizedMatrix m = Quantizer.quantize(Tensor.of(GgufFormatsPropertiesTest.weights(seed, rows * cols), rows, cols), type);
        SplittableRandom random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        float[] x = GgufFormatsPropertiesTest.weights(seed + 1, cols + 3);
        int start = random.nextInt(rows + 1), end = start + random.nextInt(rows - start + 1), xOff = random.nextInt(4), yOff = random.nextInt(3);
        float[] y = new float[yOff + rows + 1];
        java.util.Arrays.fill(y, Float.NaN);
        m.dotRows(start, end, x, xOff, y, yOff);
        for (int i = 0; i < y.length; i++) {
            int row = i - yOff;
            if (row >= start && row < end) assertEquals(m.dot(row, x, xOff), y[i], type + " row " + row);
            else assertTrue(Float.isNaN(y[i]), type + ": y[" + i + "] outside rows [" + start + ", " + end + ") was written");
        }
    }
}
