package dev.bedside.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.dpo.data.RowProblem;
import dev.bedside.dpo.train.TrainConfig;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.lora.LoraConfig;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.tokenizer.Tokenizer;
import dev.bedside.model.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The options {@code bedside dpo} and {@code bedside sft} share: model, data, output, LoRA, optimizer, schedule,
 * lengths, seeds, checkpoints. They fill a {@link TrainConfig} (optionally starting from {@code --config FILE},
 * a JSON file with TrainConfig's snake_case fields); anything not given keeps the config's default.
 */
final class TrainOptions {
    static final Set<String> FLAGS = Set.of("resume", "precompute-ref", "strict", "no-gradient-checkpointing");
    static final String COMMON_USAGE = "--model PATH --data FILE --out DIR [--config FILE] [--adapter-init DIR] [--quant none|nf4|q4_0|q8_0]"
            + " [--lora-r R --lora-alpha A --lora-dropout D --lora-targets q_proj,k_proj,...] [--optimizer adamw|sgd] [--lr LR]"
            + " [--weight-decay W] [--lr-scheduler linear|cosine|constant] [--warmup-steps N | --warmup-ratio F] [--max-grad-norm N]"
            + " [--epochs E | --steps S] [--batch-size B] [--grad-accum G] [--max-length L] [--max-prompt-length P]"
            + " [--truncation-mode keep_start|keep_end] [--prompt-template none|paper] [--seed S] [--save-steps N] [--resume] [--strict]"
            + " [--no-gradient-checkpointing]";

    final Path model, data, out, adapterInit;
    final String quant;
    final boolean resume;
    final TrainConfig config;

    TrainOptions(Args args) throws IOException {
        model = Path.of(args.required("model"));
        data = Path.of(args.required("data"));
        out = Path.of(args.required("out"));
        String init = args.string("adapter-init", null);
        adapterInit = init == null ? null : Path.of(init);
        quant = args.string("quant", "none");
        resume = args.flag("resume");
        String configFile = args.string("config", null);
        ObjectNode json = configFile == null ? TrainConfig.json().createObjectNode() : (ObjectNode) TrainConfig.json().readTree(Path.of(configFile).toFile());
        put(json, args, "loss", "loss_type");
        number(json, args, "beta", "beta");
        number(json, args, "label-smoothing", "label_smoothing");
        number(json, args, "rpo-alpha", "rpo_alpha");
        integer(json, args, "lora-r", "lora_r");
        number(json, args, "lora-alpha", "lora_alpha");
        number(json, args, "lora-dropout", "lora_dropout");
        String targets = args.string("lora-targets", null);
        if (targets != null) {
            var list = json.putArray("lora_target_modules");
            Arrays.stream(targets.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(list::add);
        }
        put(json, args, "optimizer", "optimizer");
        number(json, args, "lr", "learning_rate");
        number(json, args, "weight-decay", "weight_decay");
        put(json, args, "lr-scheduler", "lr_scheduler_type");
        integer(json, args, "warmup-steps", "warmup_steps");
        number(json, args, "warmup-ratio", "warmup_ratio");
        number(json, args, "max-grad-norm", "max_grad_norm");
        integer(json, args, "epochs", "num_train_epochs");
        integer(json, args, "steps", "max_steps");
        integer(json, args, "batch-size", "batch_size");
        integer(json, args, "grad-accum", "gradient_accumulation_steps");
        integer(json, args, "max-length", "max_length");
        integer(json, args, "max-prompt-length", "max_prompt_length");
        put(json, args, "truncation-mode", "truncation_mode");
        put(json, args, "prompt-template", "prompt_template");
        integer(json, args, "seed", "seed");
        integer(json, args, "save-steps", "save_steps");
        if (args.flag("precompute-ref")) json.put("precompute_ref_log_probs", true);
        if (args.flag("strict")) json.put("strict", true);
        if (args.flag("no-gradient-checkpointing")) json.put("gradient_checkpointing", false);
        if (args.has("steps") && args.has("epochs")) throw new UsageException("give --epochs or --steps, not both");
        if (args.has("steps")) json.remove("num_train_epochs");
        if (args.has("epochs")) json.remove("max_steps");   // the command line wins over a --config file
        try {
            config = TrainConfig.json().treeToValue(json, TrainConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new UsageException(e.getMessage().lines().findFirst().orElse("bad training options"));
        }
        if (!List.of("none", "nf4", "q4_0", "q8_0").contains(quant)) throw new UsageException("--quant expects none, nf4, q4_0 or q8_0, got '" + quant + "'");
    }

    private static void put(ObjectNode json, Args args, String option, String field) {
        String v = args.string(option, null);
        if (v != null) json.put(field, v);
    }

    private static void number(ObjectNode json, Args args, String option, String field) {
        if (args.has(option)) json.put(field, args.number(option, 0));
    }

    private static void integer(ObjectNode json, Args args, String option, String field) {
        if (args.has(option)) json.put(field, args.integer(option, 0));
    }

    /** The base model, in 4-bit or 8-bit blocks when --quant asks for it; context long enough for max length. */
    LlamaModel loadModel() throws IOException {
        int context = config.maxLength() > 0 ? config.maxLength() : LlamaModel.DEFAULT_CONTEXT;
        return DpoModels.load(model, quant, context);
    }

    Tokenizer tokenizer() throws IOException { return Tokenizers.load(model); }

    /** A fresh adapter from the config, or the one in --adapter-init (whose LoRA settings then apply). */
    LoraAdapter adapter(LlamaModel m) throws IOException {
        if (adapterInit != null) return LoraAdapter.load(m, adapterInit, config.seed());
        return LoraAdapter.attach(m, config.lora().withBaseModel(model.toAbsolutePath().toString()), config.seed());
    }

    /** The run's config with the LoRA values of the adapter actually trained. */
    TrainConfig effectiveConfig(LoraAdapter adapter) {
        LoraConfig lora = adapter.config();
        ObjectNode json = TrainConfig.json().valueToTree(config);
        json.put("lora_r", lora.r());
        json.put("lora_alpha", lora.alpha());
        json.put("lora_dropout", lora.dropout());
        var list = json.putArray("lora_target_modules");
        lora.targetModules().forEach(list::add);
        return TrainConfig.json().convertValue(json, TrainConfig.class);
    }

    static void reportSkipped(List<RowProblem> skipped, Path data, PrintStream err) {
        if (skipped.isEmpty()) return;
        err.println("bedside: skipped " + skipped.size() + " bad row(s) of " + data + " (use --strict to stop at the first):");
        skipped.stream().limit(20).forEach(p -> err.println("  " + p));
        if (skipped.size() > 20) err.println("  ... and " + (skipped.size() - 20) + " more");
    }

    void writeConfig(TrainConfig effective) throws IOException {
        Files.createDirectories(out);
        Files.write(out.resolve("train_config.json"), TrainConfig.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(effective));
    }
}
