package dev.bedside.model.generate;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.autograd.Autograd;
import dev.bedside.model.LlamaConfig;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.RandomWeights;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Greedy generation with a repetition penalty equals a plain loop written here: the whole sequence run again
 * without a cache at every step, every distinct id of prompt and output penalised as transformers does, argmax.
 */
class GeneratorRepetitionPenaltyTest {

    @Test
    void greedyWithPenaltyEqualsAPlainLoop() {
        LlamaConfig config = LlamaConfig.preset("tiny-llama31");
        try (RandomWeights weights = new RandomWeights(config, 5)) {
            LlamaModel model = weights.model(64);
            SplittableRandom random = new SplittableRandom(17);
            int[] prompt = random.ints(9, 0, 12).toArray();   // few distinct ids: repeats within the prompt
            int[][] outputs = new int[3][];
            double[] penalties = {1.0, 1.3, 4.0};
            for (int i = 0; i < penalties.length; i++) {
                outputs[i] = new Generator(model, java.util.Set.of()).generate(prompt, SamplingConfig.greedy(10).withRepetitionPenalty(penalties[i]), id -> {}).tokens();
                assertArrayEquals(plainLoop(model, prompt, 10, penalties[i]), outputs[i], "penalty " + penalties[i]);
            }
            assertFalse(Arrays.equals(outputs[0], outputs[2]), "a strong penalty changes this greedy output (else the test could not see it applied)");
        }
    }

    private static int[] plainLoop(LlamaModel model, int[] prompt, int count, double penalty) {
        int[] sequence = prompt.clone();
        try (var scope = Autograd.noGrad()) {
            for (int step = 0; step < count; step++) {
                float[] logits = model.lastLogits(model.hidden(sequence, model.newCache(sequence.length)));
                for (int id : IntStream.of(sequence).distinct().toArray()) {
                    logits[id] = (float) (logits[id] < 0 ? logits[id] * penalty : logits[id] / penalty);
                }
                int best = 0;
                for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
                sequence = Arrays.copyOf(sequence, sequence.length + 1);
                sequence[sequence.length - 1] = best;
            }
        }
        return Arrays.copyOfRange(sequence, prompt.length, sequence.length);
    }
}
