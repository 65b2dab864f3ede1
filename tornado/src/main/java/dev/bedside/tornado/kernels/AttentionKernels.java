package dev.bedside.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Causal grouped-query attention for one sequence, forward and backward, without any tq × tk buffer.
 * q, out [tq, heads · d]; k, v [tk, kvHeads · d]; logSumExp [heads, tq]. Query i sits at position tk − tq + i and
 * sees keys 0 … tk − tq + i; query head h reads KV head h / (heads / kvHeads); scores are scaled by 1/√d.
 * dims = [tq, tk, heads, kvHeads, d].
 */
public final class AttentionKernels {
    private AttentionKernels() {}

    /**
     * One work-item per (query, head), grid (heads, tq): one pass over the keys with an online softmax (the running
     * maximum rescales what has been summed so far), accumulating the output row in place.
     */
    public static void attention(KernelContext ctx, FloatArray q, FloatArray k, FloatArray v, FloatArray out,
                                 FloatArray logSumExp, IntArray dims) {
        int h = ctx.globalIdx, i = ctx.globalIdy;
        if (i < dims.get(0) && h < dims.get(2)) attentionRow(q, k, v, out, logSumExp, dims, h, i);
    }

    static void attentionRow(FloatArray q, FloatArray k, FloatArray v, FloatArray out, FloatArray logSumExp,
                                    IntArray dims, int h, int i) {
        int tq = dims.get(0), tk = dims.get(1), heads = dims.get(2), kvHeads = dims.get(3), d = dims.get(4);
        int kvh = h / (heads / kvHeads);
        float scale = 1f / TornadoMath.sqrt((float) d);
        int last = tk - tq + i;
        int qi = (i * heads + h) * d;
        for (int c = 0; c < d; c++) out.set(qi + c, 0f);
        float max = -3.4028235e38f, sum = 0f;
        for (int j = 0; j <= last; j++) {
            int kj = (j * kvHeads + kvh) * d;
            float score = 0f;
            for (int c = 0; c < d; c++) score += q.get(qi + c) * k.get(kj + c);
            score *= scale;
            float newMax = TornadoMath.max(max, score);
            float rescale = TornadoMath.exp(max - newMax), weight = TornadoMath.exp(score - newMax);
            sum = sum * rescale + weight;
            for (int c = 0; c < d; c++) out.set(qi + c, out.get(qi + c) * rescale + weight * v.get(kj + c));
            max = newMax;
        }
        float inv = 1f / sum;
        for (int c = 0; c < d; c++) out.set(qi + c, out.get(qi + c) * inv);
        logSumExp.set(h * tq + i, max + TornadoMath.log(sum));
    }

    /** rowDots[h, i] = Σ_c dOut[i, h, c] · out[i, h, c], the softmax backward's D. Grid (heads, tq). */
    public static void rowDots(KernelContext ctx, FloatArray dOut, FloatArray out, FloatArray rowDots, IntArray dims) {
        int h = ctx.globalIdx, i = ctx.globalIdy;
        if (i < dims.get(0) && h < dims.get(2)) rowDot(dOut, out, rowDots, dims, h, i);
    }

    static void rowDot(FloatArray dOut, FloatArray out, FloatArray rowDots, IntArray dims, int h, int i) {
        int tq = dims.get(0), heads = dims.get(2), d = dims.get(4);
        int at = (i * heads + h) * d;
        float sum = 0f;
        for (int c = 0; c < d; c++) sum += dOut.get(at + c) * out.get(at + c);
        rowDots.set(h * tq + i, sum);
    }

    /**
     * dq[i, h] = Σ_j p_ij (dOut_i · v_j − D_i) / √d · k_j (written), recomputing p_ij = exp(q_i · k_j / √d − lse_i).
     * Grid (heads, tq).
     */
    public static void backwardQuery(KernelContext ctx, FloatArray dOut, FloatArray q, FloatArray k, FloatArray v,
                                     FloatArray logSumExp, FloatArray rowDots, FloatArray dq, IntArray dims) {
        int h = ctx.globalIdx, i = ctx.globalIdy;
        if (i < dims.get(0) && h < dims.get(2)) backwardQueryRow(dOut, q, k, v, logSumExp, rowDots, dq, dims, h, i);
    }

