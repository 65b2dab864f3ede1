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
    /** Tile edge of {@link #gemm}: a work-group is TILE × TILE work-items and computes a BLOCK × BLOCK block of c. */
    public static final int TILE = 16, BLOCK = 4 * TILE;
    /** Work-items per output row in {@link #matVec}: a row kernel's group, for {@link RowKernels#groupSum}. */
    public static final int ROW_GROUP = RowKernels.GROUP;

    private MatmulKernels() {}

    /**
     * Element e (row-major) of a right operand that starts at {@code codesAt} in {@code codes} and {@code scalesAt} in
     * {@code scales} (quantized) or at {@code valuesAt} in {@code b} (F32): the weights of an arena share the buffers.
     */
    public static float weight(FloatArray b, ByteArray codes, FloatArray scales, FloatArray codeBook, int format, int e,
                               int codesAt, int scalesAt, int valuesAt) {
        if (format == F32) {
            return b.get(valuesAt + e);
        } else if (format == Q8_0) {
            return codes.get(codesAt + e) * scales.get(scalesAt + e / 32);
        } else if (format == Q4_0) {
            int j = e % 32;
            int packed = codes.get(codesAt + (e / 32) * 16 + j % 16) & 0xFF;
            int nibble = j < 16 ? packed & 0x0F : packed >> 4;
            return (nibble - 8) * scales.get(scalesAt + e / 32);
        } else {
            int packed = codes.get(codesAt + (e >> 1)) & 0xFF;
            int code = (e & 1) == 0 ? packed >> 4 : packed & 0x0F;   // the first weight of a pair is the high nibble
            return codeBook.get(code) * scales.get(scalesAt + e / 64);
        }
    }

    /**
     * {@code c = alpha · op(a) · op(b)} (written: a backend adds beta · c on the host, so c need not go to the device).
     *
     * <p>Tiled and register-blocked: a work-group of TILE × TILE work-items computes a BLOCK × BLOCK block of c
     * (BLOCK = 4 · TILE), each work-item a 4 × 4 set of it, rows {@code ty + TILE·i} and columns {@code tx + TILE·j}.
     * The group walks k in steps of TILE, staging op(a) [BLOCK rows × TILE] and op(b) [TILE × BLOCK columns] (decoded)
     * in local memory; each work-item then does 16 multiply-adds for every 8 values it reads from local memory, and
     * each value read from global memory serves BLOCK products. Loads follow the memory layout, so neighbouring
     * work-items read neighbouring addresses whether or not an operand is transposed.
     *
     * <p>dims = [m, n, k, transA, transB, format, codesAt, scalesAt, valuesAt] (where b's operand starts, see
     * {@link #weight}); scalars = [alpha]. a is [m, k] (or [k, m] with transA), op(b) is
     * [k, n]: b is [k, n] (or [n, k] with transB). A frozen weight W [out, in] gives y = x · Wᵀ with transB and dy · W
     * without. Grid (TILE · ⌈n / BLOCK⌉, TILE · ⌈m / BLOCK⌉), groups TILE × TILE.
     */
    public static void gemm(KernelContext ctx, FloatArray a, FloatArray b, ByteArray codes, FloatArray scales,
                            FloatArray codeBook, FloatArray c, IntArray dims, FloatArray scalars) {
        int m = dims.get(0), n = dims.get(1), k = dims.get(2), format = dims.get(5);
        int codesAt = dims.get(6), scalesAt = dims.get(7), valuesAt = dims.get(8);
        boolean transA = dims.get(3) != 0, transB = dims.get(4) != 0;
        int tx = ctx.localIdx, ty = ctx.localIdy;
        int firstRow = ctx.groupIdy * BLOCK, firstCol = ctx.groupIdx * BLOCK;
        float[] tileA = ctx.allocateFloatLocalArray(BLOCK * TILE);   // [r][kk] = op(a)[firstRow + r, t + kk]
        float[] tileB = ctx.allocateFloatLocalArray(TILE * BLOCK);   // [kk][col] = op(b)[t + kk, firstCol + col]
        float[] sums = new float[16];                                 // [i · 4 + j]: c[ty + TILE·i, tx + TILE·j]
        for (int e = 0; e < 16; e++) sums[e] = 0f;

        for (int t = 0; t < k; t += TILE) {
            for (int p = 0; p < 4; p++) {
                // op(a): with transA a column of a is contiguous, so tx walks rows; otherwise tx walks k.
                int r = transA ? tx + TILE * p : ty + TILE * p, kk = transA ? ty : tx;
                int row = firstRow + r, ka = t + kk;
                float av = 0f;
                if (row < m && ka < k) av = transA ? a.get(ka * m + row) : a.get(row * k + ka);
                tileA[r * TILE + kk] = av;
                // op(b): with transB a row of b (a weight's row) is contiguous, so tx walks k; otherwise tx walks columns.
                int col = transB ? ty + TILE * p : tx + TILE * p, kb = transB ? tx : ty;
                int gcol = firstCol + col, kIndex = t + kb;
                float bv = 0f;
                if (gcol < n && kIndex < k) {
                    bv = weight(b, codes, scales, codeBook, format, transB ? gcol * k + kIndex : kIndex * n + gcol,
                            codesAt, scalesAt, valuesAt);
                }
                tileB[kb * BLOCK + col] = bv;
            }
            ctx.localBarrier();
            for (int kk = 0; kk < TILE; kk++) {
                float a0 = tileA[ty * TILE + kk], a1 = tileA[(ty + TILE) * TILE + kk];
                float a2 = tileA[(ty + 2 * TILE) * TILE + kk], a3 = tileA[(ty + 3 * TILE) * TILE + kk];
                for (int j = 0; j < 4; j++) {
                    float bv = tileB[kk * BLOCK + tx + TILE * j];
                    sums[j] += a0 * bv;
                    sums[4 + j] += a1 * bv;
                    sums[8 + j] += a2 * bv;
                    sums[12 + j] += a3 * bv;
                }
            }
            ctx.localBarrier();
        }
        float alpha = scalars.get(0);
        for (int i = 0; i < 4; i++) {
            int row = firstRow + ty + TILE * i;
            for (int j = 0; j < 4; j++) {
                int col = firstCol + tx + TILE * j;
                if (row < m && col < n) c.set(row * n + col, alpha * sums[i * 4 + j]);
            }
        }
    }

    /**
     * {@code y = W · x} for one token (decoding): W [out, in] (plain or quantized), one work-group of ROW_GROUP
     * work-items per output row, each summing a strided slice of the row, then a tree sum in local memory.
     * dims = [out, in, format, codesAt, scalesAt, valuesAt]. Grid (out · ROW_GROUP), groups of ROW_GROUP.
     */
    public static void matVec(KernelContext ctx, FloatArray x, FloatArray b, ByteArray codes, FloatArray scales,
                              FloatArray codeBook, FloatArray y, IntArray dims) {
        int o = ctx.groupIdx, lane = ctx.localIdx;
        int in = dims.get(1), format = dims.get(2), codesAt = dims.get(3), scalesAt = dims.get(4), valuesAt = dims.get(5);
        float[] partial = ctx.allocateFloatLocalArray(ROW_GROUP);
        float sum = 0f;
        for (int i = lane; i < in; i += ROW_GROUP) {
            sum += x.get(i) * weight(b, codes, scales, codeBook, format, o * in + i, codesAt, scalesAt, valuesAt);
        }
        float total = RowKernels.groupSum(ctx, partial, sum);
        if (lane == 0 && o < dims.get(0)) y.set(o, total);
    }
}
