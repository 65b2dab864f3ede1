package dev.bedside.tensor;

import static dev.bedside.tensor.Buffers.*;
import static dev.bedside.tensor.DoubleDefinitions.*;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Every backward kernel of the reference against central finite differences of an independent double-precision
 * forward, for the random scalar loss L = Σ r ⊙ f(x). The gradient buffers start filled with random values,
 * so what the kernel adds to them (after − before) is what is compared: this also checks they accumulate.
 */
class ScalarBackendGradientTest {
    private static final Backend REF = new ScalarBackend();
    private static final double RTOL = 1e-4, ATOL = 2e-5;

    @Property(tries = 25)
    void rmsNormBackward(@ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 1, max = 19) int dim,
                         @ForAll long seed) {
        float eps = 1e-5f;
        Tensor x = random(seed, rows, dim), w = random(seed + 1, dim), r = random(seed + 2, rows, dim);
        Tensor out = Tensor.zeros(rows, dim), invRms = Tensor.zeros(rows);
        REF.rmsNorm(x, w, eps, out, invRms);
        Tensor dx = random(seed + 3, rows, dim), dw = random(seed + 4, dim);
        double[] dx0 = doubles(dx), dw0 = doubles(dw);
        REF.rmsNormBackward(r, x, w, invRms, dx, dw);

        double[] xd = doubles(x), wd = doubles(w), rd = doubles(r);
        check("rmsNormBackward dx", numericGradient(xs -> weightedSum(rd, rmsNorm(xs, wd, eps, rows, dim)), xd), dx, dx0);
        check("rmsNormBackward dWeight", numericGradient(ws -> weightedSum(rd, rmsNorm(xd, ws, eps, rows, dim)), wd), dw, dw0);
    }

    @Property(tries = 25)
    void softmaxBackward(@ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 1, max = 19) int cols, @ForAll long seed) {
        Tensor x = random(seed, rows, cols), r = random(seed + 1, rows, cols), probs = Tensor.zeros(rows, cols);
        REF.softmax(x, probs);
        Tensor dx = random(seed + 2, rows, cols);
        double[] dx0 = doubles(dx);
        REF.softmaxBackward(r, probs, dx);
        double[] rd = doubles(r);
        check("softmaxBackward", numericGradient(xs -> weightedSum(rd, softmax(xs, rows, cols)), doubles(x)), dx, dx0);
    }

    @Property(tries = 25)
    void logSoftmaxBackward(@ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 1, max = 19) int cols,
                            @ForAll long seed) {
        Tensor x = random(seed, rows, cols), r = random(seed + 1, rows, cols), logProbs = Tensor.zeros(rows, cols);
        REF.logSoftmax(x, logProbs);
        Tensor dx = random(seed + 2, rows, cols);
        double[] dx0 = doubles(dx);
        REF.logSoftmaxBackward(r, logProbs, dx);
        double[] rd = doubles(r);
        check("logSoftmaxBackward", numericGradient(xs -> weightedSum(rd, logSoftmax(xs, rows, cols)), doubles(x)), dx, dx0);
    }

    @Property(tries = 25)
    void logProbGatherBackward(@ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 23) int vocab,
                               @ForAll long seed) {
        Tensor logits = random(seed, rows, vocab), r = random(seed + 1, rows);
        int[] targets = ids(seed + 2, rows, -1, vocab);   // -1: an ignored row
        Tensor logProbs = Tensor.zeros(rows), logSumExp = Tensor.zeros(rows);
        REF.logProbGather(logits, targets, logProbs, logSumExp);
        Tensor d = random(seed + 3, rows, vocab);
        double[] d0 = doubles(d);
        REF.logProbGatherBackward(r, logits, targets, logSumExp, d);
        double[] rd = doubles(r);
        check("logProbGatherBackward",
                numericGradient(xs -> weightedSum(rd, logProbGather(xs, targets, rows, vocab)), doubles(logits)), d, d0);
    }

    @Property(tries = 25)
    void swigluBackward(@ForAll @IntRange(min = 1, max = 40) int n, @ForAll long seed) {
        Tensor gate = random(seed, n), up = random(seed + 1, n), r = random(seed + 2, n);
        Tensor dGate = random(seed + 3, n), dUp = random(seed + 4, n);
        double[] dGate0 = doubles(dGate), dUp0 = doubles(dUp);
        REF.swigluBackward(r, gate, up, dGate, dUp);
        double[] g = doubles(gate), u = doubles(up), rd = doubles(r);
        check("swigluBackward dGate", numericGradient(gs -> weightedSum(rd, swiglu(gs, u)), g), dGate, dGate0);
        check("swigluBackward dUp", numericGradient(us -> weightedSum(rd, swiglu(g, us)), u), dUp, dUp0);
    }

    @Property(tries = 25)
    void embeddingBackward(@ForAll @IntRange(min = 1, max = 6) int vocab, @ForAll @IntRange(min = 1, max = 9) int dim,
                           @ForAll @IntRange(min = 0, max = 10) int tokens, @ForAll long seed) {
        Tensor table = random(seed, vocab, dim), r = random(seed + 1, tokens, dim);
        int[] ids = ids(seed + 2, tokens, 0, vocab);
        Tensor d = random(seed + 3, vocab, dim);
        double[] d0 = doubles(d);
        REF.embeddingBackward(r, ids, d);
        double[] rd = doubles(r);
        check("embeddingBackward", numericGradient(ts -> weightedSum(rd, embedding(ts, ids, dim)), doubles(table)), d, d0);
    }

    /** The inverse rotation applied to r is the gradient of Σ r ⊙ rope(x) (rope's backward). */
    @Property(tries = 25)
    void ropeInverseIsTheBackward(@ForAll @IntRange(min = 1, max = 4) int tokens, @ForAll @IntRange(min = 1, max = 3) int heads,
                                  @ForAll @IntRange(min = 1, max = 5) int half, @ForAll long seed) {
        int headDim = 2 * half, maxPositions = 6;
        Tensor[] tables = RopeTables.of(maxPositions, headDim, 10000.0);
        int[] positions = ids(seed, tokens, 0, maxPositions);
        Tensor x = random(seed + 1, tokens, heads * headDim), r = random(seed + 2, tokens, heads * headDim);
        double[] rd = doubles(r), cos = doubles(tables[0]), sin = doubles(tables[1]);
        double[] numeric = numericGradient(xs -> weightedSum(rd, rope(xs, heads, headDim, positions, cos, sin)), doubles(x));
        REF.rope(r, heads, headDim, positions, tables[0], tables[1], true);   // in place: r becomes the gradient
        assertClose("rope inverse as backward", numeric, r.data(), (int) r.offset(), RTOL, ATOL);
    }

    /** The broadcast add's backward for b is sumToShape of the upstream gradient. */
    @Property(tries = 25)
    void sumToShapeIsTheBroadcastBackward(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll @IntRange(min = 1, max = 5) int rows,
                                          @ForAll @IntRange(min = 1, max = 7) int cols, @ForAll long seed) {
        Tensor a = random(seed, batch, rows, cols), b = random(seed + 1, rows, cols), r = random(seed + 2, batch, rows, cols);
        double[] ad = doubles(a), rd = doubles(r);
        double[] numeric = numericGradient(bs -> {
            double[] sum = new double[ad.length];
            for (int i = 0; i < ad.length; i++) sum[i] = ad[i] + bs[i % (rows * cols)];
            return weightedSum(rd, sum);
        }, doubles(b));
        Tensor db = random(seed + 3, rows, cols);   // sumToShape writes: the old contents must not matter
        REF.sumToShape(r, db);
        assertClose("sumToShape", numeric, db.data(), (int) db.offset(), RTOL, ATOL);
    }

    @Property(tries = 20)
    void attentionBackward(@ForAll @IntRange(min = 1, max = 5) int tk, @ForAll @IntRange(min = 1, max = 5) int tqWanted,
                           @ForAll @IntRange(min = 0, max = 2) int grouping, @ForAll @IntRange(min = 1, max = 5) int d,
                           @ForAll long seed) {
        int tq = Math.min(tk, tqWanted);
        int heads = new int[] {1, 4, 3}[grouping], kvHeads = new int[] {1, 2, 1}[grouping];
        Tensor q = random(seed, tq, heads * d), k = random(seed + 1, tk, kvHeads * d), v = random(seed + 2, tk, kvHeads * d);
        Tensor r = random(seed + 3, tq, heads * d);
        Tensor out = Tensor.zeros(tq, heads * d), lse = Tensor.zeros(heads, tq);
        REF.attention(q, k, v, heads, kvHeads, out, lse);
        Tensor dq = random(seed + 4, tq, heads * d), dk = random(seed + 5, tk, kvHeads * d), dv = random(seed + 6, tk, kvHeads * d);
        double[] dq0 = doubles(dq), dk0 = doubles(dk), dv0 = doubles(dv);
        REF.attentionBackward(r, q, k, v, out, lse, heads, kvHeads, dq, dk, dv);

        double[] qd = doubles(q), kd = doubles(k), vd = doubles(v), rd = doubles(r);
        check("attentionBackward dq", numericGradient(qs -> weightedSum(rd, attention(qs, kd, vd, tq, tk, heads, kvHeads, d)[0]), qd), dq, dq0);
        check("attentionBackward dk", numericGradient(ks -> weightedSum(rd, attention(qd, ks, vd, tq, tk, heads, kvHeads, d)[0]), kd), dk, dk0);
        check("attentionBackward dv", numericGradient(vs -> weightedSum(rd, attention(qd, kd, vs, tq, tk, heads, kvHeads, d)[0]), vd), dv, dv0);
    }

    /** Compares what the kernel added to {@code after} (after − before) with the numeric gradient. */
    private static void check(String what, double[] numeric, Tensor after, double[] before) {
        float[] a = after.toFloatArray();
        float[] added = new float[a.length];
        for (int i = 0; i < a.length; i++) added[i] = (float) (a[i] - before[i]);
        // The subtraction loses up to one float ulp of the pre-filled value: ATOL covers it.
        assertClose(what, numeric, added, 0, RTOL, ATOL);
    }
}
