package dev.bedside.autograd;

import dev.bedside.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * The ops of one forward pass, in execution order. Execution order is already a topological order, so
 * backward is a single walk from the end: each node passes its gradient to its inputs, then is dropped
 * together with the tensors its backward closure saved. After {@link #backward} the tape is empty.
 */
public final class Tape {
    private final ArrayList<Var> nodes = new ArrayList<>();

    /** Number of recorded ops not yet back-propagated. */
    public int size() { return nodes.size(); }

    void record(Var node) { nodes.add(node); }

    /** Back-propagates from a one-element loss with d loss = 1. */
    public void backward(Var loss) {
        if (loss.value().numelLong() != 1) {
            throw new IllegalArgumentException("backward: loss must have one element, got shape " + Arrays.toString(loss.shape())
                    + "; pass a seed gradient for other shapes");
        }
        backward(loss, Tensor.of(new float[] {1f}, loss.shape()));
    }

    /**
     * Back-propagates from {@code output} with d loss / d output = {@code seed}, then empties the tape.
     * Nodes recorded after {@code output} or not on its path are released without running.
     */
    public void backward(Var output, Tensor seed) {
        if (!output.requiresGrad()) {
            throw new IllegalArgumentException("backward: " + output.op() + " does not depend on anything that requires a gradient");
        }
        if (!Arrays.equals(output.shape(), seed.shape())) {
            throw new IllegalArgumentException("backward: seed shape " + Arrays.toString(seed.shape())
                    + " differs from output shape " + Arrays.toString(output.shape()));
        }
        output.accumulate(seed);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Var node = nodes.remove(i);          // the tape lets go of the node ...
            Backward step = node.backward;
            node.backward = null;                // ... and the node of what its backward saved
            Tensor dOut = node.grad();
            node.releaseGrad();
            if (dOut != null) step.run(dOut);
        }
    }

    /** Drops every recorded op without back-propagating (e.g. after an evaluation forward pass with grad on). */
    public void clear() {
        for (Var node : nodes) node.backward = null;
        nodes.clear();
    }
}
