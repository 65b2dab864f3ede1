package dev.bedside.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.BasicOps;
import dev.bedside.autograd.MatrixOps;
import dev.bedside.autograd.Var;
import dev.bedside.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Activation checkpointing per block must not change the forward values or any gradient: compared with the
 * same model run without it. Trainable weights sit inside the blocks (a q projection with a Var weight), so
 * the gradients can only arrive through the recomputation during backward.
 */
class BlockCheckpointTest {

    /** y = x · Wᵀ with a trainable copy of the frozen weight. */
    record Trainable(Var matrix) implements Projection {
        public Var apply(Var x) { return MatrixOps.linear(x, matrix); }
        public Tensor weight() { return matrix.value(); }
    }

    @Test
    void checkpointedBlocksGiveTheSameLossAndGradients() {
        LlamaConfig config = LlamaConfig.preset("tiny-llama31");
        try (RandomWeights weights = new RandomWeights(config, 3)) {
            LlamaModel model = weights.model(64);
            Var[] trainable = new Var[model.blocks().size()];
            for (int i = 0; i < trainable.length; i++) {
                LlamaModel.Block block = model.blocks().get(i);
                trainable[i] = Var.param(Tensor.of(block.q.weight().toFloatArray(), block.q.weight().shape()));
                block.q = new Trainable(trainable[i]);
            }
            int[] ids = new SplittableRandom(5).ints(13, 0, config.vocabSize()).toArray();

            float plainLoss = lossAndBackward(model, ids, false);
            float[][] plainGrads = new float[trainable.length][];
            for (int i = 0; i < trainable.length; i++) {
                plainGrads[i] = trainable[i].grad().toFloatArray();
                trainable[i].zeroGrad();
            }
            float checkpointedLoss = lossAndBackward(model, ids, true);
            assertEquals(plainLoss, checkpointedLoss, 0f, "checkpointing changed the forward value");
            for (int i = 0; i < trainable.length; i++) {
                float[] g = trainable[i].grad().toFloatArray();
                double norm = 0;
                for (float v : g) norm += v * v;
                assertTrue(norm > 0, "block " + i + " got no gradient through the checkpoint");
                assertArrayEquals(plainGrads[i], g, 1e-6f * (float) Math.sqrt(norm), "block " + i + " q gradient");
            }
            assertEquals(0, Autograd.tape().size(), "tape left non-empty");
        }
    }

    private static float lossAndBackward(LlamaModel model, int[] ids, boolean checkpoint) {
        model.setCheckpointBlocks(checkpoint);
        Var hidden = model.hidden(ids, null);
        Var loss = BasicOps.mean(BasicOps.square(hidden));
        loss.backward();
        return loss.item();
    }
}
