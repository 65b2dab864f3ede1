package dev.bedside.autograd;

import dev.bedside.autograd.GradCheck.Case;
import dev.bedside.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Gradients of matmul (all four transpose combinations) and linear against double finite differences. */
class MatrixOpsProperties {

    @Property(tries = 40)
    void matmul(@ForAll long seed, @ForAll @IntRange(min = 0, max = 5) int m, @ForAll @IntRange(min = 1, max = 6) int k,
                @ForAll @IntRange(min = 1, max = 5) int n, @ForAll boolean transA, @ForAll boolean transB,
                @ForAll boolean aTrainable, @ForAll boolean bTrainable) {
        int ar = transA ? k : m, ac = transA ? m : k, br = transB ? n : k, bc = transB ? k : n;
        Tensor a = Tensor.uniform(seed, -1, 1, ar, ac), b = Tensor.uniform(seed + 1, -1, 1, br, bc);
        Case c = new Case("matmul m=" + m + " k=" + k + " n=" + n + " transA=" + transA + " transB=" + transB,
                new Tensor[] {a, b}, new boolean[] {aTrainable, bTrainable});
        // op(a)·op(b) + op(a)·op(b²): both products reach a and b, so the second backward gemm must add to the first.
        GradCheck.check(c, v -> BasicOps.add(MatrixOps.matmul(v[0], transA, v[1], transB),
                MatrixOps.matmul(v[0], transA, BasicOps.square(v[1]), transB)), x -> {
            double[] bSquared = x[1].clone();
            for (int i = 0; i < bSquared.length; i++) bSquared[i] *= bSquared[i];
            double[] first = Ref.matmul(x[0], ar, ac, transA, x[1], br, bc, transB);
            double[] second = Ref.matmul(x[0], ar, ac, transA, bSquared, br, bc, transB);
            for (int i = 0; i < first.length; i++) first[i] += second[i];
            return first;
        }, seed);
    }

    @Property(tries = 30)
    void linear(@ForAll long seed, @ForAll @IntRange(min = 0, max = 5) int tokens, @ForAll @IntRange(min = 1, max = 7) int in,
                @ForAll @IntRange(min = 1, max = 6) int out, @ForAll boolean xTrainable) {
        Tensor x = Tensor.uniform(seed, -1, 1, tokens, in), w = Tensor.uniform(seed + 1, -1, 1, out, in);
        Case c = new Case("linear [" + tokens + ", " + in + "] x [" + out + ", " + in + "]", new Tensor[] {x, w},
                new boolean[] {xTrainable, true});
        GradCheck.check(c, v -> MatrixOps.linear(v[0], v[1]), d -> Ref.matmul(d[0], tokens, in, false, d[1], out, in, true), seed);
    }

    @Property(tries = 20)
    void linearOfARowSlice(@ForAll long seed, @ForAll @IntRange(min = 0, max = 6) int tokens, @ForAll @IntRange(min = 0, max = 6) int start,
                           @ForAll @IntRange(min = 1, max = 5) int in, @ForAll @IntRange(min = 1, max = 4) int out) {
        int from = Math.min(start, tokens), to = Math.min(tokens, from + 3);   // a view at a non-zero offset
        Tensor x = Tensor.uniform(seed, -1, 1, tokens, in), w = Tensor.uniform(seed + 1, -1, 1, out, in);
        GradCheck.check(Case.allTrainable("linear of rows [" + from + ", " + to + ") of " + tokens, x, w),
                v -> MatrixOps.linear(BasicOps.sliceRows(v[0], from, to), v[1]),
                d -> Ref.matmul(java.util.Arrays.copyOfRange(d[0], from * in, to * in), to - from, in, false, d[1], out, in, true), seed);
    }
}
