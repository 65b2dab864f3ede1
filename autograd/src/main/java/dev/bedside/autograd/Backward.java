package dev.bedside.autograd;

import dev.bedside.tensor.Tensor;

/**
 * The backward step of one recorded op: given d loss / d output, accumulate d loss / d input into each input
 * that requires a gradient. It is written beside the op's forward and captures what the forward saved.
 */
@FunctionalInterface
public interface Backward {
    void run(Tensor dOut);
}
