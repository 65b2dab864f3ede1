package dev.bedside.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.dpo.data.ChatPairs;
import dev.bedside.dpo.data.Sequence;
import dev.bedside.dpo.train.FullParameterTrainer;
import dev.bedside.model.HuggingFaceFolder;
import dev.bedside.model.LlamaConfig;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.RandomWeights;
import dev.bedside.model.tokenizer.BpeTrainer;
import dev.bedside.model.tokenizer.ChatFormat;
import dev.bedside.model.tokenizer.Tokenizer;
import dev.bedside.model.tokenizer.Tokenizers;
import dev.bedside.model.tokenizer.TrainedTokenizerFiles;
import dev.bedside.tensor.DType;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;

/**
 * {@code bedside build-demo-model}: the bundled caregiver model, made by Bedside from nothing but the corpus.
 * <ol>
 *   <li>a byte-level BPE tokenizer trained on the training pairs' text ({@link BpeTrainer});</li>
 *   <li>a small Llama 3 model from random N(0, 0.02) weights (seeded), trained on every parameter
 *       ({@link FullParameterTrainer}) on question → answer turns in the Llama 3 chat format, with a deliberate mix of
 *       registers: every technical/cold answer ({@code rejected}) and a seeded share of the plain/warm ones
 *       ({@code chosen}), so that the model answers mostly in the cold register and DPO has something to move;</li>
 *   <li>the Hugging Face folder: config.json, model.safetensors (BF16), generation_config.json, tokenizer.json,
 *       tokenizer_config.json, and build.json (every setting, the losses, the time).</li>
 * </ol>
 * The same data, settings and seed give the same files.
 */
final class BuildDemoModelCommand {
    static final String USAGE = "build-demo-model --data TRAIN.jsonl --out DIR [--seed 7] [--vocab-size 2048] [--hidden 192]"
            + " [--layers 4] [--heads 6] [--kv-heads 2] [--intermediate 512] [--context 192] [--epochs 7] [--batch-size 16]"
            + " [--lr 3e-3] [--warm-share 0.35]";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BuildDemoModelCommand() {}

    static int run(String[] argv, PrintStream err) throws Exception {
        Args args = new Args(argv, Set.of());
        Path data = Path.of(args.required("data"));
        Path out = Path.of(args.required("out"));
        long seed = args.integer("seed", 7);
        int vocabSize = args.integer("vocab-size", 2048), hidden = args.integer("hidden", 192), layers = args.integer("layers", 4);
        int heads = args.integer("heads", 6), kvHeads = args.integer("kv-heads", 2), intermediate = args.integer("intermediate", 512);
        int context = args.integer("context", 192), epochs = args.integer("epochs", 7), batchSize = args.integer("batch-size", 16);
        double lr = args.number("lr", 3e-3), warmShare = args.number("warm-share", 0.35);
        args.finish();
        if (hidden % heads != 0) throw new UsageException("--hidden " + hidden + " is not a multiple of --heads " + heads);
        if (!(warmShare >= 0 && warmShare <= 1)) throw new UsageException("--warm-share must be in [0, 1], got " + warmShare);
        long start = System.nanoTime();

        List<ChatPairs.Row> rows = ChatPairs.read(data);
        List<String> texts = new ArrayList<>();
        for (ChatPairs.Row r : rows) texts.addAll(List.of(r.prompt(), r.chosen(), r.rejected()));
        err.println("bedside build-demo-model: " + rows.size() + " pairs from " + data + "; training the tokenizer (" + vocabSize + " ids)");
        Files.createDirectories(out);
        TrainedTokenizerFiles.write(BpeTrainer.train(texts, vocabSize), out, context);
        Tokenizer tokenizer = Tokenizers.load(out);
        ChatFormat chat = new ChatFormat(tokenizer);

        // The register mix: all cold answers, and a seeded share of the warm ones.
        SplittableRandom random = new SplittableRandom(seed);
        List<Sequence> examples = new ArrayList<>();
        int warm = 0;
        for (ChatPairs.Row r : rows) {
            examples.add(ChatPairs.sequence(chat, r.prompt(), r.rejected(), context));
            if (random.nextDouble() < warmShare) {
                examples.add(ChatPairs.sequence(chat, r.prompt(), r.chosen(), context));
                warm++;
            }
        }
        int bos = tokenizer.bosId(), eot = tokenizer.id("<|eot_id|>"), eot2 = tokenizer.id("<|end_of_text|>");
        LlamaConfig config = new LlamaConfig(List.of(LlamaConfig.ARCHITECTURE), hidden, intermediate, layers, heads, kvHeads,
                hidden / heads, 10000.0, null, 1e-5, true, tokenizer.vocabSize(), context, bos, List.of(eot2, eot), "bfloat16");
        long tokens = examples.stream().mapToLong(Sequence::length).sum();
        FullParameterTrainer.Settings settings = new FullParameterTrainer.Settings(epochs, batchSize, lr, 30, 0.0, 1.0, seed);
        try (RandomWeights init = new RandomWeights(config, seed)) {
            LlamaModel model = LlamaModel.trainable(config, init.weights(), context);
            long params = model.parameters().values().stream().mapToLong(v -> v.numel()).sum();
            FullParameterTrainer trainer = new FullParameterTrainer(model, examples, settings);
            err.printf("bedside build-demo-model: %d parameters, %d examples (%d cold, %d warm), %d tokens per epoch, %d steps%n",
                    params, examples.size(), rows.size(), warm, tokens, trainer.totalSteps());
            List<Double> losses = trainer.train(err);
            double seconds = (System.nanoTime() - start) / 1e9;
            HuggingFaceFolder.save(out, config, model.parameters(), DType.BF16, Map.of("format", "pt", "made_by", "bedside build-demo-model"));
            ObjectNode build = JSON.createObjectNode();
            build.put("command", "./bedside build-demo-model " + String.join(" ", argv));
            build.put("data", data.toString());
            build.put("pairs", rows.size());
            build.put("seed", seed);
            build.put("parameters", params);
            build.put("examples_cold", rows.size());
            build.put("examples_warm", warm);
            build.put("tokens_per_epoch", tokens);
            build.set("settings", JSON.valueToTree(settings));
            var lossArray = build.putArray("epoch_losses");
            losses.forEach(lossArray::add);
            build.put("seconds", Math.round(seconds));
            build.put("cores", Runtime.getRuntime().availableProcessors());
            JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("build.json").toFile(), build);
            err.printf("bedside build-demo-model: done in %.0f s; epoch losses %s → %s%n", seconds, losses, out);
        }
        return 0;
    }
}
