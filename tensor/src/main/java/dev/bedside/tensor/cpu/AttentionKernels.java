package dev.bedside.tensor.cpu;

import static dev.bedside.tensor.Checks.*;
import static dev.bedside.tensor.cpu.VectorMath.F;
import static dev.bedside.tensor.cpu.VectorMath.LANES;

import dev.bedside.tensor.Parallel;
import dev.bedside.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

/**
 * Causal grouped-query attention, flash style: one query row at a time, its scores held in a row buffer
 * of length tk, and only each row's log-sum-exp kept for the backward, which recomputes the probabilities.
 *
 * <p>For many queries, K (and V in the backward) of a KV head is first transposed to [d, tk]: a row of scores is
 * then a sum over c of q_c times a contiguous row of keys, computed a few vectors of keys at a time with the
 * sums kept in registers. A few queries (decoding) take plain dot products instead, as the transpose would
 * cost more than it saves.
 */
public final class AttentionKernels {
    private AttentionKernels() {}

    /** Below this many query rows, scores are dot products rather than products with transposed keys. */
    private static final int TRANSPOSE_FROM_ROWS = 16;

    public static void attention(Tensor q, Tensor k, Tensor v, int heads, int kvHeads, Tensor out, Tensor logSumExp) {
        AttentionShape s = AttentionShape.forward(q, k, v, heads, kvHeads, out, logSumExp);
        float[] Q = q.data(), K = k.data(), V = v.data(), O = out.data(), L = logSumExp.data();
        int qo = (int) q.offset(), ko = (int) k.offset(), vo = (int) v.offset(), oo = (int) out.offset(), lo = (int) logSumExp.offset();
        int tq = s.tq(), tk = s.tk(), d = s.headDim(), kvWidth = kvHeads * d;
        float scale = (float) (1.0 / Math.sqrt(d));
        boolean transpose = tq >= TRANSPOSE_FROM_ROWS;
        Parallel.forRange(heads, 1, (startHead, endHead) -> {
            float[] kT = transpose ? new float[d * tk] : null, scores = new float[tk];
            for (int h = startHead; h < endHead; h++) {
                int kvh = h / (heads / kvHeads), kHead = ko + kvh * d, vHead = vo + kvh * d;
                if (transpose) transpose(K, kHead, kvWidth, tk, d, kT);
                for (int i = 0; i < tq; i++) {
                    int n = tk - tq + i + 1;                 // keys 0 … tk − tq + i are visible
                    int qi = qo + (i * heads + h) * d;
                    if (transpose) {
                        transposedProducts(Q, qi, d, scale, kT, tk, scores, n);
                    } else {
                        for (int j = 0; j < n; j++) scores[j] = VectorMath.dot(Q, qi, K, kHead + j * kvWidth, d) * scale;
                    }
                    float max = VectorMath.max(scores, 0, n);
                    float sum = expInPlace(scores, max, n);  // scores now hold exp(s − max)
                    weightedRows(scores, n, V, vHead, kvWidth, d, 1f / sum, O, oo + (i * heads + h) * d, false);
                    L[lo + h * tq + i] = max + (float) Math.log(sum);
                }
            }
        });
    }

