package dev.bedside.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import net.jqwik.api.*;

/** Products with frozen weights in every storage: the Vector API kernel against the scalar reference. */
class WeightMatmulProperties {
    private final Backend fast = new CpuBackend(), reference = new ScalarBackend();

    enum Storage { HEAP_F32, SEGMENT_F32, SEGMENT_BF16, SEGMENT_F16, QUANTIZED }

    /**
     * A minimal quantized format for testing the kernels' quantized paths: one scale per row, int8 codes.
     * The real formats (Q8_0, Q4_0, NF4) live in the quant module with their own tests.
     */
    record RowInt8(int rows, int cols, byte[] codes, float[] scales) implements QuantizedMatrix {
        static RowInt8 of(Tensor dense) {
            int rows = dense.dim(0), cols = dense.dim(1);
            byte[] codes = new byte[rows * cols];
            float[] scales = new float[rows];
            float[] v = dense.data();
            for (int r = 0; r < rows; r++) {
                float max = 0;
                for (int c = 0; c < cols; c++) max = Math.max(max, Math.abs(v[r * cols + c]));
                scales[r] = max / 127;
                for (int c = 0; c < cols; c++) codes[r * cols + c] = (byte) Math.round(scales[r] == 0 ? 0 : v[r * cols + c] / scales[r]);
            }
            return new RowInt8(rows, cols, codes, scales);
        }
        public DType dtype() { return DType.Q8_0; }
        public long bytes() { return codes.length + 4L * rows; }
        public void decode(int row, int col, int n, float[] dst, int dstOff) {
            for (int i = 0; i < n; i++) dst[dstOff + i] = scales[row] * codes[row * cols + col + i];
        }
        public float dot(int row, float[] x, int xOff) {
            float sum = 0;
            for (int i = 0; i < cols; i++) sum += scales[row] * codes[row * cols + i] * x[xOff + i];
            return sum;
        }
    }