    static void backwardQueryRow(FloatArray dOut, FloatArray q, FloatArray k, FloatArray v, FloatArray logSumExp,
                                        FloatArray rowDots, FloatArray dq, IntArray dims, int h, int i) {
        int tq = dims.get(0), tk = dims.get(1), heads = dims.get(2), kvHeads = dims.get(3), d = dims.get(4);
        int kvh = h / (heads / kvHeads);
        float scale = 1f / TornadoMath.sqrt((float) d);
        int qi = (i * heads + h) * d;
        float lse = logSumExp.get(h * tq + i), rowDot = rowDots.get(h * tq + i);
        for (int c = 0; c < d; c++) dq.set(qi + c, 0f);
        for (int j = 0; j <= tk - tq + i; j++) {
            int kj = (j * kvHeads + kvh) * d;
            float score = 0f, dp = 0f;
            for (int c = 0; c < d; c++) {
                score += q.get(qi + c) * k.get(kj + c);
                dp += dOut.get(qi + c) * v.get(kj + c);
            }
            float dScore = TornadoMath.exp(score * scale - lse) * (dp - rowDot) * scale;
            for (int c = 0; c < d; c++) dq.set(qi + c, dq.get(qi + c) + dScore * k.get(kj + c));
        }
    }

    /**
     * For key j of KV head g, over every query head h of its group and every query i that sees j:
     * dv_j = Σ p_ij · dOut_i and dk_j = Σ p_ij (dOut_i · v_j − D_i) / √d · q_i (written). Grid (kvHeads, tk).
     */
    public static void backwardKeyValue(KernelContext ctx, FloatArray dOut, FloatArray q, FloatArray k, FloatArray v,
                                        FloatArray logSumExp, FloatArray rowDots, FloatArray dk, FloatArray dv, IntArray dims) {
        int g = ctx.globalIdx, j = ctx.globalIdy;
        if (j < dims.get(1) && g < dims.get(3)) backwardKeyValueRow(dOut, q, k, v, logSumExp, rowDots, dk, dv, dims, g, j);
    }

    static void backwardKeyValueRow(FloatArray dOut, FloatArray q, FloatArray k, FloatArray v, FloatArray logSumExp,
                                           FloatArray rowDots, FloatArray dk, FloatArray dv, IntArray dims, int g, int j) {
        int tq = dims.get(0), tk = dims.get(1), heads = dims.get(2), kvHeads = dims.get(3), d = dims.get(4);
        int group = heads / kvHeads;
        float scale = 1f / TornadoMath.sqrt((float) d);
        int kj = (j * kvHeads + g) * d;
        int firstQuery = j - (tk - tq);   // query i sees key j when tk − tq + i ≥ j
        if (firstQuery < 0) firstQuery = 0;
        for (int c = 0; c < d; c++) {
            dk.set(kj + c, 0f);
            dv.set(kj + c, 0f);
        }
        for (int h = g * group; h < (g + 1) * group; h++) {
            for (int i = firstQuery; i < tq; i++) {
                int qi = (i * heads + h) * d;
                float score = 0f, dp = 0f;
                for (int c = 0; c < d; c++) {
                    score += q.get(qi + c) * k.get(kj + c);
                    dp += dOut.get(qi + c) * v.get(kj + c);
                }
                float p = TornadoMath.exp(score * scale - logSumExp.get(h * tq + i));
                float dScore = p * (dp - rowDots.get(h * tq + i)) * scale;
                for (int c = 0; c < d; c++) {
                    dv.set(kj + c, dv.get(kj + c) + p * dOut.get(qi + c));
                    dk.set(kj + c, dk.get(kj + c) + dScore * q.get(qi + c));
                }
            }
        }
    }
}
