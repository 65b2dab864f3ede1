package dev.bedside.autograd;

import dev.bedside.autograd.GradCheck.Case;
import dev.bedside.tensor.Tensor;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The chunked LM-head log-prob op against log-softmax of fully materialised double logits. */
class LossOpsProperties {

    @Property(tries = 40)
    void logProbsOfTargets(@ForAll long seed, @ForAll @IntRange(min = 0, max = 9) int rows, @ForAll @IntRange(min = 1, max = 5) int dim,
                           @ForAll @IntRange(min = 1, max = 9) int vocab, @ForAll @IntRange(min = 1, max = 4) int chunkRows,
                           @ForAll boolean lmHeadTrainable) {
        SplittableRandom random = new SplittableRandom(seed);
        // About a third of the targets are ignored (−1), often in a run at the start like a prompt.
        int prompt = random.nextInt(rows + 1);
        int[] targets = new int[rows];
        for (int t = 0; t < rows; t++) targets[t] = t < prompt / 2 || random.nextInt(4) == 0 ? -1 : random.nextInt(vocab);
        Tensor hidden = Tensor.uniform(seed, -1.5f, 1.5f, rows, dim), lmHead = Tensor.uniform(seed + 1, -1.5f, 1.5f, vocab, dim);
        Case c = new Case("logProbsOfTargets T=" + rows + " D=" + dim + " V=" + vocab + " chunk=" + chunkRows,
                new Tensor[] {hidden, lmHead}, new boolean[] {true, lmHeadTrainable});
        GradCheck.check(c, v -> LossOps.logProbsOfTargets(v[0], v[1], targets, chunkRows),
                d -> Ref.logProbsOfTargets(d[0], rows, dim, d[1], vocab, targets), seed);
    }
}
