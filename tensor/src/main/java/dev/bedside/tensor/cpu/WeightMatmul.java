package dev.bedside.tensor.cpu;

import dev.bedside.tensor.Checks;
import dev.bedside.tensor.Checks.LinearShape;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Parallel;
import dev.bedside.tensor.QuantizedMatrix;
import dev.bedside.tensor.ShapeException;
import dev.bedside.tensor.Storage;
import dev.bedside.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Products with a frozen weight matrix that may live in a memory-mapped segment as F32, F16 or BF16:
 * {@code y = x · wᵀ} and {@code dx += dy · w}. Weight rows are widened to F32 a small panel at a time into
 * a per-thread buffer, so the whole matrix is never copied.
 */
public final class WeightMatmul {
    private WeightMatmul() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Int lanes as many as float lanes, and shorts in half the bits: one BF16 load widens to one F32 vector. */
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Weight rows widened per panel on the few-rows path: enough to reuse each x row from cache. */
    private static final int PANEL_ROWS = 16;
    /** From this many activation rows on, a widened panel feeds the blocked GEMM. */
    private static final int GEMM_MIN_ROWS = 8;
    /** x rows handled together, so each widened weight vector is loaded once for four dot products. */
    private static final int X_TILE = 4;

    /** Per-thread widening buffers; the GEMM path's panel is taken on the calling thread. */
    private static final ThreadLocal<float[]> PANEL = ThreadLocal.withInitial(() -> new float[0]);

    private static float[] panel(int size) {
        float[] p = PANEL.get();
        if (p.length < size) PANEL.set(p = new float[size]);
        return p;
    }

    /** y = x · wᵀ for a weight in any storage (see {@code Backend.linear}). */
    public static void linear(Tensor x, Tensor w, Tensor y) {
        LinearShape s = LinearShape.of("linear", x, w, y);
        float[] X = x.data(), Y = y.data();
        int xo = (int) x.offset(), yo = (int) y.offset(), in = s.in(), out = s.out(), rows = s.rows();
        if (w.storage() instanceof Storage.Heap(float[] W)) {
            Gemm.PackedB packed = rows >= GEMM_MIN_ROWS ? PackedWeights.of(W, (int) w.offset(), out, in) : null;
            Gemm.gemm(false, true, rows, out, in, 1f, X, xo, in, W, (int) w.offset(), in, 0f, Y, yo, out, packed);
        } else if (rows >= GEMM_MIN_ROWS) {
            // Many rows (prefill, training): widen a panel of weight rows, then a full GEMM into y's columns.
            int panelRows = panelRows(in, out);
            float[] panel = panel(panelRows * in);
            for (int o0 = 0; o0 < out; o0 += panelRows) {
                int count = Math.min(panelRows, out - o0);
                widenRows(w, o0, count, in, panel);
                Gemm.gemm(false, true, rows, count, in, 1f, X, xo, in, panel, 0, in, 0f, Y, yo + o0, out);
            }
        } else if (rows == 1 && w.storage() instanceof Storage.Quantized(QuantizedMatrix m)) {
            // Decoding one token: a fused dequantize-dot per weight row, no buffer at all.
            Parallel.forRange(out, 64, (start, end) -> m.dotRows(start, end, X, xo, Y, yo));
        } else if (rows == 1 && w.storage() instanceof Storage.Segment(MemorySegment seg, DType dtype) && dtype == DType.BF16) {
            // Decoding one token from BF16 weights: widen inside the dot product, reading each weight once.
            long base = w.offset() * 2;
            Parallel.forRange(out, 64, (start, end) -> {
                for (int o = start; o < end; o++) Y[yo + o] = dotBf16(seg, base + 2L * o * in, X, xo, in);
            });
        } else {
            // A few rows: widen small panels per thread and take dot products, four x rows at a time.
            Parallel.forRange(out, PANEL_ROWS, (start, end) -> {
                float[] buffer = panel(PANEL_ROWS * in);
                for (int o0 = start; o0 < end; o0 += PANEL_ROWS) {
                    int count = Math.min(PANEL_ROWS, end - o0);
                    for (int j = 0; j < count; j++) widenRow(w, w.offset() + (long) (o0 + j) * in, buffer, j * in, in);
                    int r = 0;
                    for (; r + X_TILE <= rows; r += X_TILE) {
                        for (int j = 0; j < count; j++) dot4(X, xo + r * in, in, buffer, j * in, Y, yo + r * out + o0 + j, out);
                    }
                    for (; r < rows; r++) {
                        for (int j = 0; j < count; j++) Y[yo + r * out + o0 + j] = dot(X, xo + r * in, buffer, j * in, in);
                    }
                }
            });
        }
    }

