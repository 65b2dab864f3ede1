package dev.bedside.dpo.train;

import dev.bedside.tensor.Tensor;
import java.util.Map;

/**
 * Updates trainable parameters in place from their accumulated gradients. Parameters without a gradient
 * (none reached them) are left alone, as torch does. The state (moments, step count) can be saved and
 * restored so a resumed run continues exactly.
 */
public interface Optimizer {

    /** One update with learning rate {@code lr}. */
    void step(double lr);

    /** Updates done so far. */
    long steps();

    /** State tensors by name (for a checkpoint), F32. */
    Map<String, Tensor> state();

    /** Restores what {@link #state()} returned, and the step count. */
    void load(Map<String, Tensor> state, long steps);

    /** Parses "adamw" or "sgd" with the given hyper-parameters. */
    static Optimizer create(String name, Map<String, dev.bedside.autograd.Var> params, double weightDecay) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "adamw" -> new AdamW(params, AdamW.BETA1, AdamW.BETA2, AdamW.EPS, weightDecay);
            case "sgd" -> new Sgd(params, 0.0, weightDecay);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "' (adamw, sgd)");
        };
    }
}
