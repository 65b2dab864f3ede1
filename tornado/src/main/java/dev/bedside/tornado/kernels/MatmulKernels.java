package dev.bedside.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Matrix products whose right operand is either plain F32 ({@code b}) or a block-quantized frozen weight
 * ({@code codes}, {@code scales}, {@code codeBook}: the layouts of {@code dev.bedside.tensor.BlockCodes}), decoded
 * element by element where it is read, so 4-bit weights stay 4-bit in device memory. The format is the same for
 * every work-item of a launch, so the branch on it costs no divergence. The operands a kernel does not use are
 * one-element placeholders.
 */
public final class MatmulKernels {
    public static final int F32 = 0, Q8_0 = 1, Q4_0 = 2, NF4 = 3;
    /** Tile edge of {@link #gemm}: a work-group is TILE × TILE work-items. */
    public static final int TILE = 16;
    /** Work-items per output row in {@link #matVec}: a row kernel's group, for {@link RowKernels#groupSum}. */
    public static final int ROW_GROUP = RowKernels.GROUP;

    private MatmulKernels() {}

    /** Element e (row-major) of the right operand. */
    public static float weight(FloatArray b, ByteArray codes, FloatArray scales, FloatArray codeBook, int format, int e) {
        if (format == F32) {
            return b.get(e);
        } else if (format == Q8_0) {
            return codes.get(e) * scales.get(e / 32);
        } else if (format == Q4_0) {
            int j = e % 32;
            int packed = codes.get((e / 32) * 16 + j % 16) & 0xFF;
            int nibble = j < 16 ? packed & 0x0F : packed >> 4;
            return (nibble - 8) * scales.get(e / 32);
        } else {
            int packed = codes.get(e >> 1) & 0xFF;
            int code = (e & 1) == 0 ? packed >> 4 : packed & 0x0F;   // the first weight of a pair is the high nibble
            return codeBook.get(code) * scales.get(e / 64);
        }
    }

    /**
     * {@code c = alpha · op(a) · op(b)} (written: a backend adds beta · c on the host, so c need not go to the device), tiled: each work-group computes a TILE × TILE block of c and walks
     * k in steps of TILE, staging a tile of op(a) and a tile of op(b) (decoded) in local memory, so each element
     * read from global memory is used TILE times. Work-item (x, y) computes c[row = y, col = x].
     *
     * <p>dims = [m, n, k, transA, transB, format]; scalars = [alpha]. a is [m, k] (or [k, m] with transA),
     * op(b) is [k, n]: b is [k, n] (or [n, k] with transB). A frozen weight W [out, in] gives y = x · Wᵀ with transB
     * and dy · W without. Grid (roundUp(n), roundUp(m)), groups TILE × TILE.
     */
    public static void gemm(KernelContext ctx, FloatArray a, FloatArray b, ByteArray codes, FloatArray scales,
                            FloatArray codeBook, FloatArray c, IntArray dims, FloatArray scalars) {
        int m = dims.get(0), n = dims.get(1), k = dims.get(2), format = dims.get(5);
        boolean transA = dims.get(3) != 0, transB = dims.get(4) != 0;
        int localCol = ctx.localIdx, localRow = ctx.localIdy;
        int col = ctx.groupIdx * TILE + localCol, row = ctx.groupIdy * TILE + localRow;
        float[] tileA = ctx.allocateFloatLocalArray(TILE * TILE);   // [localRow][kk] = op(a)[row, t + kk]
        float[] tileB = ctx.allocateFloatLocalArray(TILE * TILE);   // [kk][localCol] = op(b)[t + kk, col]

        float sum = 0f;
        for (int t = 0; t < k; t += TILE) {
            int ka = t + localCol, kb = t + localRow;
            float av = 0f, bv = 0f;
            if (row < m && ka < k) av = transA ? a.get(ka * m + row) : a.get(row * k + ka);
            if (col < n && kb < k) bv = weight(b, codes, scales, codeBook, format, transB ? col * k + kb : kb * n + col);
            tileA[localRow * TILE + localCol] = av;
            tileB[localRow * TILE + localCol] = bv;
            ctx.localBarrier();
            for (int kk = 0; kk < TILE; kk++) sum += tileA[localRow * TILE + kk] * tileB[kk * TILE + localCol];
            ctx.localBarrier();
        }
        if (row < m && col < n) c.set(row * n + col, scalars.get(0) * sum);
    }

    /**
     * {@code y = W · x} for one token (decoding): W [out, in] (plain or quantized), one work-group of ROW_GROUP
     * work-items per output row, each summing a strided slice of the row, then a tree sum in local memory.
     * dims = [out, in, format]. Grid (out · ROW_GROUP), groups of ROW_GROUP.
     */
    public static void matVec(KernelContext ctx, FloatArray x, FloatArray b, ByteArray codes, FloatArray scales,
                              FloatArray codeBook, FloatArray y, IntArray dims) {
        int o = ctx.groupIdx, lane = ctx.localIdx;
        int in = dims.get(1), format = dims.get(2);
        float[] partial = ctx.allocateFloatLocalArray(ROW_GROUP);
        float sum = 0f;
        for (int i = lane; i < in; i += ROW_GROUP) sum += x.get(i) * weight(b, codes, scales, codeBook, format, o * in + i);
        float total = RowKernels.groupSum(ctx, partial, sum);
        if (lane == 0 && o < dims.get(0)) y.set(o, total);
    }
}
