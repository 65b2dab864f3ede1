package dev.bedside.model;

import dev.bedside.autograd.FrozenOps;
import dev.bedside.autograd.Var;
import dev.bedside.tensor.Tensor;

/**
 * One of a transformer's linear maps, y = x · Wᵀ: x [tokens, in] → y [tokens, out]. The model holds its
 * projections behind this interface so an adapter (LoRA) can wrap one without the model knowing.
 */
public interface Projection {

    Var apply(Var x);

    /** The frozen base weight [out, in], in whatever storage it was loaded in. */
    Tensor weight();

    default int inFeatures() { return weight().dim(1); }

    default int outFeatures() { return weight().dim(0); }

    /** A projection by a trainable weight (full-parameter training): gradients reach the input and the weight. */
    record Trainable(Var parameter) implements Projection {
        public Var apply(Var x) { return dev.bedside.autograd.MatrixOps.linear(x, parameter); }

        public Tensor weight() { return parameter.value(); }
    }

    /** A projection by a frozen weight: gradients reach the input only. */
    record Frozen(Tensor weight) implements Projection {
        public Var apply(Var x) { return FrozenOps.linear(x, weight); }
    }
}