    /** dx += dy · w for a weight in any storage (see {@code Backend.linearBackward}). */
    public static void linearBackward(Tensor dy, Tensor w, Tensor dx) {
        LinearShape s = LinearShape.of("linearBackward", dx, w, dy);
        float[] G = dy.data(), D = dx.data();
        int go = (int) dy.offset(), dxo = (int) dx.offset(), in = s.in(), out = s.out(), rows = s.rows();
        if (w.storage() instanceof Storage.Heap(float[] W)) {
            Gemm.gemm(false, false, rows, in, out, 1f, G, go, out, W, (int) w.offset(), in, 1f, D, dxo, in);
            return;
        }
        // dx[rows, in] += dy[:, panel] · w[panel, :], one widened panel of weight rows at a time.
        int panelRows = panelRows(in, out);
        float[] panel = panel(panelRows * in);
        for (int o0 = 0; o0 < out; o0 += panelRows) {
            int count = Math.min(panelRows, out - o0);
            widenRows(w, o0, count, in, panel);
            Gemm.gemm(false, false, rows, in, count, 1f, G, go + o0, out, panel, 0, in, 1f, D, dxo, in);
        }
    }

    /** Weight rows widened per GEMM call: about 4 MB of F32, a multiple of 16 rows. */
    private static int panelRows(int in, int out) {
        int rows = Math.max(16, (1 << 20) / Math.max(1, in) / 16 * 16);
        return Math.min(rows, out);
    }

    /** panel[0 .. count·in) = rows first … first+count−1 of w, widened to F32 (rows split over the cores). */
    private static void widenRows(Tensor w, int first, int count, int in, float[] panel) {
        Parallel.forRange(count, 8, (r0, r1) -> {
            for (int r = r0; r < r1; r++) widenRow(w, w.offset() + (long) (first + r) * in, panel, r * in, in);
        });
    }

    /** out[t, :] = table[ids[t], :] for a table in any storage (see {@code Backend.embedding}). */
    public static void embedding(Tensor table, int[] ids, Tensor out) {
        Checks.requireRank("embedding", 2, table);
        int vocab = table.dim(0), dim = table.dim(1);
        Checks.requireShape("embedding", new int[] {ids.length, dim}, out);
        Checks.requireIds("embedding", ids, vocab, table);
        if (!table.isContiguous()) throw new ShapeException("embedding", "table must be contiguous", table.shape());
        float[] O = out.data();
        for (int t = 0; t < ids.length; t++) widenRow(table, table.offset() + (long) ids[t] * dim, O, (int) out.offset() + t * dim, dim);
    }

    /** dst[dstOff ..] = n elements of w's storage from element {@code from}, widened to F32. */
    public static void widenRow(Tensor w, long from, float[] dst, int dstOff, int n) {
        switch (w.storage()) {
            case Storage.Heap(float[] data) -> System.arraycopy(data, Math.toIntExact(from), dst, dstOff, n);
            case Storage.Quantized(QuantizedMatrix m) -> m.decode((int) (from / m.cols()), (int) (from % m.cols()), n, dst, dstOff);
            case Storage.Segment(MemorySegment seg, DType dtype) -> {
                switch (dtype) {
                    case F32 -> MemorySegment.copy(seg, F32_LE, from * 4, dst, dstOff, n);
                    case BF16 -> widenBf16(seg, from * 2, dst, dstOff, n);
                    case F16 -> {
                        for (int i = 0; i < n; i++) dst[dstOff + i] = Float.float16ToFloat(seg.get(U16_LE, (from + i) * 2));
                    }
                }
            }
        }
    }

