package dev.bedside.dpo;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.autograd.Autograd;
import dev.bedside.model.LlamaModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The fused completion log-prob against log-softmax of the full logits, computed in double. */
class SequenceLogProbsTest {

    @Test
    void matchesFullLogSoftmax() throws Exception {
        Path dir = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures", "tiny-llama31");
        Assumptions.assumeTrue(Files.isDirectory(dir), "../shared/fixtures/tiny-llama31 absent: skipping sequence log-probs");
        int[] prompt = {128000, 9906, 1917, 11}, completion = {1268, 527, 499, 3815, 30, 128009};
        int[] ids = new int[prompt.length + completion.length];
        System.arraycopy(prompt, 0, ids, 0, prompt.length);
        System.arraycopy(completion, 0, ids, prompt.length, completion.length);
        try (LlamaModel model = LlamaModel.load(dir); var scope = Autograd.noGrad()) {
            float[] logits = model.logits(model.hidden(ids, null)).value().toFloatArray();   // [T, V], fine for a tiny model
            int vocab = model.config().vocabSize();
            double want = 0;
            double[] perToken = new double[completion.length];
            for (int c = 0; c < completion.length; c++) {
                int row = prompt.length - 1 + c;   // row t predicts ids[t + 1]
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < vocab; j++) max = Math.max(max, logits[row * vocab + j]);
                for (int j = 0; j < vocab; j++) sum += Math.exp(logits[row * vocab + j] - max);
                perToken[c] = logits[row * vocab + completion[c]] - max - Math.log(sum);
                want += perToken[c];
            }
            float[] got = SequenceLogProbs.perToken(model, prompt, completion).value().toFloatArray();
            for (int c = 0; c < completion.length; c++) assertEquals(perToken[c], got[c], 1e-5, "completion token " + c);
            assertEquals(want, SequenceLogProbs.of(model, prompt, completion).item(), 1e-4);

            var empty = assertThrows(IllegalArgumentException.class, () -> SequenceLogProbs.of(model, new int[0], completion));
            assertTrue(empty.getMessage().contains("empty prompt"), empty.getMessage());
            assertThrows(IllegalArgumentException.class, () -> SequenceLogProbs.of(model, prompt, new int[0]));
        }
    }
}
