package dev.bedside.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.autograd.GradCheck.Case;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The frozen-head log-prob op: against double log-softmax, and against {@link LossOps} with the head as an F32 Var. */
class FrozenOpsProperties {

    private static int[] targets(SplittableRandom random, int rows, int vocab) {
        // About a third of the targets are ignored (−1), often in a run at the start like a prompt.
        int prompt = random.nextInt(rows + 1);
        int[] targets = new int[rows];
        for (int t = 0; t < rows; t++) targets[t] = t < prompt / 2 || random.nextInt(4) == 0 ? -1 : random.nextInt(vocab);
        return targets;
    }

    @Property(tries = 40)
    void logProbsOfTargetsGradient(@ForAll long seed, @ForAll @IntRange(min = 0, max = 9) int rows, @ForAll @IntRange(min = 1, max = 5) int dim,
                                   @ForAll @IntRange(min = 1, max = 9) int vocab, @ForAll @IntRange(min = 1, max = 4) int chunkRows) {
        int[] targets = targets(new SplittableRandom(seed), rows, vocab);
        Tensor hidden = Tensor.uniform(seed, -1.5f, 1.5f, rows, dim), lmHead = Tensor.uniform(seed + 1, -1.5f, 1.5f, vocab, dim);
        Case c = new Case("frozen logProbsOfTargets T=" + rows + " D=" + dim + " V=" + vocab + " chunk=" + chunkRows,
                new Tensor[] {hidden, lmHead}, new boolean[] {true, false});
        GradCheck.check(c, v -> FrozenOps.logProbsOfTargets(v[0], v[1].value(), targets, chunkRows),
                d -> Ref.logProbsOfTargets(d[0], rows, dim, d[1], vocab, targets), seed);
    }

    /** A BF16 head read in place gives what LossOps gives on its exact F32 widening; so does an F32 head. */
    @Property(tries = 40)
    void matchesLossOps(@ForAll long seed, @ForAll @IntRange(min = 1, max = 70) int rows, @ForAll @IntRange(min = 1, max = 37) int dim,
                        @ForAll @IntRange(min = 1, max = 300) int vocab, @ForAll @IntRange(min = 1, max = 65) int chunkRows,
                        @ForAll boolean bf16) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] targets = targets(random, rows, vocab);
        Tensor hidden = Tensor.uniform(seed, -2f, 2f, rows, dim);
        float[] head = Tensor.uniform(seed + 1, -1f, 1f, vocab, dim).data();
        Tensor frozenHead;
        if (bf16) {
            MemorySegment segment = Arena.ofAuto().allocate(2L * head.length);
            for (int i = 0; i < head.length; i++) {
                short bits = DType.floatToBf16(head[i]);
                segment.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, bits);
            }
            frozenHead = Tensor.ofSegment(segment, DType.BF16, vocab, dim);
        } else {
            frozenHead = Tensor.of(head, vocab, dim);
        }
        Tensor widened = frozenHead.copy();   // exact: every BF16 value is an F32 value

        Autograd.tape().clear();
        Tensor seedGrad = Tensor.uniform(seed + 2, -1f, 1f, rows);
        Var h1 = Var.param(hidden), h2 = Var.param(hidden.copy());
        // One backward at a time: a backward empties the whole tape.
        Var frozen = FrozenOps.logProbsOfTargets(h1, frozenHead, targets, chunkRows);
        if (frozen.requiresGrad()) Autograd.tape().backward(frozen, seedGrad);
        Var reference = LossOps.logProbsOfTargets(h2, Var.constant(widened), targets, chunkRows);
        if (reference.requiresGrad()) Autograd.tape().backward(reference, seedGrad);
        assertEquals(reference.requiresGrad(), frozen.requiresGrad(), "recorded exactly when some target counts");
        float[] got = frozen.value().toFloatArray(), want = reference.value().toFloatArray();
        for (int t = 0; t < rows; t++) {
            assertEquals(want[t], got[t], 1e-5 * Math.max(1, Math.abs(want[t])), "log-prob of row " + t + (bf16 ? " (BF16 head)" : " (F32 head)"));
        }
        float[] g1 = h1.grad() == null ? new float[rows * dim] : h1.grad().toFloatArray();
        float[] g2 = h2.grad() == null ? new float[rows * dim] : h2.grad().toFloatArray();
        for (int i = 0; i < g1.length; i++) assertEquals(g2[i], g1[i], 1e-5, "d hidden element " + i);
    }

    @Property(tries = 10)
    void rejectsMismatchedShapes(@ForAll @IntRange(min = 1, max = 5) int dim) {
        Var hidden = Var.param(Tensor.uniform(1, -1, 1, 3, dim));
        Tensor head = Tensor.uniform(2, -1, 1, 7, dim + 1);
        var e = assertThrows(RuntimeException.class, () -> FrozenOps.logProbsOfTargets(hidden, head, new int[] {0, 1, 2}));
        assertTrue(e.getMessage().contains("logProbsOfTargets"), e.getMessage());
        Tensor goodHead = Tensor.uniform(2, -1, 1, 7, dim);
        var e2 = assertThrows(RuntimeException.class, () -> FrozenOps.logProbsOfTargets(hidden, goodHead, new int[] {0, 7, 2}));
        assertTrue(e2.getMessage().contains("7"), e2.getMessage());
    }
}
