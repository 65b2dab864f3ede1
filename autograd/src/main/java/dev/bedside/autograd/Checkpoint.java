package dev.bedside.autograd;

import dev.bedside.tensor.Tensor;
import java.util.function.Function;

/**
 * Activation checkpointing: trade compute for memory. Forward runs a block with recording off and keeps
 * only its inputs (and its output, which the next block holds anyway); backward runs the block again with
 * recording on, onto a private tape, and back-propagates through that fresh sub-graph. A transformer then
 * holds one activation per layer instead of every intermediate of every layer.
 *
 * <p>The block must be deterministic (it is run twice); random draws made through {@link RandomStream}
 * (dropout) are replayed exactly. Weights it uses from outside receive their gradients
 * directly during the recomputation, so a checkpoint is recorded whenever gradients are on, even if its
 * inputs need none (a block with trainable weights may follow a frozen embedding).
 */
public final class Checkpoint {
    private Checkpoint() {}

    /** block(input), checkpointed. */
    public static Var apply(Function<Var, Var> block, Var input) {
        return applyAll(inputs -> block.apply(inputs[0]), input);
    }

    /** block(inputs), checkpointed. */
    public static Var applyAll(Function<Var[], Var> block, Var... inputs) {
        if (!Autograd.isGradEnabled()) return block.apply(inputs);
        Tensor out;
        long randomPosition = RandomStream.position();   // the recomputation replays the same random draws
        try (var scope = Autograd.noGrad()) {
            out = block.apply(inputs).value();
        }
        return Autograd.recordAlways("checkpoint", out, dOut -> {
            long resumeAt = RandomStream.position();
            RandomStream.seek(randomPosition);
            // Fresh leaves with the same values: the recomputed graph ends at them, and their gradients
            // are then passed on to the real inputs.
            Var[] leaves = new Var[inputs.length];
            for (int i = 0; i < inputs.length; i++) leaves[i] = new Var(inputs[i].value(), inputs[i].requiresGrad(), "checkpointInput");
            Tape tape = new Tape();
            try (var scope = Autograd.recordingOn(tape)) {
                Var recomputed = block.apply(leaves);
                if (recomputed.requiresGrad()) tape.backward(recomputed, dOut);
                tape.clear();
            }
            RandomStream.seek(resumeAt);
            for (int i = 0; i < inputs.length; i++) {
                if (leaves[i].grad() != null) inputs[i].accumulateOwned(leaves[i].grad());   // the leaves are dropped here
            }
        });
    }
}
