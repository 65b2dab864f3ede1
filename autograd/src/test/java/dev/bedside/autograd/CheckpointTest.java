package dev.bedside.autograd;

import static dev.bedside.autograd.BasicOps.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.tensor.Tensor;
import java.util.function.UnaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Checkpointed blocks give the same values and gradients as plain ones, with fewer nodes kept. */
class CheckpointTest {

    @AfterEach
    void emptyTape() { Autograd.tape().clear(); }

    /** The weights of a transformer-like MLP block: x + down(swiglu(gate(norm x), up(norm x))). */
    record Block(Var norm, Var gate, Var up, Var down) {
        static Block random(long seed, int dim, int hidden, boolean trainable) {
            return new Block(leaf(Tensor.uniform(seed, 0.5f, 1.5f, dim), trainable),
                    leaf(Tensor.uniform(seed + 1, -0.5f, 0.5f, hidden, dim), trainable),
                    leaf(Tensor.uniform(seed + 2, -0.5f, 0.5f, hidden, dim), trainable),
                    leaf(Tensor.uniform(seed + 3, -0.5f, 0.5f, dim, hidden), trainable));
        }

        Var apply(Var x) {
            Var normed = NeuralOps.rmsNorm(x, norm, 1e-5f);
            Var mlp = NeuralOps.swiglu(MatrixOps.linear(normed, gate), MatrixOps.linear(normed, up));
            return add(x, MatrixOps.linear(mlp, down));
        }

        Var[] weights() { return new Var[] {norm, gate, up, down}; }
    }

    private static Var leaf(Tensor t, boolean trainable) { return trainable ? Var.param(t) : Var.constant(t); }

    /** Runs two blocks (optionally checkpointed) and back-propagates L = Σ r ⊙ out; returns the loss value. */
    private static float run(Block[] blocks, Var x, Tensor r, boolean checkpoint) {
        Var h = x;
        for (Block block : blocks) h = checkpoint ? Checkpoint.apply(block::apply, h) : block.apply(h);
        Var loss = sum(mul(Var.constant(r), h));
        loss.backward();
        return loss.item();
    }

    @Property(tries = 15)
    void checkpointedGradientsEqualPlainGradients(@ForAll long seed, @ForAll @IntRange(min = 0, max = 5) int tokens,
                                                  @ForAll @IntRange(min = 1, max = 7) int dim, @ForAll @IntRange(min = 1, max = 9) int hidden,
                                                  @ForAll boolean inputTrainable) {
        Autograd.tape().clear();
        Block[] blocks = {Block.random(seed, dim, hidden, true), Block.random(seed + 10, dim, hidden, true)};
        Tensor input = Tensor.uniform(seed + 20, -1, 1, tokens, dim), r = Tensor.uniform(seed + 21, -1, 1, tokens, dim);

        Var plainX = leaf(input, inputTrainable);
        float plainLoss = run(blocks, plainX, r, false);
        float[][] plainGrads = gradsOf(blocks);
        for (Block b : blocks) for (Var w : b.weights()) w.zeroGrad();

        Var checkpointX = leaf(input, inputTrainable);
        float checkpointLoss = run(blocks, checkpointX, r, true);
        float[][] checkpointGrads = gradsOf(blocks);

        assertEquals(plainLoss, checkpointLoss, 0f, "the forward value is the same computation");
        for (int i = 0; i < plainGrads.length; i++) assertArrayEquals(plainGrads[i], checkpointGrads[i], 0f, "weight " + i);
        if (inputTrainable) assertArrayEquals(plainX.grad().toFloatArray(), checkpointX.grad().toFloatArray(), 0f, "input");
        else assertNull(checkpointX.grad());
        assertEquals(0, Autograd.tape().size());
    }

    private static float[][] gradsOf(Block[] blocks) {
        float[][] grads = new float[blocks.length * 4][];
        for (int b = 0; b < blocks.length; b++) {
            Var[] w = blocks[b].weights();
            for (int i = 0; i < 4; i++) grads[b * 4 + i] = w[i].grad().toFloatArray();
        }
        return grads;
    }

    @Test
    void aCheckpointKeepsOneNodeInsteadOfTheBlocksIntermediates() {
        Block block = Block.random(30, 6, 10, true);
        Var x = Var.constant(Tensor.uniform(31, -1, 1, 3, 6));
        block.apply(x);
        int plainNodes = Autograd.tape().size();
        Autograd.tape().clear();
        Var out = Checkpoint.apply(block::apply, x);
        assertEquals(1, Autograd.tape().size(), "only the checkpoint itself is recorded");
        assertTrue(plainNodes > 1);
        assertTrue(out.requiresGrad(), "weights inside need gradients even though the input does not");
    }

    @Test
    void aBlockOfSeveralInputsPassesEachItsGradient() {
        Tensor q = Tensor.uniform(50, -1, 1, 4, 6), k = Tensor.uniform(51, -1, 1, 4, 3), v = Tensor.uniform(52, -1, 1, 4, 3);
        Var w = Var.param(Tensor.uniform(53, -1, 1, 6, 6));
        java.util.function.Function<Var[], Var> attend = in -> MatrixOps.linear(NeuralOps.attention(in[0], in[1], in[2], 2, 1), w);
        Tensor r = Tensor.uniform(54, -1, 1, 4, 6);
        float[][] grads = new float[2][];
        float[][] weightGrads = new float[2][];
        for (int pass = 0; pass < 2; pass++) {
            Var[] in = {Var.param(q), Var.constant(k), Var.param(v)};
            Var out = pass == 0 ? attend.apply(in) : Checkpoint.applyAll(attend, in);
            sum(mul(Var.constant(r), out)).backward();
            assertNull(in[1].grad(), "a frozen input stays without a gradient");
            grads[pass] = concatRows(Var.constant(in[0].grad().reshape(-1)), Var.constant(in[2].grad().reshape(-1))).value().toFloatArray();
            weightGrads[pass] = w.grad().toFloatArray();
            w.zeroGrad();
        }
        assertArrayEquals(grads[0], grads[1], 0f);
        assertArrayEquals(weightGrads[0], weightGrads[1], 0f);
    }

    @Test
    void underNoGradACheckpointIsJustTheBlock() {
        Block block = Block.random(40, 4, 5, true);
        Var x = Var.param(Tensor.uniform(41, -1, 1, 2, 4));
        UnaryOperator<Var> f = block::apply;
        try (var scope = Autograd.noGrad()) {
            Var out = Checkpoint.apply(f, x);
            assertFalse(out.requiresGrad());
            assertEquals(0, Autograd.tape().size());
        }
    }
}
