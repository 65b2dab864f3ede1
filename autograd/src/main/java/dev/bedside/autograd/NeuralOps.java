package dev.bedside.autograd;

import dev.bedside.tensor.Backends;
import dev.bedside.tensor.Checks;
import dev.bedside.tensor.ShapeException;
import dev.bedside.tensor.Tensor;

/**
 * The fused transformer ops: one kernel forward, one hand-written kernel backward, and only what backward
 * needs is saved (e.g. the per-row inverse RMS, the attention log-sum-exp; never the T × T probabilities).
 * Kernels that always write several gradients get a scratch buffer for an input that needs none.
 */
public final class NeuralOps {
    private NeuralOps() {}

    /** RMSNorm over the last axis: x / rms(x) ⊙ weight. x [rows, dim], weight [dim]. */
    public static Var rmsNorm(Var x, Var weight, float eps) {
        int dim = Checks.lastDim(x.value());
        if (weight.numel() != dim) throw new ShapeException("rmsNorm", "weight does not match the last axis of x", x.shape(), weight.shape());
        Tensor out = Tensor.zeros(x.shape());
        Tensor invRms = Tensor.zeros(Checks.rowsOf(x.value()));
        Backends.current().rmsNorm(x.f32(), weight.f32(), eps, out, invRms);
        return Autograd.record("rmsNorm", out, dOut -> Backends.current().rmsNormBackward(dOut, x.f32(), weight.f32(), invRms,
                gradOrScratch(x), weight.requiresGrad() ? weight.gradBuffer() : null), x, weight);
    }

    /** silu(gate) ⊙ up, the Llama MLP activation. */
    public static Var swiglu(Var gate, Var up) {
        Checks.requireSameShape("swiglu", gate.value(), up.value());
        Tensor out = Tensor.zeros(gate.shape());
        Backends.current().swiglu(gate.f32(), up.f32(), out);
        return Autograd.record("swiglu", out, dOut ->
                Backends.current().swigluBackward(dOut, gate.f32(), up.f32(), gradOrScratch(gate), gradOrScratch(up)), gate, up);
    }

    /** Rows of {@code table} [vocab, dim] picked by {@code ids} → [ids.length, dim]. A frozen table is read in place. */
    public static Var embedding(Var table, int[] ids) {
        if (table.rank() != 2) throw new ShapeException("embedding", "table must be [vocab, dim]", table.shape());
        int[] savedIds = ids.clone();
        Tensor out = Tensor.zeros(ids.length, table.dim(1));
        Backends.current().embedding(table.value(), savedIds, out);
        return Autograd.record("embedding", out, dOut ->
                Backends.current().embeddingBackward(dOut, savedIds, table.gradBuffer()), table);
    }

    /**
     * Rotary position embedding ("rotate half" layout) of x [tokens, heads · headDim]; token t sits at
     * positions[t]; cos and sin [maxPositions, headDim / 2] are fixed tables. Backward rotates back by −θ.
     */
    public static Var rope(Var x, int heads, int headDim, int[] positions, Tensor cos, Tensor sin) {
        int[] savedPositions = positions.clone();
        Tensor out = x.value().copy();   // the kernel rotates in place; inputs are never modified
        Backends.current().rope(out, heads, headDim, savedPositions, cos, sin, false);
        return Autograd.record("rope", out, dOut -> {
            Tensor dx = dOut.copy();
            Backends.current().rope(dx, heads, headDim, savedPositions, cos, sin, true);
            x.accumulateOwned(dx);
        }, x);
    }

    /**
     * Causal grouped-query attention for one sequence: q [tq, heads · d], k and v [tk, kvHeads · d] → [tq, heads · d].
     * Saves q, k, v, the output and the log-sum-exp [heads, tq]; backward recomputes the probabilities.
     */
    public static Var attention(Var q, Var k, Var v, int heads, int kvHeads) {
        Checks.AttentionShape.of("attention", q.value(), k.value(), v.value(), heads, kvHeads);
        Tensor out = Tensor.zeros(q.shape());
        Tensor logSumExp = Tensor.zeros(heads, q.dim(0));
        Backends.current().attention(q.f32(), k.f32(), v.f32(), heads, kvHeads, out, logSumExp);
        return Autograd.record("attention", out, dOut -> Backends.current().attentionBackward(dOut, q.f32(), k.f32(), v.f32(),
                out, logSumExp, heads, kvHeads, gradOrScratch(q), gradOrScratch(k), gradOrScratch(v)), q, k, v);
    }

    /** Log-softmax over the last axis. Materialises its output; for vocabulary-sized rows use {@link LossOps#logProbsOfTargets}. */
    public static Var logSoftmax(Var x) {
        Tensor out = Tensor.zeros(x.shape());
        Backends.current().logSoftmax(x.f32(), out);
        return Autograd.record("logSoftmax", out, dOut ->
                Backends.current().logSoftmaxBackward(dOut, out, x.gradBuffer()), x);
    }

    /** Softmax over the last axis. */
    public static Var softmax(Var x) {
        Tensor out = Tensor.zeros(x.shape());
        Backends.current().softmax(x.f32(), out);
        return Autograd.record("softmax", out, dOut ->
                Backends.current().softmaxBackward(dOut, out, x.gradBuffer()), x);
    }

    /** The gradient buffer of x, or a throw-away buffer when x needs no gradient. */
    static Tensor gradOrScratch(Var x) {
        return x.requiresGrad() ? x.gradBuffer() : Tensor.zeros(x.shape());
    }
}