    /** The weight in the chosen storage, holding exactly the values of {@code dense} rounded to that type. */
    private static Tensor store(Tensor dense, Storage kind, Arena arena) {
        int[] shape = dense.shape();
        float[] v = dense.data();
        ValueLayout.OfShort u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        return switch (kind) {
            case HEAP_F32 -> dense;
            case QUANTIZED -> Tensor.ofQuantized(RowInt8.of(dense));
            case SEGMENT_F32 -> {
                MemorySegment seg = arena.allocate(4L * v.length + 1).asSlice(1, 4L * v.length);   // deliberately unaligned
                for (int i = 0; i < v.length; i++) seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, v[i]);
                yield Tensor.ofSegment(seg, DType.F32, shape);
            }
            case SEGMENT_BF16 -> {
                MemorySegment seg = arena.allocate(2L * v.length);
                for (int i = 0; i < v.length; i++) seg.setAtIndex(u16, i, DType.floatToBf16(v[i]));
                yield Tensor.ofSegment(seg, DType.BF16, shape);
            }
            case SEGMENT_F16 -> {
                MemorySegment seg = arena.allocate(2L * v.length);
                for (int i = 0; i < v.length; i++) seg.setAtIndex(u16, i, DType.floatToF16(v[i]));
                yield Tensor.ofSegment(seg, DType.F16, shape);
            }
        };
    }

    @Property(tries = 60)
    void linearMatchesReference(@ForAll("sizes") int rows, @ForAll("sizes") int in, @ForAll("sizes") int out,
                                @ForAll Storage kind, @ForAll long seed) {
        try (Arena arena = Arena.ofShared()) {
            Tensor x = Tensor.uniform(seed, -1, 1, rows, in);
            Tensor w = store(Tensor.uniform(seed + 1, -1, 1, out, in), kind, arena);
            Tensor expected = Tensor.zeros(rows, out), actual = Tensor.uniform(seed + 2, -9, 9, rows, out);
            reference.linear(x, w, expected);
            fast.linear(x, w, actual);
            assertClose(expected.data(), actual.data(), 1e-5 * Math.max(1, in));
        }
    }

    @Property(tries = 60)
    void linearBackwardAccumulatesLikeReference(@ForAll("sizes") int rows, @ForAll("sizes") int in, @ForAll("sizes") int out,
                                                @ForAll Storage kind, @ForAll long seed) {
        try (Arena arena = Arena.ofShared()) {
            Tensor dy = Tensor.uniform(seed, -1, 1, rows, out);
            Tensor w = store(Tensor.uniform(seed + 1, -1, 1, out, in), kind, arena);
            Tensor expected = Tensor.uniform(seed + 2, -1, 1, rows, in), actual = expected.copy();
            reference.linearBackward(dy, w, expected);
            fast.linearBackward(dy, w, actual);
            assertClose(expected.data(), actual.data(), 1e-5 * Math.max(1, out));
        }
    }

    @Property(tries = 20)
    void linearOfARowSliceHonoursOffsets(@ForAll("sizes") int in, @ForAll("sizes") int out, @ForAll long seed) {
        Tensor big = Tensor.uniform(seed, -1, 1, 5, in), w = Tensor.uniform(seed + 1, -1, 1, out, in);
        Tensor x = big.slice(0, 2, 4);
        Tensor expected = Tensor.zeros(2, out), actual = Tensor.zeros(4, out).slice(0, 1, 3);
        reference.linear(x, w, expected);
        fast.linear(x, w, actual);
        assertClose(expected.data(), actual.toFloatArray(), 1e-5 * Math.max(1, in));
    }

    /**
     * Heap F32 weights are packed once and kept by the fast backend (PackedWeights): products spanning several
     * KC slices and NC column blocks, repeated with new inputs (the kept copy), and a second view of the same
     * array at another offset (not the kept one).
     */
    @Property(tries = 8)
    void keptPackedWeightsMatchReference(@ForAll @net.jqwik.api.constraints.IntRange(min = 8, max = 13) int rows,
                                         @ForAll("deep") int in, @ForAll("wide") int out, @ForAll long seed) {
        Tensor big = Tensor.uniform(seed, -1, 1, out + 3, in);
        for (Tensor w : new Tensor[] {big.slice(0, 0, out), big.slice(0, 3, out + 3), big.slice(0, 0, out)}) {
            for (int repeat = 0; repeat < 2; repeat++) {
                Tensor x = Tensor.uniform(seed + 1 + repeat, -1, 1, rows, in);
                Tensor expected = Tensor.zeros(rows, out), actual = Tensor.uniform(seed + 9, -9, 9, rows, out);
                reference.linear(x, w, expected);
                fast.linear(x, w, actual);
                assertClose(expected.data(), actual.data(), 1e-5 * Math.max(1, in));
            }
        }
    }

    @Provide
    Arbitrary<Integer> deep() { return Arbitraries.oneOf(Arbitraries.of(255, 256, 257, 513), Arbitraries.integers().between(200, 600)); }

    @Provide
    Arbitrary<Integer> wide() { return Arbitraries.oneOf(Arbitraries.of(1, 31, 32, 33), Arbitraries.integers().between(4090, 4130)); }

    @Example
    void mismatchedShapesNameTheOp() {
        var e = assertThrows(ShapeException.class, () -> fast.linear(Tensor.zeros(2, 3), Tensor.zeros(4, 5), Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().startsWith("linear:") && e.getMessage().contains("[4, 5]"), e.getMessage());
    }

    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.oneOf(Arbitraries.of(1, 2, 3, 15, 16, 17, 33), Arbitraries.integers().between(1, 70));
    }

    static void assertClose(float[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > tolerance) {
                fail("element " + i + ": expected " + expected[i] + ", got " + actual[i] + " (tolerance " + tolerance + ")");
            }
        }
    }
}
