package dev.bedside.autograd;

import dev.bedside.tensor.Backends;
import dev.bedside.tensor.Checks;
import dev.bedside.tensor.Tensor;

/**
 * Ops with frozen weights given as plain {@link Tensor}s rather than {@link Var}s, so a weight stays where it
 * is — memory-mapped BF16, F16, or later 4-bit — instead of being widened into an F32 copy. Gradients flow to
 * the activations only; the weights never get a gradient buffer.
 */
public final class FrozenOps {
    private FrozenOps() {}

    /** x [tokens, in] · wᵀ for a frozen w [out, in] in any storage → [tokens, out]. */
    public static Var linear(Var x, Tensor w) {
        Tensor out = Tensor.zeros(x.dim(0), w.dim(0));
        Checks.LinearShape.of("linear", x.value(), w, out);
        Backends.current().linear(x.value(), w, out);
        return Autograd.record("linear", out, dOut -> Backends.current().linearBackward(dOut, w, x.gradBuffer()), x);
    }

    /** Rows of a frozen table [vocab, dim] in any storage, picked by ids → [ids.length, dim]. A constant. */
    public static Var embedding(Tensor table, int[] ids) {
        Tensor out = Tensor.zeros(ids.length, table.dim(1));
        Backends.current().embedding(table, ids, out);
        return Var.constant(out);
    }
}
