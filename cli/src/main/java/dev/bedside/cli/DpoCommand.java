package dev.bedside.cli;

import dev.bedside.dpo.data.PreferenceData;
import dev.bedside.dpo.train.DpoTrainer;
import dev.bedside.dpo.train.TrainConfig;
import dev.bedside.dpo.train.Trainer;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.model.LlamaModel;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code bedside dpo}: DPO with LoRA adapters on a frozen (optionally 4-bit) base model, writing
 * {@code OUT/adapter/} (PEFT format), {@code OUT/metrics.jsonl}, {@code OUT/checkpoints/} and {@code OUT/train_config.json}.
 * With {@code --eval-data FILE}, held-out pairs' reward accuracy and margin go to metrics.jsonl before and after training.
 */
final class DpoCommand {
    static final String USAGE = "dpo " + TrainOptions.COMMON_USAGE + " [--loss sigmoid|ipo|hinge|robust] [--beta B] [--label-smoothing E] [--rpo-alpha A]"
            + " [--precompute-ref] [--eval-data FILE]";

    private DpoCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args args = new Args(argv, TrainOptions.FLAGS);
        TrainOptions options = new TrainOptions(args);
        String evalData = args.string("eval-data", null);
        args.finish();
        if (!args.positional().isEmpty()) throw new UsageException("unexpected argument '" + args.positional().getFirst() + "'");
        try (LlamaModel model = options.loadModel()) {
            TrainConfig config = options.config;
            var loaded = PreferenceData.load(options.data, options.tokenizer(), config.promptTemplateKind(), config.truncation(), config.strict());
            TrainOptions.reportSkipped(loaded.skipped(), options.data, err);
            LoraAdapter adapter = options.adapter(model);
            TrainConfig effective = options.effectiveConfig(adapter);
            options.writeConfig(effective);
            DpoTrainer trainer = new DpoTrainer(adapter, loaded.pairs(), effective, options.out);
            if (evalData != null) {   // held-out pairs: eval/rewards/accuracies and margins before training and at the end
                var held = PreferenceData.load(Path.of(evalData), options.tokenizer(), config.promptTemplateKind(), config.truncation(), config.strict());
                TrainOptions.reportSkipped(held.skipped(), Path.of(evalData), err);
                if (held.pairs().isEmpty()) throw new UsageException("--eval-data " + evalData + " holds no usable pairs");
                trainer.evaluateOn(held.pairs());
                err.println("bedside dpo: evaluating on " + held.pairs().size() + " held-out pairs from " + evalData);
            }
            err.println("bedside dpo: " + loaded.pairs().size() + " pairs, " + trainer.totalSteps() + " steps of "
                    + effective.batchSize() + "×" + effective.gradientAccumulationSteps() + " pairs, LoRA r " + adapter.config().r()
                    + " on " + adapter.config().targetModules() + " (" + adapter.parameters().values().stream().mapToLong(v -> v.numel()).sum() + " parameters)");
            Trainer.Result result = trainer.progress(err).train(options.resume);
            out.println("adapter: " + result.adapterDir() + "  metrics: " + options.out.resolve("metrics.jsonl") + "  last checkpoint: " + result.lastCheckpoint());
        }
        return 0;
    }
}
