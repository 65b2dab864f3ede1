package dev.bedside.cli;

import dev.bedside.dpo.data.SftData;
import dev.bedside.dpo.train.SftTrainer;
import dev.bedside.dpo.train.TrainConfig;
import dev.bedside.dpo.train.Trainer;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.model.LlamaModel;
import java.io.PrintStream;

/** {@code bedside sft}: supervised fine-tuning of LoRA adapters on prompt/completion rows (or a preference file's chosen answers). */
final class SftCommand {
    static final String USAGE = "sft " + TrainOptions.COMMON_USAGE;

    private SftCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args args = new Args(argv, TrainOptions.FLAGS);
        TrainOptions options = new TrainOptions(args);
        args.finish();
        if (!args.positional().isEmpty()) throw new UsageException("unexpected argument '" + args.positional().getFirst() + "'");
        try (LlamaModel model = options.loadModel()) {
            TrainConfig config = options.config;
            var loaded = SftData.load(options.data, options.tokenizer(), config.promptTemplateKind(), config.truncation(), config.strict());
            TrainOptions.reportSkipped(loaded.skipped(), options.data, err);
            LoraAdapter adapter = options.adapter(model);
            TrainConfig effective = options.effectiveConfig(adapter);
            options.writeConfig(effective);
            SftTrainer trainer = new SftTrainer(adapter, loaded.examples(), effective, options.out);
            err.println("bedside sft: " + loaded.examples().size() + " examples, " + trainer.totalSteps() + " steps");
            Trainer.Result result = trainer.progress(err).train(options.resume);
            out.println("adapter: " + result.adapterDir() + "  metrics: " + options.out.resolve("metrics.jsonl") + "  last checkpoint: " + result.lastCheckpoint());
        }
        return 0;
    }
}
