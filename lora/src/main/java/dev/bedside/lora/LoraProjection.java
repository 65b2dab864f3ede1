package dev.bedside.lora;

import dev.bedside.autograd.BasicOps;
import dev.bedside.autograd.MatrixOps;
import dev.bedside.autograd.Var;
import dev.bedside.model.Projection;
import dev.bedside.tensor.Backends;
import dev.bedside.tensor.ShapeException;
import dev.bedside.tensor.Tensor;
import dev.bedside.autograd.RandomStream;
import java.util.SplittableRandom;

/**
 * A frozen projection with a low-rank trainable update (LoRA):
 * <pre>
 *   y = base(x) + scale · (dropout(x) · Aᵀ) · Bᵀ        A [r, in], B [out, r]
 * </pre>
 * The base weight is never copied or changed. Dropout acts only while training; each forward draws a new
 * mask from {@link RandomStream} with this projection's seed, so a run is reproducible, activation
 * checkpointing replays the same masks, and a resumed run continues the same sequence of masks.
 */
public final class LoraProjection implements Projection {
    private final Projection base;
    private final Var a, b;
    private final float scale;
    private final double dropout;
    private final long dropoutSeed;
    private boolean enabled = true;
    private boolean training = false;

    /**
     * @param a       trainable [r, in]
     * @param b       trainable [out, r]
     * @param seed    seeds the dropout masks
     */
    public LoraProjection(Projection base, Var a, Var b, double scale, double dropout, long seed) {
        int in = base.inFeatures(), out = base.outFeatures();
        if (a.rank() != 2 || b.rank() != 2 || a.dim(1) != in || b.dim(0) != out || b.dim(1) != a.dim(0)) {
            throw new ShapeException("LoraProjection", "A must be [r, " + in + "] and B [" + out + ", r] for a base weight [" + out + ", " + in + "]",
                    a.shape(), b.shape());
        }
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("LoraProjection: dropout " + dropout + " outside [0, 1)");
        this.base = base;
        this.a = a;
        this.b = b;
        this.scale = (float) scale;
        this.dropout = dropout;
        this.dropoutSeed = seed;
    }

    /**
     * PEFT's default initialisation: A as nn.Linear initialises its weight (Kaiming-uniform with a = √5, i.e.
     * U(−1/√in, 1/√in)) and B = 0, so the adapter starts as the identity on the model.
     */
    public static LoraProjection init(Projection base, int r, double scale, double dropout, long seed) {
        SplittableRandom seeds = new SplittableRandom(seed);
        float bound = (float) (1 / Math.sqrt(base.inFeatures()));
        Var a = Var.param(Tensor.uniform(seeds.nextLong(), -bound, bound, r, base.inFeatures()));
        Var b = Var.param(Tensor.zeros(base.outFeatures(), r));
        return new LoraProjection(base, a, b, scale, dropout, seeds.nextLong());
    }

    @Override
    public Var apply(Var x) {
        if (!enabled) return base.apply(x);
        float[] mask = training && dropout > 0 ? dropoutMask(x.numel()) : null;
        // A frozen base weight: one fused op (LoraLinear) writes base and update into one output.
        if (base instanceof Projection.Frozen(Tensor w)) return LoraLinear.apply(x, w, a, b, scale, mask);
        return composed(x, mask);
    }

    /** The same projection built from the general ops (any base): base(x) + scale · (x ⊙ mask) · Aᵀ · Bᵀ. */
    Var composed(Var x, float[] mask) {
        Var y = base.apply(x);
        Var input = mask == null ? x : BasicOps.mul(x, Var.constant(Tensor.of(mask, x.shape())));
        Var update = MatrixOps.linear(MatrixOps.linear(input, a), b);   // [T, r] then [T, out]
        return BasicOps.add(y, BasicOps.scale(update, scale));
    }

    /** Inverted dropout's mask: each element is 0 with probability p, otherwise 1 / (1 − p). */
    float[] dropoutMask(int size) {
        float keep = (float) (1 / (1 - dropout));
        float[] mask = new float[size];
        SplittableRandom random = RandomStream.next(dropoutSeed);   // replayable under activation checkpointing
        for (int i = 0; i < mask.length; i++) mask[i] = random.nextDouble() < dropout ? 0f : keep;
        return mask;
    }

    @Override
    public Tensor weight() { return base.weight(); }

    /** The wrapped projection. */
    public Projection base() { return base; }

    /** Trainable [r, in]. */
    public Var a() { return a; }

    /** Trainable [out, r]. */
    public Var b() { return b; }

    public float scale() { return scale; }

    public int rank() { return a.dim(0); }

    /** Off: the projection is exactly its base (the reference model of DPO). */
    public void setEnabled(boolean enabled) { this.enabled = enabled; }

    public boolean isEnabled() { return enabled; }

    /** Dropout acts only in training mode. */
    public void setTraining(boolean training) { this.training = training; }

    public boolean isTraining() { return training; }

    /** W + scale · B·A [out, in] in F32: the base weight with the update folded in. */
    public Tensor mergedWeight() {
        Tensor merged = base.weight().copy();
        Tensor update = Tensor.zeros(outFeatures(), inFeatures());
        Backends.current().gemm(b.value(), false, a.value(), false, update, 1f, 0f);   // B·A
        Backends.current().axpy(scale, update, merged);
        return merged;
    }
}
