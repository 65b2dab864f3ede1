package dev.bedside.tensor.cpu;

import static dev.bedside.tensor.Checks.*;
import static dev.bedside.tensor.cpu.VectorMath.F;
import static dev.bedside.tensor.cpu.VectorMath.LANES;

import dev.bedside.tensor.Parallel;
import dev.bedside.tensor.Tensor;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Causal grouped-query attention, flash style: one query row at a time, its scores held in a row buffer
 * of length tk, and only each row's log-sum-exp kept for the backward, which recomputes the probabilities.
 *
 * <p>K (and V in the backward) of one KV head is first transposed to [d, tk], so a query's scores are
 * d scaled vector additions over keys (no horizontal sums); P·V and the gradient updates are vector
 * additions over the head dimension.
 */
public final class AttentionKernels {
    private AttentionKernels() {}

    public static void attention(Tensor q, Tensor k, Tensor v, int heads, int kvHeads, Tensor out, Tensor logSumExp) {
        AttentionShape s = AttentionShape.of("attention", q, k, v, heads, kvHeads);
        requireSameShape("attention", q, out);
        requireShape("attention", new int[] {heads, s.tq()}, logSumExp);
        Rows rows = new Rows(s, heads, kvHeads, q, k, v);
        float[] O = out.data(), L = logSumExp.data();
        int oo = (int) out.offset(), lo = (int) logSumExp.offset();
        int tq = s.tq(), tk = s.tk(), d = s.headDim();
        Parallel.forRange(heads, 1, (startHead, endHead) -> {
            float[] kT = new float[d * tk], scores = new float[tk];
            for (int h = startHead; h < endHead; h++) {
                int kvh = h / (heads / kvHeads);
                rows.transpose(rows.K, rows.ko, kvh, kT);
                for (int i = 0; i < tq; i++) {
                    int n = tk - tq + i + 1;                 // keys 0 … tk − tq + i are visible
                    int qi = rows.q(i, h), oi = oo + (i * heads + h) * d;
                    rows.scores(qi, kT, scores, n);
                    float max = VectorMath.max(scores, 0, n);
                    float sum = expInPlace(scores, max, n);  // scores now hold exp(s − max)
                    Arrays.fill(O, oi, oi + d, 0f);
                    for (int j = 0; j < n; j++) VectorMath.axpy(scores[j] / sum, rows.V, rows.v(j, kvh), O, oi, d);
                    L[lo + h * tq + i] = max + (float) Math.log(sum);
                }
            }
        });
    }

