package dev.bedside.autograd;

import dev.bedside.autograd.GradCheck.Case;
import dev.bedside.tensor.Tensor;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Gradients of the fused transformer ops against double finite differences of textbook forwards. */
class NeuralOpsProperties {

    @Property(tries = 30)
    void rmsNorm(@ForAll long seed, @ForAll @IntRange(min = 0, max = 4) int rows, @ForAll @IntRange(min = 1, max = 9) int dim,
                 @ForAll boolean xTrainable, @ForAll boolean weightTrainable) {
        Tensor x = Tensor.uniform(seed, -2, 2, rows, dim), w = Tensor.uniform(seed + 1, 0.5f, 1.5f, dim);
        Case c = new Case("rmsNorm [" + rows + ", " + dim + "]", new Tensor[] {x, w}, new boolean[] {xTrainable, weightTrainable});
        GradCheck.check(c, v -> NeuralOps.rmsNorm(v[0], v[1], 1e-5f), d -> Ref.rmsNorm(d[0], rows, dim, d[1], 1e-5f), seed);
    }

    @Property(tries = 30)
    void swiglu(@ForAll long seed, @ForAll @IntRange(min = 0, max = 4) int rows, @ForAll @IntRange(min = 1, max = 9) int cols,
                @ForAll boolean upTrainable) {
        Tensor gate = Tensor.uniform(seed, -4, 4, rows, cols), up = Tensor.uniform(seed + 1, -2, 2, rows, cols);
        Case c = new Case("swiglu [" + rows + ", " + cols + "]", new Tensor[] {gate, up}, new boolean[] {true, upTrainable});
        GradCheck.check(c, v -> NeuralOps.swiglu(v[0], v[1]), d -> Ref.swiglu(d[0], d[1]), seed);
    }

    @Property(tries = 30)
    void embeddingWithRepeatedIds(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int vocab,
                                  @ForAll @IntRange(min = 1, max = 5) int dim, @ForAll @IntRange(min = 0, max = 8) int tokens) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] ids = random.ints(tokens, 0, vocab).toArray();
        Tensor table = Tensor.uniform(seed, -1, 1, vocab, dim);
        GradCheck.check(Case.allTrainable("embedding vocab=" + vocab + " tokens=" + tokens, table),
                v -> NeuralOps.embedding(v[0], ids), d -> Ref.embedding(d[0], dim, ids), seed);
    }

    @Property(tries = 30)
    void rope(@ForAll long seed, @ForAll @IntRange(min = 0, max = 5) int tokens, @ForAll @IntRange(min = 1, max = 3) int heads,
              @ForAll @IntRange(min = 1, max = 4) int halfDim) {
        int headDim = 2 * halfDim, maxPositions = 8;
        SplittableRandom random = new SplittableRandom(seed);
        int[] positions = random.ints(tokens, 0, maxPositions).toArray();
        float[] cos = new float[maxPositions * halfDim], sin = new float[maxPositions * halfDim];
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < halfDim; i++) {
                double angle = p * Math.pow(10000, -2.0 * i / headDim);
                cos[p * halfDim + i] = (float) Math.cos(angle);
                sin[p * halfDim + i] = (float) Math.sin(angle);
            }
        }
        Tensor cosT = Tensor.of(cos, maxPositions, halfDim), sinT = Tensor.of(sin, maxPositions, halfDim);
        Tensor x = Tensor.uniform(seed, -1, 1, tokens, heads * headDim);
        Tensor before = x.copy();
        GradCheck.check(Case.allTrainable("rope tokens=" + tokens + " heads=" + heads + " headDim=" + headDim, x),
                v -> NeuralOps.rope(v[0], heads, headDim, positions, cosT, sinT),
                d -> Ref.rope(d[0], heads, headDim, positions, GradCheck.toDouble(cos), GradCheck.toDouble(sin)), seed);
        org.junit.jupiter.api.Assertions.assertArrayEquals(before.toFloatArray(), x.toFloatArray(), "rope modified its input");
    }

    @Property(tries = 30)
    void causalGroupedQueryAttention(@ForAll long seed, @ForAll @IntRange(min = 1, max = 2) int kvHeads,
                                     @ForAll @IntRange(min = 1, max = 3) int group, @ForAll @IntRange(min = 1, max = 4) int d,
                                     @ForAll @IntRange(min = 0, max = 5) int tk, @ForAll @IntRange(min = 0, max = 5) int drop,
                                     @ForAll boolean kvTrainable) {
        int heads = kvHeads * group, tq = Math.max(0, tk - drop);   // tq < tk: queries at the end, as when decoding
        Tensor q = Tensor.uniform(seed, -1.5f, 1.5f, tq, heads * d);
        Tensor k = Tensor.uniform(seed + 1, -1.5f, 1.5f, tk, kvHeads * d), v = Tensor.uniform(seed + 2, -1, 1, tk, kvHeads * d);
        Case c = new Case("attention tq=" + tq + " tk=" + tk + " heads=" + heads + " kvHeads=" + kvHeads + " d=" + d,
                new Tensor[] {q, k, v}, new boolean[] {true, kvTrainable, kvTrainable});
        GradCheck.check(c, x -> NeuralOps.attention(x[0], x[1], x[2], heads, kvHeads),
                x -> Ref.attention(x[0], x[1], x[2], tq, tk, heads, kvHeads, d), seed);
    }

    @Property(tries = 30)
    void logSoftmaxAndSoftmax(@ForAll long seed, @ForAll @IntRange(min = 0, max = 4) int rows,
                              @ForAll @IntRange(min = 1, max = 9) int cols, @ForAll boolean log) {
        Tensor x = Tensor.uniform(seed, -3, 3, rows, cols);
        GradCheck.check(Case.allTrainable((log ? "logSoftmax" : "softmax") + " [" + rows + ", " + cols + "]", x),
                v -> log ? NeuralOps.logSoftmax(v[0]) : NeuralOps.softmax(v[0]),
                d -> log ? Ref.logSoftmax(d[0], rows, cols) : Ref.softmax(d[0], rows, cols), seed);
    }
}
