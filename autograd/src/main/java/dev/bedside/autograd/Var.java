package dev.bedside.autograd;

import dev.bedside.tensor.Backends;
import dev.bedside.tensor.Tensor;
import java.util.Arrays;

/**
 * A value in the computation graph: a tensor, its gradient, and (while it sits on the tape) the closure
 * that pushes its gradient back to its inputs.
 *
 * <p>Leaves are made with {@link #param} (trainable: gets a gradient) or {@link #constant} (frozen: never gets a
 * gradient buffer). Ops make interior values; an interior value requires a gradient when any input does.
 * The gradient buffer is allocated on first use, so frozen weights and inference cost no gradient memory.
 * Leaves keep their gradient after {@link #backward()} (until {@link #zeroGrad()}); interior values drop theirs
 * as soon as it has been passed on.
 */
public final class Var {
    private final Tensor value;
    private final boolean requiresGrad;
    private final String op;
    private Tensor grad;
    /** Pushes this value's gradient to its inputs; set while recorded on a tape, null once run or released. */
    Backward backward;

    Var(Tensor value, boolean requiresGrad, String op) {
        // Trainable values must be F32 heap arrays (kernels write their gradients beside them); frozen ones may
        // stay where they are, e.g. a memory-mapped BF16 weight, as long as they are contiguous.
        this.value = requiresGrad || !value.isContiguous() ? value.contiguous() : value;
        this.requiresGrad = requiresGrad;
        this.op = op;
    }

    /** A trainable leaf: gradients accumulate into {@link #grad()}. */
    public static Var param(Tensor value) { return new Var(value, true, "param"); }

    /**
     * A frozen leaf or plain input: no gradient, and ops that see only constants record nothing. The tensor
     * keeps its storage: {@link MatrixOps#linear}, {@link NeuralOps#embedding} and {@link LossOps#logProbsOfTargets}
     * read a memory-mapped F32/F16/BF16 weight in place; other ops widen a copy on each use (see {@link #f32()}).
     */
    public static Var constant(Tensor value) { return new Var(value, false, "constant"); }

    /** A scalar constant. */
    public static Var scalar(float value) { return constant(Tensor.of(new float[] {value})); }

    /** The value as stored: an F32 heap tensor, except for a frozen value given in another storage. */
    public Tensor value() { return value; }

    /** The value as a contiguous F32 heap tensor, as most kernels read it: itself, or a widened copy. */
    public Tensor f32() { return value.contiguous(); }

    /** The accumulated gradient, or null when none has reached this value (always null when frozen). */
    public Tensor grad() { return grad; }

    public boolean requiresGrad() { return requiresGrad; }

    /** The op that made this value ("param" and "constant" for leaves). */
    public String op() { return op; }

    /** True while this value's backward closure (and the tensors it saved) is held by a tape. */
    public boolean isRecorded() { return backward != null; }

    public int[] shape() { return value.shape(); }

    public int dim(int axis) { return value.dim(axis); }

    public int rank() { return value.rank(); }

    public int numel() { return value.numel(); }

    /** The single element of a one-element value (a loss). */
    public float item() {
        if (value.numelLong() != 1) throw new IllegalStateException("item(): value has shape " + Arrays.toString(shape()));
        return value.get(new int[value.rank()]);
    }

    /** The same value as a constant: gradients stop here (e.g. a reference model's log-probs). Shares storage. */
    public Var detach() { return new Var(value, false, "detach"); }

    /** Forgets the gradient (before the next step); the buffer is allocated again on next use. */
    public void zeroGrad() { grad = null; }

    /** Back-propagates from this one-element value with d(this) = 1, consuming the current thread's tape. */
    public void backward() { Autograd.tape().backward(this); }

    /**
     * The gradient buffer, allocated as zeros on first use, for backward closures whose kernels accumulate
     * into it directly (a gemm with beta = 1). Only for values that require a gradient.
     */
    public Tensor gradBuffer() {
        if (!requiresGrad) throw new IllegalStateException("gradient of a frozen value (" + op + ") requested");
        if (grad == null) grad = Tensor.zeros(value.shape());
        return grad;
    }

    /** grad += g (same shape); ignored when this value needs no gradient. For backward closures. */
    public void accumulate(Tensor g) {
        if (!requiresGrad) return;
        if (grad == null && Arrays.equals(g.shape(), value.shape())) {
            grad = g.copy();   // the first gradient: one copy instead of zero-filling a buffer and adding to it
            return;
        }
        Backends.current().axpy(1f, g.contiguous(), gradBuffer());
    }

    /**
     * grad += g for a {@code g} nobody else holds or will change (a buffer made for this gradient alone): the
     * first gradient is taken over as it is, without a copy. For backward closures.
     */
    void accumulateOwned(Tensor g) {
        if (requiresGrad && grad == null && g.isHeapContiguous() && Arrays.equals(g.shape(), value.shape())) grad = g;
        else accumulate(g);
    }

    /** Drops the gradient of an interior value once passed on; leaves keep theirs. */
    void releaseGrad() { grad = null; }

    @Override
    public String toString() {
        return "Var(" + op + ", " + value + (requiresGrad ? ", requiresGrad" : "") + ")";
    }
}