    /** BF16 is the top half of an F32: sign-extend to int, shift left 16 (the extension bits fall off). */
    private static void widenBf16(MemorySegment seg, long byteOffset, float[] dst, int dstOff, int n) {
        int i = 0;
        int upper = n - n % F.length();
        for (; i < upper; i += F.length()) {
            widenBf16(seg, byteOffset + 2L * i).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) dst[dstOff + i] = DType.bf16ToFloat(seg.get(U16_LE, byteOffset + 2L * i));
    }

    /** Σ_i bf16[i] · x[xo + i] for n BF16 values at {@code byteOffset}, widened in registers. */
    static float dotBf16(MemorySegment seg, long byteOffset, float[] x, int xo, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        int i = 0, step = F.length();
        for (; i + 2 * step <= n; i += 2 * step) {
            acc0 = widenBf16(seg, byteOffset + 2L * i).fma(FloatVector.fromArray(F, x, xo + i), acc0);
            acc1 = widenBf16(seg, byteOffset + 2L * (i + step)).fma(FloatVector.fromArray(F, x, xo + i + step), acc1);
        }
        for (; i + step <= n; i += step) acc0 = widenBf16(seg, byteOffset + 2L * i).fma(FloatVector.fromArray(F, x, xo + i), acc0);
        float sum = VectorMath.sumLanes(acc0.add(acc1));
        for (; i < n; i++) sum += DType.bf16ToFloat(seg.get(U16_LE, byteOffset + 2L * i)) * x[xo + i];
        return sum;
    }

    /** One vector of BF16 values widened to F32. */
    private static FloatVector widenBf16(MemorySegment seg, long byteOffset) {
        ShortVector bits = ShortVector.fromMemorySegment(S, seg, byteOffset, ByteOrder.LITTLE_ENDIAN);
        return ((IntVector) bits.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        int i = 0, step = F.length();
        for (; i + 2 * step <= n; i += 2 * step) {
            acc0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc0);
            acc1 = FloatVector.fromArray(F, a, ao + i + step).fma(FloatVector.fromArray(F, b, bo + i + step), acc1);
        }
        for (; i + step <= n; i += step) acc0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc0);
        float sum = VectorMath.sumLanes(acc0.add(acc1));
        for (; i < n; i++) sum += a[ao + i] * b[bo + i];
        return sum;
    }

    /** Four x rows (stride {@code xStride}) against one weight row; results to y with stride {@code yStride}. */
    private static void dot4(float[] x, int xo, int xStride, float[] w, int wo, float[] y, int yo, int yStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        int i = 0, step = F.length(), n = xStride;
        for (; i + step <= n; i += step) {
            FloatVector wv = FloatVector.fromArray(F, w, wo + i);
            a0 = FloatVector.fromArray(F, x, xo + i).fma(wv, a0);
            a1 = FloatVector.fromArray(F, x, xo + xStride + i).fma(wv, a1);
            a2 = FloatVector.fromArray(F, x, xo + 2 * xStride + i).fma(wv, a2);
            a3 = FloatVector.fromArray(F, x, xo + 3 * xStride + i).fma(wv, a3);
        }
        float s0 = VectorMath.sumLanes(a0), s1 = VectorMath.sumLanes(a1);
        float s2 = VectorMath.sumLanes(a2), s3 = VectorMath.sumLanes(a3);
        for (; i < n; i++) {
            float wi = w[wo + i];
            s0 += x[xo + i] * wi;
            s1 += x[xo + xStride + i] * wi;
            s2 += x[xo + 2 * xStride + i] * wi;
            s3 += x[xo + 3 * xStride + i] * wi;
        }
        y[yo] = s0;
        y[yo + yStride] = s1;
        y[yo + 2 * yStride] = s2;
        y[yo + 3 * yStride] = s3;
    }
}
