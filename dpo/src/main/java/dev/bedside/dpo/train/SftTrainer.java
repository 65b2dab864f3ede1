package dev.bedside.dpo.train;

import dev.bedside.autograd.BasicOps;
import dev.bedside.autograd.Var;
import dev.bedside.dpo.SequenceLogProbs;
import dev.bedside.dpo.data.SftData;
import dev.bedside.lora.LoraAdapter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Supervised fine-tuning on LoRA adapters: cross-entropy on completion tokens only (TRL's SFTTrainer with
 * completion-only loss), averaged over all completion tokens of an optimizer step, so long and short
 * completions weigh by their tokens, as TRL does with gradient accumulation.
 */
public class SftTrainer extends Trainer {
    private final List<SftData.Example> examples;

    public SftTrainer(LoraAdapter adapter, List<SftData.Example> examples, TrainConfig config, Path outDir) {
        super(adapter, config, outDir);
        if (examples.isEmpty()) throw new IllegalArgumentException("SftTrainer: no examples");
        this.examples = List.copyOf(examples);
    }

    @Override
    protected int size() { return examples.size(); }

    @Override
    protected String kind() { return "sft"; }

    @Override
    protected MicroBatch run(int[] micro, int[] step) {
        long stepTokens = 0;
        for (int i : step) stepTokens += examples.get(i).sequence().completion().length;
        Var total = null;
        long tokens = 0, completionTokens = 0;
        for (int i : micro) {
            var s = examples.get(i).sequence();
            Var logp = SequenceLogProbs.of(model, s.prompt(), s.completion());
            total = total == null ? logp : BasicOps.add(total, logp);
            tokens += s.length();
            completionTokens += s.completion().length;
        }
        Var loss = BasicOps.scale(total, (float) (-1.0 / stepTokens));
        double value = loss.item();
        if (Double.isFinite(value)) loss.backward();
        return new MicroBatch(value, Map.of("num_tokens", (double) completionTokens), tokens);
    }
}
