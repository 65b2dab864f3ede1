package dev.bedside.tensor;

import static dev.bedside.tensor.Buffers.*;
import static dev.bedside.tensor.DoubleDefinitions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The reference's forward kernels against independent double-precision definitions. */
class ScalarBackendDefinitionsTest {
    private static final Backend REF = new ScalarBackend();
    // One float rounding of a double result, plus float inputs to intermediate steps.
    private static final double RTOL = 2e-6, ATOL = 1e-6;

    @Property(tries = 25)
    void rmsNormDividesByTheRootMeanSquare(@ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 1, max = 40) int dim, @ForAll long seed) {
        Tensor x = random(seed, rows, dim), w = random(seed + 1, dim), out = random(seed + 2, rows, dim), inv = random(seed + 3, rows);
        REF.rmsNorm(x, w, 1e-5f, out, inv);
        assertClose("rmsNorm", rmsNorm(doubles(x), doubles(w), 1e-5f, rows, dim), out.toFloatArray(), 0, RTOL, ATOL);
    }

    @Property(tries = 25)
    void softmaxFamilyAndGather(@ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 1, max = 40) int cols,
                                @ForAll long seed) {
        Tensor x = random(seed, rows, cols), probs = random(seed + 1, rows, cols), logProbs = random(seed + 2, rows, cols);
        REF.softmax(x, probs);
        REF.logSoftmax(x, logProbs);
        assertClose("softmax", softmax(doubles(x), rows, cols), probs.toFloatArray(), 0, RTOL, 1e-7);
        assertClose("logSoftmax", logSoftmax(doubles(x), rows, cols), logProbs.toFloatArray(), 0, RTOL, ATOL);

        int[] targets = ids(seed + 3, rows, -1, cols);
        Tensor gathered = random(seed + 4, rows), logSumExp = random(seed + 5, rows);
        REF.logProbGather(x, targets, gathered, logSumExp);
        assertClose("logProbGather", logProbGather(doubles(x), targets, rows, cols), gathered.toFloatArray(), 0, RTOL, ATOL);
        for (int r = 0; r < rows; r++) {   // the gather is log-softmax picked at the target, and lse = x − logSoftmax
            float expected = targets[r] < 0 ? 0f : logProbs.get(r, targets[r]);
            assertEquals(expected, gathered.get(r), 2e-6 * (1 + Math.abs(expected)), "row " + r);
            assertEquals(x.get(r, 0) - logProbs.get(r, 0), logSumExp.get(r), 2e-6 * (1 + Math.abs(logSumExp.get(r))));
        }
    }

    @Property(tries = 25)
    void swigluAndEmbedding(@ForAll @IntRange(min = 1, max = 6) int vocab, @ForAll @IntRange(min = 1, max = 20) int dim,
                            @ForAll @IntRange(min = 0, max = 8) int tokens, @ForAll long seed) {
        Tensor gate = random(seed, tokens, dim), up = random(seed + 1, tokens, dim), out = random(seed + 2, tokens, dim);
        REF.swiglu(gate, up, out);
        assertClose("swiglu", swiglu(doubles(gate), doubles(up)), out.toFloatArray(), 0, RTOL, ATOL);

        Tensor table = random(seed + 3, vocab, dim), rows = random(seed + 4, tokens, dim);
        int[] ids = ids(seed + 5, tokens, 0, vocab);
        REF.embedding(table, ids, rows);
        assertClose("embedding", embedding(doubles(table), ids, dim), rows.toFloatArray(), 0, 0, 0);
    }

    @Property(tries = 25)
    void ropeIsAComplexRotationAndItsInverseUndoesIt(@ForAll @IntRange(min = 1, max = 5) int tokens,
                                                     @ForAll @IntRange(min = 1, max = 3) int heads,
                                                     @ForAll @IntRange(min = 1, max = 20) int half, @ForAll long seed) {
        int headDim = 2 * half, maxPositions = 64;
        Tensor[] tables = RopeTables.of(maxPositions, headDim, 500000.0);
        int[] positions = ids(seed, tokens, 0, maxPositions);
        Tensor x = random(seed + 1, tokens, heads * headDim);
        double[] original = doubles(x);
        REF.rope(x, heads, headDim, positions, tables[0], tables[1], false);
        assertClose("rope", rope(original, heads, headDim, positions, doubles(tables[0]), doubles(tables[1])),
                x.toFloatArray(), 0, RTOL, ATOL);
        REF.rope(x, heads, headDim, positions, tables[0], tables[1], true);
        assertClose("rope inverse ∘ rope", original, x.toFloatArray(), 0, 1e-6, 1e-6);
    }

    @Property(tries = 25)
    void attentionIsMaskedSoftmaxTimesV(@ForAll @IntRange(min = 1, max = 9) int tk, @ForAll @IntRange(min = 1, max = 9) int tqWanted,
                                        @ForAll @IntRange(min = 0, max = 3) int grouping, @ForAll @IntRange(min = 1, max = 9) int d,
                                        @ForAll long seed) {
        int tq = Math.min(tk, tqWanted);
        int heads = new int[] {1, 2, 6, 3}[grouping], kvHeads = new int[] {1, 1, 2, 3}[grouping];
        Tensor q = random(seed, tq, heads * d), k = random(seed + 1, tk, kvHeads * d), v = random(seed + 2, tk, kvHeads * d);
        Tensor out = random(seed + 3, tq, heads * d), lse = random(seed + 4, heads, tq);
        REF.attention(q, k, v, heads, kvHeads, out, lse);
        double[][] expected = attention(doubles(q), doubles(k), doubles(v), tq, tk, heads, kvHeads, d);
        assertClose("attention out", expected[0], out.toFloatArray(), 0, RTOL, ATOL);
        assertClose("attention logSumExp", expected[1], lse.toFloatArray(), 0, RTOL, ATOL);
    }

    /** Broadcasting by its definition: out[i, j] = a[i or 0, j or 0] ∘ b[...], for the shapes the model uses. */
    @Property(tries = 25)
    void addAndMulBroadcast(@ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 20) int cols,
                            @ForAll long seed) {
        Tensor a = random(seed, rows, cols), column = random(seed + 1, rows, 1), row = random(seed + 2, cols);
        Tensor sum = random(seed + 3, rows, cols), product = random(seed + 4, rows, cols), outer = random(seed + 5, rows, cols);
        REF.add(a, row, sum);
        REF.mul(a, column, product);
        REF.add(column, row, outer);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(a.get(i, j) + row.get(j), sum.get(i, j));
                assertEquals(a.get(i, j) * column.get(i, 0), product.get(i, j));
                assertEquals(column.get(i, 0) + row.get(j), outer.get(i, j));
            }
        }
        Tensor y = random(seed + 6, rows, cols);
        double[] before = doubles(y), ad = doubles(a);
        REF.axpy(0.5f, a, y);
        for (int i = 0; i < before.length; i++) before[i] += 0.5 * ad[i];
        assertClose("axpy", before, y.toFloatArray(), 0, 1e-6, 1e-7);
    }
}
