package dev.bedside.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.autograd.GradCheck.Case;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Storage;
import dev.bedside.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Frozen weights (Var.constant, and FrozenOps' plain tensors) kept in a (memory-mapped) segment as F32, F16 or BF16, the way checkpoints are loaded: the ops
 * read them in place (the Var keeps the segment) and the trainable inputs' gradients still match finite differences
 * of the double reference on the same (rounded) weight values.
 */
class FrozenSegmentWeightsProperties {

    /** A segment tensor holding uniform values rounded to {@code dtype}. */
    static Tensor segment(DType dtype, long seed, float low, float high, int... shape) {
        Tensor source = Tensor.uniform(seed, low, high, shape);
        Tensor t = Tensor.ofSegment(Arena.ofAuto().allocate((long) source.numel() * dtype.bytes(), 8), dtype, shape);
        float[] values = source.toFloatArray();
        for (int i = 0; i < values.length; i++) t.storage().set(i, values[i]);
        return t;
    }

    @Property(tries = 20)
    void linearEmbeddingNormAndLmHeadReadFrozenSegments(@ForAll long seed, @ForAll @IntRange(min = 0, max = 2) int dtypeIndex,
                                                         @ForAll @IntRange(min = 0, max = 5) int tokens,
                                                         @ForAll @IntRange(min = 1, max = 6) int dim, @ForAll @IntRange(min = 1, max = 7) int vocab) {
        DType dtype = new DType[] {DType.F32, DType.F16, DType.BF16}[dtypeIndex];   // the segment formats
        SplittableRandom random = new SplittableRandom(seed);
        int[] ids = random.ints(tokens, 0, vocab).toArray();
        int[] targets = random.ints(tokens, -1, vocab).toArray();
        Tensor table = segment(dtype, seed, -1, 1, vocab, dim), norm = segment(dtype, seed + 1, 0.5f, 1.5f, dim);
        Tensor projection = segment(dtype, seed + 2, -1, 1, dim, dim), lmHead = segment(dtype, seed + 3, -1, 1, vocab, dim);
        Tensor x = Tensor.uniform(seed + 4, -1, 1, tokens, dim);
        Case c = new Case("frozen " + dtype + " weights, tokens=" + tokens + " dim=" + dim + " vocab=" + vocab,
                new Tensor[] {x, table, norm, projection, lmHead}, new boolean[] {true, false, false, false, false});
        GradCheck.check(c, v -> {
            assertTrue(v[1].value().storage() instanceof Storage.Segment, "a frozen weight keeps its segment");
            Var h = BasicOps.add(v[0], NeuralOps.embedding(v[1], ids));
            h = MatrixOps.linear(NeuralOps.rmsNorm(h, v[2], 1e-5f), v[3]);
            h = FrozenOps.linear(h, v[3].value());   // the same weight again, held as a plain tensor
            return LossOps.logProbsOfTargets(h, v[4], targets, 2);
        }, d -> {
            double[] h = Ref.embedding(d[1], dim, ids);
            for (int i = 0; i < h.length; i++) h[i] += d[0][i];
            h = Ref.matmul(Ref.rmsNorm(h, tokens, dim, d[2], 1e-5f), tokens, dim, false, d[3], dim, dim, true);
            h = Ref.matmul(h, tokens, dim, false, d[3], dim, dim, true);
            return Ref.logProbsOfTargets(h, tokens, dim, d[4], vocab, targets);
        }, seed);
    }
}
