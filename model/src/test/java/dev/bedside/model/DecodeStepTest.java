package dev.bedside.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.autograd.Autograd;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A batched decode step over sequences of different lengths gives each sequence the logits its own
 * single-sequence forward gives (the path the float64 reference checks), and advances each cache by one.
 */
class DecodeStepTest {

    @Test
    void randomWeightsAllBatchSizes() {
        LlamaConfig config = LlamaConfig.preset("tiny-llama31");
        try (RandomWeights weights = new RandomWeights(config, 11)) {
            LlamaModel model = weights.model(64);
            for (int batch : new int[] {1, 2, 3, 9}) checkAgainstOneByOne(model, batch, 100 + batch);
        }
    }

    @Test
    void bf16FixtureModelAllKernelPaths() throws Exception {
        try (LlamaModel model = LlamaModel.load(Fixtures.tinyHf(), 64)) {
            // 1 row: the decode kernel; 2-7 rows: widened panels; 8 and more: the blocked GEMM.
            for (int batch : new int[] {1, 5, 8}) checkAgainstOneByOne(model, batch, 200 + batch);
        }
    }

    private static void checkAgainstOneByOne(LlamaModel model, int batch, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int vocab = model.config().vocabSize();
        try (var scope = Autograd.noGrad()) {
            KvCache[] batched = new KvCache[batch], single = new KvCache[batch];
            int[] next = new int[batch];
            for (int b = 0; b < batch; b++) {
                int[] prompt = random.ints(1 + random.nextInt(12), 0, vocab).toArray();   // lengths differ per sequence
                batched[b] = model.newCache(32);
                single[b] = model.newCache(32);
                model.hidden(prompt, batched[b]);
                model.hidden(prompt, single[b]);
                next[b] = random.nextInt(vocab);
            }
            for (int step = 0; step < 3; step++) {
                float[][] rows = model.decodeStep(next, batched);
                assertEquals(batch, rows.length);
                for (int b = 0; b < batch; b++) {
                    float[] want = model.lastLogits(model.hidden(new int[] {next[b]}, single[b]));
                    assertEquals(single[b].length(), batched[b].length(), "cache length of sequence " + b);
                    double scale = 0;
                    for (float v : want) scale = Math.max(scale, Math.abs(v));
                    for (int i = 0; i < vocab; i++) {
                        assertEquals(want[i], rows[b][i], 1e-5 * scale + 1e-6, "batch " + batch + " sequence " + b + " step " + step + " logit " + i);
                    }
                    next[b] = random.nextInt(vocab);
                }
            }
            assertEquals(0, Autograd.tape().size());
        }
    }

    @Test
    void refusesMismatchedInputs() {
        LlamaConfig config = LlamaConfig.preset("tiny-llama31");
        try (RandomWeights weights = new RandomWeights(config, 1); var scope = Autograd.noGrad()) {
            LlamaModel model = weights.model(8);
            assertThrows(IllegalArgumentException.class, () -> model.decodeStep(new int[] {1, 2}, new KvCache[] {model.newCache(8)}));
            KvCache full = model.newCache(8);
            model.hidden(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, full);
            assertThrows(IllegalArgumentException.class, () -> model.decodeStep(new int[] {1}, new KvCache[] {full}));
        }
    }
}
