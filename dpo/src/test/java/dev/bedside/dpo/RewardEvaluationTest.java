package dev.bedside.dpo;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.autograd.Autograd;
import dev.bedside.dpo.data.PreferencePair;
import dev.bedside.dpo.data.Sequence;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.lora.LoraConfig;
import dev.bedside.model.LlamaModel;
import dev.bedside.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Held-out reward metrics against a definition written out here: log-probs from log-softmax of the full logits in
 * double, with the adapter on and off, then rewards β·(policy − reference), accuracy, margin and the sigmoid loss.
 */
class RewardEvaluationTest {
    private static final double BETA = 0.1;

    private static List<PreferencePair> randomPairs(int n, SplittableRandom random) {
        List<PreferencePair> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] prompt = random.ints(2 + random.nextInt(4), 0, 128000).toArray();
            pairs.add(new PreferencePair(i + 1, new Sequence(prompt, random.ints(1 + random.nextInt(5), 0, 128000).toArray()),
                    new Sequence(prompt, random.ints(1 + random.nextInt(5), 0, 128000).toArray())));
        }
        return pairs;
    }

    /** Σ log softmax(logits[t − 1])[ids[t]] over the completion, from the full [T, V] logits, in double. */
    private static double fullLogProb(LlamaModel model, Sequence s) {
        int[] ids = new int[s.length()];
        System.arraycopy(s.prompt(), 0, ids, 0, s.prompt().length);
        System.arraycopy(s.completion(), 0, ids, s.prompt().length, s.completion().length);
        try (var scope = Autograd.noGrad()) {
            float[] logits = model.logits(model.hidden(ids, null)).value().toFloatArray();
            int vocab = model.config().vocabSize();
            double total = 0;
            for (int t = s.prompt().length; t < ids.length; t++) {
                int row = (t - 1) * vocab;
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < vocab; j++) max = Math.max(max, logits[row + j]);
                for (int j = 0; j < vocab; j++) sum += Math.exp(logits[row + j] - max);
                total += logits[row + ids[t]] - max - Math.log(sum);
            }
            return total;
        }
    }

    @Test
    void matchesRewardsWrittenOut() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        List<PreferencePair> pairs = randomPairs(5, random);
        try (LlamaModel model = LlamaModel.load(Shared.tinyModel(), 64)) {
            // dropout 0.5: the evaluation must switch it off, or two calls would differ
            LoraAdapter adapter = LoraAdapter.attach(model, new LoraConfig(4, 8, 0.5, List.of("q_proj", "v_proj", "o_proj"), false, null), 5);
            for (var p : adapter.parameters().values()) {   // non-zero B and A, so the adapter changes the model
                Tensor t = p.value();
                int rows = t.dim(0), cols = t.dim(1);
                for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t.set((float) random.nextDouble(-0.5, 0.5), i, j);
            }
            double[] rc = new double[pairs.size()], rr = new double[pairs.size()], pc = new double[pairs.size()], pr = new double[pairs.size()];
            adapter.setEnabled(false);
            for (int i = 0; i < pairs.size(); i++) { rc[i] = fullLogProb(model, pairs.get(i).chosen()); rr[i] = fullLogProb(model, pairs.get(i).rejected()); }
            adapter.setEnabled(true);
            for (int i = 0; i < pairs.size(); i++) { pc[i] = fullLogProb(model, pairs.get(i).chosen()); pr[i] = fullLogProb(model, pairs.get(i).rejected()); }
            double accuracy = 0, margin = 0, loss = 0;
            for (int i = 0; i < pairs.size(); i++) {
                double chosen = BETA * (pc[i] - rc[i]), rejected = BETA * (pr[i] - rr[i]);
                accuracy += chosen > rejected ? 1 : 0;
                margin += chosen - rejected;
                loss += Math.log1p(Math.exp(-(chosen - rejected)));   // −log σ(βΔ)
            }
            int n = pairs.size();
            assertTrue(accuracy > 0 && accuracy < n, "the random adapter should get some pairs right and some wrong: " + accuracy);

            adapter.setTraining(true);
            Map<String, Double> got = RewardEvaluation.evaluate(adapter, pairs, new DpoLoss(DpoLoss.Type.SIGMOID, BETA, 0));
            assertEquals(accuracy / n, got.get("eval/rewards/accuracies"), 1e-12);
            assertEquals(margin / n, got.get("eval/rewards/margins"), 1e-3 * (1 + Math.abs(margin / n)));
            assertEquals(loss / n, got.get("eval/loss"), 1e-4);
            assertTrue(adapter.isTraining() && adapter.isEnabled(), "training mode and the adapter switch are restored");
            assertEquals(got, RewardEvaluation.evaluate(adapter, pairs, new DpoLoss(DpoLoss.Type.SIGMOID, BETA, 0)), "no dropout during evaluation");
            adapter.detach();
        }
    }

    @Test
    void freshAdapterHasNoPreference() throws Exception {
        List<PreferencePair> pairs = randomPairs(3, new SplittableRandom(4));
        try (LlamaModel model = LlamaModel.load(Shared.tinyModel(), 64)) {
            LoraAdapter adapter = LoraAdapter.attach(model, LoraConfig.PAPER, 1);   // B = 0: policy = reference
            Map<String, Double> got = RewardEvaluation.evaluate(adapter, pairs, new DpoLoss(DpoLoss.Type.SIGMOID, BETA, 0));
            assertEquals(0.0, got.get("eval/rewards/accuracies"));
            assertEquals(0.0, got.get("eval/rewards/margins"));
            assertEquals(Math.log(2), got.get("eval/loss"), 1e-6);
            var empty = assertThrows(IllegalArgumentException.class, () -> RewardEvaluation.evaluate(adapter, List.of(), new DpoLoss(DpoLoss.Type.SIGMOID, BETA, 0)));
            assertTrue(empty.getMessage().contains("no preference pairs"), empty.getMessage());
        }
    }
}
