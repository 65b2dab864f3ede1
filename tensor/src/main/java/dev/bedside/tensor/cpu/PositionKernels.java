package dev.bedside.tensor.cpu;

import static dev.bedside.tensor.Checks.*;
import static dev.bedside.tensor.cpu.VectorMath.F;
import static dev.bedside.tensor.cpu.VectorMath.LANES;

import dev.bedside.tensor.Parallel;
import dev.bedside.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

/** Embedding backward (scatter-add) and rotary position embedding. */
public final class PositionKernels {
    private PositionKernels() {}

    /** dTable[ids[t], :] += dOut[t, :]. Columns in parallel, so repeated ids never race. */
    public static void embeddingBackward(Tensor dOut, int[] ids, Tensor dTable) {
        requireRank("embeddingBackward", 2, dTable);
        int vocab = dTable.dim(0), dim = dTable.dim(1);
        requireShape("embeddingBackward", new int[] {ids.length, dim}, dOut);
        requireIds("embeddingBackward", ids, vocab, dTable);
        float[] G = dOut.data(), D = dTable.data();
        int go = (int) dOut.offset(), dto = (int) dTable.offset();
        int blocks = (dim + LANES - 1) / LANES;
        Parallel.forRange(blocks, VectorMath.columnBlockGrain(ids.length), (startBlock, endBlock) -> {
            int from = startBlock * LANES, to = Math.min(dim, endBlock * LANES);
            for (int t = 0; t < ids.length; t++) {
                VectorMath.axpy(1f, G, go + t * dim + from, D, dto + ids[t] * dim + from, to - from);
            }
        });
    }

    /** Rotate-half RoPE in place (see {@link dev.bedside.tensor.Backend#rope}); tokens in parallel. */
    public static void rope(Tensor x, int heads, int headDim, int[] positions, Tensor cos, Tensor sin, boolean inverse) {
        RopeShape.check(x, heads, headDim, positions, cos, sin);
        float[] X = x.data(), C = cos.data(), S = sin.data();
        int xo = (int) x.offset(), co = (int) cos.offset(), so = (int) sin.offset();
        int half = headDim / 2;
        float sign = inverse ? -1f : 1f;
        Parallel.forRange(positions.length, VectorMath.rowGrain(heads * headDim), (start, end) -> {
            for (int t = start; t < end; t++) {
                int table = positions[t] * half;
                for (int h = 0; h < heads; h++) {
                    int base = xo + (t * heads + h) * headDim;
                    int i = 0;
                    for (; i < F.loopBound(half); i += LANES) {
                        FloatVector c = FloatVector.fromArray(F, C, co + table + i);
                        FloatVector s = FloatVector.fromArray(F, S, so + table + i).mul(sign);
                        FloatVector x0 = FloatVector.fromArray(F, X, base + i), x1 = FloatVector.fromArray(F, X, base + i + half);
                        x0.mul(c).sub(x1.mul(s)).intoArray(X, base + i);
                        x1.mul(c).add(x0.mul(s)).intoArray(X, base + i + half);
                    }
                    for (; i < half; i++) {
                        float c = C[co + table + i], s = sign * S[so + table + i];
                        float x0 = X[base + i], x1 = X[base + i + half];
                        X[base + i] = x0 * c - x1 * s;
                        X[base + i + half] = x1 * c + x0 * s;
                    }
                }
            }
        });
    }
}