    public static void attentionBackward(Tensor dOut, Tensor q, Tensor k, Tensor v, Tensor out, Tensor logSumExp,
                                         int heads, int kvHeads, Tensor dq, Tensor dk, Tensor dv) {
        AttentionShape s = AttentionShape.backward(dOut, q, k, v, out, logSumExp, heads, kvHeads, dq, dk, dv);
        float[] G = dOut.data(), Q = q.data(), K = k.data(), V = v.data(), O = out.data(), L = logSumExp.data();
        float[] DQ = dq.data(), DK = dk.data(), DV = dv.data();
        int go = (int) dOut.offset(), qo = (int) q.offset(), ko = (int) k.offset(), vo = (int) v.offset(), oo = (int) out.offset(),
                lo = (int) logSumExp.offset(), dqo = (int) dq.offset(), dko = (int) dk.offset(), dvo = (int) dv.offset();
        int tq = s.tq(), tk = s.tk(), d = s.headDim(), group = heads / kvHeads, kvWidth = kvHeads * d;
        float scale = (float) (1.0 / Math.sqrt(d));
        // One task per KV head: it alone writes that head's dk and dv, and dq of its query heads.
        Parallel.forRange(kvHeads, 1, (startKv, endKv) -> {
            float[] kT = new float[d * tk], vT = new float[d * tk], p = new float[tk], dScores = new float[tk];
            for (int kvh = startKv; kvh < endKv; kvh++) {
                int kHead = ko + kvh * d, vHead = vo + kvh * d;
                transpose(K, kHead, kvWidth, tk, d, kT);
                transpose(V, vHead, kvWidth, tk, d, vT);
                for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                    for (int i = 0; i < tq; i++) {
                        int n = tk - tq + i + 1;
                        int row = (i * heads + h) * d, qi = qo + row, gi = go + row;
                        transposedProducts(Q, qi, d, scale, kT, tk, p, n);
                        expInPlace(p, L[lo + h * tq + i], n);           // p_j = exp(s_j − lse)
                        transposedProducts(G, gi, d, 1f, vT, tk, dScores, n);   // dp_j = dOut_i · v_j
                        // D_i = Σ_c dOut_ic · out_ic (= Σ_j p_j dp_j): the softmax backward's row dot product.
                        float rowDot = VectorMath.dot(G, gi, O, oo + row, d);
                        for (int j = 0; j < n; j++) dScores[j] = p[j] * (dScores[j] - rowDot) * scale;
                        weightedRows(dScores, n, K, kHead, kvWidth, d, 1f, DQ, dqo + row, true);
                        for (int j = 0; j < n; j++) {
                            VectorMath.axpy(dScores[j], Q, qi, DK, dko + kvh * d + j * kvWidth, d);
                            VectorMath.axpy(p[j], G, gi, DV, dvo + kvh * d + j * kvWidth, d);
                        }
                    }
                }
            }
        });
    }

    /** out[c · tk + j] = x[head + j · stride + c]: one head of k or v, [tk, d] with row stride, as [d, tk]. */
    static void transpose(float[] x, int head, int stride, int tk, int d, float[] out) {
        for (int j = 0; j < tk; j++) {
            for (int c = 0; c < d; c++) out[c * tk + j] = x[head + j * stride + c];
        }
    }

    /**
     * out[j] = scale · Σ_c a[ai + c] · xT[c · tk + j] for j &lt; n. Four vectors of j at a time: four
     * independent multiply-add chains held in registers.
     */
    static void transposedProducts(float[] a, int ai, int d, float scale, float[] xT, int tk, float[] out, int n) {
        int j = 0;
        for (; j + 4 * LANES <= n; j += 4 * LANES) {
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
            for (int c = 0; c < d; c++) {
                FloatVector ac = FloatVector.broadcast(F, a[ai + c]);
                int at = c * tk + j;
                s0 = FloatVector.fromArray(F, xT, at).fma(ac, s0);
                s1 = FloatVector.fromArray(F, xT, at + LANES).fma(ac, s1);
                s2 = FloatVector.fromArray(F, xT, at + 2 * LANES).fma(ac, s2);
                s3 = FloatVector.fromArray(F, xT, at + 3 * LANES).fma(ac, s3);
            }
            s0.mul(scale).intoArray(out, j);
            s1.mul(scale).intoArray(out, j + LANES);
            s2.mul(scale).intoArray(out, j + 2 * LANES);
            s3.mul(scale).intoArray(out, j + 3 * LANES);
        }
        for (; j + LANES <= n; j += LANES) {
            FloatVector sum = FloatVector.zero(F);
            for (int c = 0; c < d; c++) sum = FloatVector.fromArray(F, xT, c * tk + j).fma(FloatVector.broadcast(F, a[ai + c]), sum);
            sum.mul(scale).intoArray(out, j);
        }
        for (; j < n; j++) {
            float sum = 0;
            for (int c = 0; c < d; c++) sum += a[ai + c] * xT[c * tk + j];
            out[j] = sum * scale;
        }
    }

    /**
     * out[oi + c] (=, or += with accumulate) factor · Σ_j w[j] · x[first + j · stride + c] for c &lt; d, j &lt; n:
     * a weighted sum of n rows. Four rows per step, each into its own register sum.
     */
    static void weightedRows(float[] w, int n, float[] x, int first, int stride, int d, float factor,
                                     float[] out, int oi, boolean accumulate) {
        int c = 0;
        for (; c + LANES <= d; c += LANES) {
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                int at = first + j * stride + c;
                s0 = FloatVector.fromArray(F, x, at).fma(FloatVector.broadcast(F, w[j]), s0);
                s1 = FloatVector.fromArray(F, x, at + stride).fma(FloatVector.broadcast(F, w[j + 1]), s1);
                s2 = FloatVector.fromArray(F, x, at + 2 * stride).fma(FloatVector.broadcast(F, w[j + 2]), s2);
                s3 = FloatVector.fromArray(F, x, at + 3 * stride).fma(FloatVector.broadcast(F, w[j + 3]), s3);
            }
            for (; j < n; j++) s0 = FloatVector.fromArray(F, x, first + j * stride + c).fma(FloatVector.broadcast(F, w[j]), s0);
            FloatVector sum = s0.add(s1).add(s2.add(s3)).mul(factor);
            if (accumulate) sum = sum.add(FloatVector.fromArray(F, out, oi + c));
            sum.intoArray(out, oi + c);
        }
        for (; c < d; c++) {
            float sum = 0;
            for (int j = 0; j < n; j++) sum += w[j] * x[first + j * stride + c];
            out[oi + c] = (accumulate ? out[oi + c] : 0f) + factor * sum;
        }
    }

    /** x_j ← exp(x_j − shift) for j &lt; n; returns their sum. */
    static float expInPlace(float[] x, float shift, int n) {
        FloatVector acc = FloatVector.zero(F);
        int j = 0;
        for (; j < F.loopBound(n); j += LANES) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, j).sub(shift));
            e.intoArray(x, j);
            acc = acc.add(e);
        }
        float sum = VectorMath.sumLanes(acc);
        for (; j < n; j++) {
            x[j] = (float) Math.exp(x[j] - shift);
            sum += x[j];
        }
        return sum;
    }
}
