package dev.bedside.autograd;

import dev.bedside.tensor.Backends;
import dev.bedside.tensor.Tensor;

/**
 * Ops with frozen weights given as plain {@link Tensor}s rather than {@link Var}s, so a weight stays where it
 * is — memory-mapped BF16 or F16, or 4-bit — instead of being widened into an F32 copy. Gradients flow to
 * the activations only; the weights never get a gradient buffer.
 */
public final class FrozenOps {
    private FrozenOps() {}

    /** x [tokens, in] · wᵀ for a frozen w [out, in] in any storage → [tokens, out]. */
    public static Var linear(Var x, Tensor w) {
        return MatrixOps.linear(x, Var.constant(w));   // a constant keeps its storage; only x gets a gradient
    }

    /** Rows of a frozen table [vocab, dim] in any storage, picked by ids → [ids.length, dim]. A constant. */
    public static Var embedding(Tensor table, int[] ids) {
        Tensor out = Tensor.zeros(ids.length, table.dim(1));
        Backends.current().embedding(table, ids, out);
        return Var.constant(out);
    }

    /** {@link #logProbsOfTargets(Var, Tensor, int[], int)} with {@link LossOps#chunkRows(int)} rows per chunk. */
    public static Var logProbsOfTargets(Var hidden, Tensor lmHead, int[] targets) {
        return logProbsOfTargets(hidden, lmHead, targets, LossOps.chunkRows(lmHead.rank() == 2 ? lmHead.dim(0) : 1));
    }

    /**
     * {@link LossOps#logProbsOfTargets} for a frozen head [V, D] in any storage (BF16, F16, 4-bit): log p(targets[t])
     * under softmax(hidden[t] · lmHeadᵀ) → [T], target −1 = ignored row (log-prob 0, no gradient). The head is read
     * through {@link dev.bedside.tensor.Backend#linear} and {@code linearBackward} a chunk of rows at a time, so neither the
     * [T, V] logits nor a widened copy of the head ever exist. The gradient reaches {@code hidden} only.
     */
    public static Var logProbsOfTargets(Var hidden, Tensor lmHead, int[] targets, int chunkRows) {
        return LossOps.logProbsOfTargets(hidden, Var.constant(lmHead), targets, chunkRows);   // a constant keeps its storage
    }
}