    public static void attentionBackward(Tensor dOut, Tensor q, Tensor k, Tensor v, Tensor out, Tensor logSumExp,
                                         int heads, int kvHeads, Tensor dq, Tensor dk, Tensor dv) {
        AttentionShape s = AttentionShape.of("attentionBackward", q, k, v, heads, kvHeads);
        requireSameShape("attentionBackward", q, dOut, out, dq);
        requireSameShape("attentionBackward", k, dk, v, dv);
        requireShape("attentionBackward", new int[] {heads, s.tq()}, logSumExp);
        Rows rows = new Rows(s, heads, kvHeads, q, k, v);
        float[] G = dOut.data(), O = out.data(), L = logSumExp.data(), DQ = dq.data(), DK = dk.data(), DV = dv.data();
        int go = (int) dOut.offset(), oo = (int) out.offset(), lo = (int) logSumExp.offset(),
                dqo = (int) dq.offset(), dko = (int) dk.offset(), dvo = (int) dv.offset();
        int tq = s.tq(), tk = s.tk(), d = s.headDim(), group = heads / kvHeads;
        // One task per KV head: it alone writes that head's dk and dv, and dq of its query heads.
        Parallel.forRange(kvHeads, 1, (startKv, endKv) -> {
            float[] kT = new float[d * tk], vT = new float[d * tk], p = new float[tk], dp = new float[tk];
            for (int kvh = startKv; kvh < endKv; kvh++) {
                rows.transpose(rows.K, rows.ko, kvh, kT);
                rows.transpose(rows.V, rows.vo, kvh, vT);
                for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                    for (int i = 0; i < tq; i++) {
                        int n = tk - tq + i + 1;
                        int qi = rows.q(i, h), gi = go + (i * heads + h) * d, dqi = dqo + (i * heads + h) * d;
                        float lse = L[lo + h * tq + i];
                        rows.scores(qi, kT, p, n);
                        expInPlace(p, lse, n);                         // p_j = exp(s_j − lse)
                        rows.products(G, gi, vT, dp, n);               // dp_j = dOut_i · v_j
                        // D_i = Σ_c dOut_ic · out_ic (= Σ_j p_j dp_j): the softmax backward's row dot product.
                        float rowDot = VectorMath.dot(G, gi, O, oo + (i * heads + h) * d, d);
                        for (int j = 0; j < n; j++) {
                            float dScore = p[j] * (dp[j] - rowDot) * rows.scale();
                            VectorMath.axpy(dScore, rows.K, rows.k(j, kvh), DQ, dqi, d);
                            VectorMath.axpy(dScore, rows.Q, qi, DK, dko + (j * kvHeads + kvh) * d, d);
                            VectorMath.axpy(p[j], G, gi, DV, dvo + (j * kvHeads + kvh) * d, d);
                        }
                    }
                }
            }
        });
    }

    /** x_j ← exp(x_j − shift) for j &lt; n; returns their sum. */
    private static float expInPlace(float[] x, float shift, int n) {
        FloatVector acc = FloatVector.zero(F);
        int j = 0;
        for (; j < F.loopBound(n); j += LANES) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, j).sub(shift));
            e.intoArray(x, j);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            x[j] = (float) Math.exp(x[j] - shift);
            sum += x[j];
        }
        return sum;
    }

    /** Where the rows of q, k and v of one head start, and the two products over a transposed head. */
    private record Rows(int heads, int kvHeads, int d, int tk, float scale,
                        float[] Q, int qo, float[] K, int ko, float[] V, int vo) {
        Rows(AttentionShape s, int heads, int kvHeads, Tensor q, Tensor k, Tensor v) {
            this(heads, kvHeads, s.headDim(), s.tk(), (float) (1.0 / Math.sqrt(s.headDim())),
                    q.data(), (int) q.offset(), k.data(), (int) k.offset(), v.data(), (int) v.offset());
        }

        int q(int i, int h) { return qo + (i * heads + h) * d; }
        int k(int j, int kvh) { return ko + (j * kvHeads + kvh) * d; }
        int v(int j, int kvh) { return vo + (j * kvHeads + kvh) * d; }

        /** out[c · tk + j] = x[j, kvh, c]: one KV head of k or v as [d, tk]. */
        void transpose(float[] x, int xo, int kvh, float[] out) {
            for (int j = 0; j < tk; j++) {
                int row = xo + (j * kvHeads + kvh) * d;
                for (int c = 0; c < d; c++) out[c * tk + j] = x[row + c];
            }
        }

        /** scores_j = (q_i · k_j) / √d for j &lt; n, from the transposed keys. */
        void scores(int qi, float[] kT, float[] scores, int n) {
            Arrays.fill(scores, 0, n, 0f);
            for (int c = 0; c < d; c++) VectorMath.axpy(Q[qi + c] * scale, kT, c * tk, scores, 0, n);
        }

        /** out_j = a · x_j for j &lt; n, where a = A[ai .. ai+d) and xT is a transposed head. */
        void products(float[] A, int ai, float[] xT, float[] out, int n) {
            Arrays.fill(out, 0, n, 0f);
            for (int c = 0; c < d; c++) VectorMath.axpy(A[ai + c], xT, c * tk, out, 0, n);
        }
    }
}
