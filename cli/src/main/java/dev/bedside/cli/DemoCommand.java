package dev.bedside.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.dpo.RewardEvaluation;
import dev.bedside.dpo.data.ChatPairs;
import dev.bedside.dpo.data.PreferencePair;
import dev.bedside.dpo.train.DpoTrainer;
import dev.bedside.dpo.train.TrainConfig;
import dev.bedside.eval.run.ActiveMetric;
import dev.bedside.eval.run.EvalResults;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.lora.LoraConfig;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.tokenizer.ChatFormat;
import dev.bedside.model.tokenizer.Tokenizer;
import dev.bedside.model.tokenizer.Tokenizers;
import dev.bedside.quant.QuantizedModels;
import dev.bedside.tensor.DType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code bedside demo}: the main job end to end on the bundled model and data.
 * <ol>
 *   <li>load the bundled model in NF4 (double-quantized constants, as bitsandbytes) and attach LoRA adapters
 *       (r 32, alpha 64, dropout 0.05 on q, k, v, o: the paper's settings, which fit the tiny model as they are);</li>
 *   <li>baseline: greedy answers to held-out questions with the adapter off, and the held-out reward accuracy and
 *       margin ({@link RewardEvaluation});</li>
 *   <li>DPO with the sigmoid loss, β 0.1, plus the NLL of the chosen answers (TRL's rpo_alpha, α 1) ({@link DpoTrainer});</li>
 *   <li>the same with the adapter on; both answer sets scored by {@code bedside eval}'s runner and metrics
 *       ({@link DemoEvaluation}); a before/after table in the terminal and everything under --out: summary.json,
 *       table.txt, answers_before.jsonl, answers_after.jsonl, demo_config.json, report/ (the eval reports: summary
 *       with bootstrap intervals, per-metric CSV, Markdown, HTML, LaTeX) and dpo/ (metrics.jsonl, the PEFT adapter).</li>
 * </ol>
 */
final class DemoCommand {
    static final String USAGE = "demo [--out DIR (demo-output)] [--model DIR] [--train FILE] [--heldout FILE] [--steps N] [--questions N]"
            + " [--eval-pairs N] [--max-new-tokens N] [--lr LR] [--rpo-alpha A] [--seed S]";
    static final String BUNDLED_MODEL = "models/caregiver-tiny";
    static final String BUNDLED_TRAIN = "models/caregiver-tiny/data/train.jsonl", BUNDLED_HELDOUT = "models/caregiver-tiny/data/held-out.jsonl";
    /** The two systems' names in the report. */
    static final String BEFORE = "base", AFTER = "base+dpo";
    /**
     * TRL's rpo_alpha: DPO plus α times the chosen answers' NLL per token. Plain DPO (α 0) pushes the rejected
     * answers down faster than it keeps the chosen ones likely, and the tiny model's answers fall into repetition.
     */
    static final double RPO_ALPHA = 1.0;

    private DemoCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        long start = System.nanoTime();
        Args args = new Args(argv, Set.of());
        Path outDir = Path.of(args.string("out", "demo-output"));
        Path modelDir = bundled(args.string("model", null), BUNDLED_MODEL);
        Path trainFile = bundled(args.string("train", null), BUNDLED_TRAIN);
        Path heldoutFile = bundled(args.string("heldout", null), BUNDLED_HELDOUT);
        int steps = args.integer("steps", 120), questions = args.integer("questions", 16), evalPairs = args.integer("eval-pairs", 48);
        int maxNewTokens = args.integer("max-new-tokens", 80), maxLength = args.integer("max-length", 160);
        int batchSize = args.integer("batch-size", 4);
        double lr = args.number("lr", 1e-3), rpoAlpha = args.number("rpo-alpha", RPO_ALPHA);
        long seed = args.integer("seed", 42);
        args.finish();

        Tokenizer tokenizer = Tokenizers.load(modelDir);
        ChatFormat chat = new ChatFormat(tokenizer);
        List<ChatPairs.Row> trainRows = ChatPairs.read(trainFile), heldoutRows = ChatPairs.read(heldoutFile);
        List<PreferencePair> trainPairs = trainRows.stream().map(r -> ChatPairs.pair(chat, r, maxLength)).toList();
        List<ChatPairs.Row> evalRows = spread(heldoutRows, evalPairs);
        List<PreferencePair> heldoutPairs = evalRows.stream().map(r -> ChatPairs.pair(chat, r, maxLength)).toList();
        List<ChatPairs.Row> questionRows = spread(heldoutRows, questions);
        prepare(outDir);

        TrainConfig config = trainConfig(steps, batchSize, lr, rpoAlpha, maxLength, seed);
        try (LlamaModel model = QuantizedModels.load(modelDir, new QuantizedModels.Options(DType.NF4, true, false), maxLength + maxNewTokens + 32)) {
            LoraAdapter adapter = LoraAdapter.attach(model, config.lora().withBaseModel(modelDir.toString()), seed);
            err.printf("bedside demo: %s in NF4, LoRA r %d alpha %.0f dropout %.2f on %s; %d training pairs, %d held-out pairs, %d held-out questions%n",
                    modelDir, adapter.config().r(), adapter.config().alpha(), adapter.config().dropout(), adapter.config().targetModules(),
                    trainPairs.size(), heldoutPairs.size(), questionRows.size());
            DemoEvaluation evaluation = new DemoEvaluation(model, tokenizer, chat, maxNewTokens, err);

            adapter.setEnabled(false);
            List<String> before = evaluation.answers("before", questionRows);
            adapter.setEnabled(true);
            err.println("bedside demo: held-out reward accuracy and margin before training (" + heldoutPairs.size() + " pairs)");
            Map<String, Double> rewardsBefore = RewardEvaluation.evaluate(adapter, heldoutPairs, config.loss());

            DpoTrainer trainer = new DpoTrainer(adapter, trainPairs, config, outDir.resolve("dpo"));
            err.printf("bedside demo: DPO, sigmoid loss, β %.2f, RPO α %.2f, %d steps of %d pairs, lr %.1e%n", config.beta(), config.rpoAlpha(),
                    trainer.totalSteps(), config.batchSize() * config.gradientAccumulationSteps(), config.learningRate());
            trainer.progress(err).train(false);

            List<String> after = evaluation.answers("after", questionRows);
            err.println("bedside demo: held-out reward accuracy and margin after training");
            Map<String, Double> rewardsAfter = RewardEvaluation.evaluate(adapter, heldoutPairs, config.loss());

            Map<String, List<String>> answers = new LinkedHashMap<>();
            answers.put(BEFORE, before);
            answers.put(AFTER, after);
            Map<String, ActiveMetric> metrics = DemoEvaluation.metrics();
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("data", heldoutFile.toString());
            settings.put("model", modelDir.toString());
            settings.put("max_new_tokens", maxNewTokens);
            settings.put("sampling", "greedy");
            EvalResults results = DemoEvaluation.report(outDir.resolve("report"), questionRows, answers, metrics, seed, settings, err);
            double seconds = (System.nanoTime() - start) / 1e9;

            Map<String, Double> summary = new LinkedHashMap<>();
            summary.put("reward_accuracy_before", rewardsBefore.get("eval/rewards/accuracies"));
            summary.put("reward_accuracy_after", rewardsAfter.get("eval/rewards/accuracies"));
            summary.put("reward_margin_before", rewardsBefore.get("eval/rewards/margins"));
            summary.put("reward_margin_after", rewardsAfter.get("eval/rewards/margins"));
            for (String key : DemoEvaluation.SUMMARY_METRICS.keySet()) {
                summary.put(key + "_before", DemoEvaluation.mean(results, BEFORE, metrics.get(key)));
                summary.put(key + "_after", DemoEvaluation.mean(results, AFTER, metrics.get(key)));
            }
            summary.put("seconds", (double) Math.round(seconds * 10) / 10);
            DemoReport.write(outDir, summary, before, after, questionRows, metrics, results, config, trainPairs.size(), heldoutPairs.size());
            String table = DemoReport.table(summary, before, after, questionRows);
            out.print(table);
            Files.writeString(outDir.resolve("table.txt"), table);
            out.println("report: " + outDir.toAbsolutePath());
        }
        return 0;
    }

    /** DPO settings for the demo: the paper's loss, β and LoRA; steps, batch and learning rate sized for minutes on 2 cores. */
    static TrainConfig trainConfig(int steps, int batchSize, double lr, double rpoAlpha, int maxLength, long seed) {
        ObjectNode json = TrainConfig.json().createObjectNode();
        json.put("loss_type", "sigmoid");
        json.put("beta", TrainConfig.PAPER_BETA);
        json.put("lora_r", LoraConfig.PAPER.r());
        json.put("lora_alpha", LoraConfig.PAPER.alpha());
        json.put("lora_dropout", LoraConfig.PAPER.dropout());
        json.put("rpo_alpha", rpoAlpha);
        json.put("learning_rate", lr);
        json.put("lr_scheduler_type", "linear");
        json.put("warmup_steps", Math.min(5, steps / 10));
        json.put("max_steps", steps);
        json.put("batch_size", batchSize);
        json.put("gradient_accumulation_steps", 1);
        json.put("max_length", maxLength);
        json.put("gradient_checkpointing", false);   // a tiny model's activations fit easily; recomputing would cost time
        json.put("seed", seed);
        json.put("save_steps", Math.max(1, steps));
        try {
            return TrainConfig.json().treeToValue(json, TrainConfig.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code count} rows spread evenly over the list (all of them when there are fewer). */
    static <T> List<T> spread(List<T> rows, int count) {
        if (count >= rows.size()) return rows;
        List<T> picked = new ArrayList<>();
        for (int i = 0; i < count; i++) picked.add(rows.get((int) ((long) i * rows.size() / count)));
        return picked;
    }

    /**
     * A path given on the command line as is; otherwise the bundled one, relative to the working directory or,
     * failing that, to the repository the running jar was built in (cli/target/bedside.jar → ../..).
     */
    static Path bundled(String given, String relative) {
        if (given != null) return Path.of(given);
        Path here = Path.of(relative);
        if (Files.exists(here)) return here;
        try {
            Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path repo = jar.getParent() != null && jar.getParent().getParent() != null ? jar.getParent().getParent().getParent() : null;
            if (repo != null && Files.exists(repo.resolve(relative))) return repo.resolve(relative);
        } catch (Exception ignored) {
            // fall through to the message below
        }
        throw new UsageException(relative + " not found (run from the repository root, or pass the path)");
    }

    /** An empty or new folder, or an earlier demo's (its dpo/ run is removed); anything else is refused, not overwritten. */
    static void prepare(Path outDir) throws IOException {
        if (Files.isDirectory(outDir)) {
            boolean empty;
            try (Stream<Path> list = Files.list(outDir)) {
                empty = list.findAny().isEmpty();
            }
            if (!empty && !Files.exists(outDir.resolve("summary.json")) && !Files.exists(outDir.resolve("dpo"))) {
                throw new UsageException("--out " + outDir + " holds other files: choose an empty or new folder");
            }
            for (String earlier : List.of("dpo", "report")) {   // the trainer and the eval runner would resume these
                Path dir = outDir.resolve(earlier);
                if (!Files.exists(dir)) continue;
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
                }
            }
        }
        Files.createDirectories(outDir);
    }
}
