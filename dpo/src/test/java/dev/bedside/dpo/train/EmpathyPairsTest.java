package dev.bedside.dpo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.dpo.SequenceLogProbs;
import dev.bedside.dpo.Shared;
import dev.bedside.dpo.data.PreferenceData;
import dev.bedside.dpo.data.PreferencePair;
import dev.bedside.dpo.data.PromptTemplate;
import dev.bedside.dpo.data.Truncation;
import dev.bedside.autograd.Autograd;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.tokenizer.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short DPO run on the paper's own pairs (read in place) with the tiny random fixture model: training reward
 * accuracy must rise from 0 (step 1: the adapter starts as the identity, so every reward is 0) to most pairs.
 * Held-out pairs are measured and printed only: a 64-wide random model is not expected to generalise.
 */
class EmpathyPairsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void shortRunRaisesTrainingRewardAccuracy() throws Exception {
        Path data = Shared.empathyPairs();
        Path tiny = Shared.tinyModel();
        List<String> lines = Files.readAllLines(data);
        Path train = temp.resolve("train.jsonl"), heldOut = temp.resolve("held-out.jsonl");
        Files.write(train, lines.subList(0, 4));        // a temporary slice, never stored in the repository
        Files.write(heldOut, lines.subList(100, 104));
        Truncation truncation = new Truncation(32, null, Truncation.Mode.KEEP_START);
        var tokenizer = Tokenizers.load(tiny);
        List<PreferencePair> pairs = PreferenceData.load(train, tokenizer, PromptTemplate.NONE, truncation, true).pairs();
        List<PreferencePair> others = PreferenceData.load(heldOut, tokenizer, PromptTemplate.NONE, truncation, true).pairs();
        TrainConfig config = new TrainConfig("sigmoid", 0.1, 0.0, 8, 16.0, 0.0, null, "adamw", 2e-2, null, "constant", null, null, null,
                null, 4, 4, 1, 32, null, null, null, false, 42L, 100, true, true, null);
        Path out = temp.resolve("run");
        try (LlamaModel model = LlamaModel.load(tiny, 128)) {
            LoraAdapter adapter = LoraAdapter.attach(model, config.lora(), 42);
            double heldOutBefore = 0;   // B starts at 0: every margin is exactly 0, no pair counts as right
            new DpoTrainer(adapter, pairs, config, out).train(false);
            double trainAfter = accuracy(adapter, pairs), heldOutAfter = accuracy(adapter, others);
            List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
            JsonNode first = JSON.readTree(metrics.getFirst()), last = JSON.readTree(metrics.getLast());
            System.out.printf("empathy pairs, tiny model: training accuracy %.2f → %.2f (after training: %.2f), margin %.4f → %.4f;"
                            + " held-out accuracy %.2f → %.2f%n", first.get("rewards/accuracies").asDouble(), last.get("rewards/accuracies").asDouble(),
                    trainAfter, first.get("rewards/margins").asDouble(), last.get("rewards/margins").asDouble(), heldOutBefore, heldOutAfter);
            assertEquals(0.0, first.get("rewards/accuracies").asDouble());
            assertTrue(trainAfter >= 0.75, "training reward accuracy after 4 steps: " + trainAfter);
            assertTrue(last.get("rewards/margins").asDouble() > first.get("rewards/margins").asDouble());
            assertTrue(last.get("loss").asDouble() < Math.log(2));
        }
    }

    /** The share of pairs whose implicit reward prefers the chosen answer: (pc − rc) > (pr − rr). */
    private static double accuracy(LoraAdapter adapter, List<PreferencePair> pairs) {
        int right = 0;
        for (PreferencePair p : pairs) {
            double rc = SequenceLogProbs.reference(adapter, p.chosen().prompt(), p.chosen().completion());
            double rr = SequenceLogProbs.reference(adapter, p.rejected().prompt(), p.rejected().completion());
            double pc, pr;
            try (var scope = Autograd.noGrad()) {
                pc = SequenceLogProbs.of(adapter.model(), p.chosen().prompt(), p.chosen().completion()).item();
                pr = SequenceLogProbs.of(adapter.model(), p.rejected().prompt(), p.rejected().completion()).item();
            }
            if (pc - rc > pr - rr) right++;
        }
        return (double) right / pairs.size();
    }
}
