package dev.bedside.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.bench.DecodeBenchmark;
import dev.bedside.bench.GemmBenchmark;
import dev.bedside.model.GenerationConfig;
import dev.bedside.model.LlamaCheckpoint;
import dev.bedside.model.LlamaConfig;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.LlamaWeights;
import dev.bedside.model.RandomWeights;
import dev.bedside.quant.QuantizedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.bedside.tensor.Backends;
import dev.bedside.tensor.DType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code bedside bench <what>}:
 * <ul>
 *   <li>{@code gemm --m M --n N --k K [--repeats R] [--trans NN|NT|TN|TT]}: times c = op(a) · op(b) and prints
 *       one JSON line, e.g. {@code {"op":"gemm","m":1024,"n":1024,"k":1024,"gflops":251.3,...}}.</li>
 *   <li>{@code jmh [JMH options and benchmark regex]}: runs the JMH benchmarks packed in this jar
 *       (e.g. {@code bench jmh GemmJmh -p size=1024}); {@code bench jmh -l} lists them.</li>
 * </ul>
 */
final class BenchCommand {
    private static final String USAGE = "usage: bedside bench gemm --m M --n N --k K [--repeats R] [--trans NN|NT|TN|TT]"
            + " | bedside bench decode (--model PATH | --config NAME --random-init) [--quant nf4|q4_0|q8_0|none] [--tokens N] [--prompt-tokens P] [--repeats R]"
            + " | bedside bench dpo --config NAME|PATH [--random-init] [--quant none|nf4] [--seq-len L] [--batch-size B] [--lora-r R]"
            + " [--warmup W] [--steps S] [--dtype f32|bf16]"
            + " | bedside bench jmh [JMH options] [regex]";

    private BenchCommand() {}

    static int run(String[] args) throws Exception {
        if (args.length == 0) throw new UsageException(USAGE);
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "gemm" -> gemm(rest);
            case "decode" -> decode(rest);
            case "dpo" -> dpo(rest);
            case "memory" -> MemoryBenchCommand.run(rest);
            case "embed" -> EmbedBenchCommand.run(rest);
            case "jmh" -> {
                org.openjdk.jmh.Main.main(rest);
                yield 0;
            }
            default -> throw new UsageException("unknown benchmark '" + args[0] + "'; " + USAGE);
        };
    }

    private static int gemm(String[] rest) throws Exception {
        Args args = new Args(rest, Set.of());
        int m = positive(args, "m"), n = positive(args, "n"), k = positive(args, "k");
        int repeats = args.integer("repeats", 10);
        String trans = args.string("trans", "NN");
        args.finish();
        if (repeats <= 0) throw new UsageException("--repeats must be positive, got " + repeats);
        if (!trans.matches("[NT][NT]")) throw new UsageException("--trans expects NN, NT, TN or TT, got '" + trans + "'");
        if (!args.positional().isEmpty()) throw new UsageException("unexpected argument '" + args.positional().getFirst() + "'");

        GemmBenchmark.Result r = GemmBenchmark.run(Backends.current(), m, n, k,
                trans.charAt(0) == 'T', trans.charAt(1) == 'T', repeats);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("op", "gemm");
        line.put("m", m);
        line.put("n", n);
        line.put("k", k);
        line.put("gflops", round(r.gflops()));
        line.put("trans", trans);
        line.put("backend", r.backend());
        line.put("threads", r.threads());
        line.put("repeats", repeats);
        line.put("median_ms", round(r.medianMs()));
        line.put("min_ms", round(r.minMs()));
        line.put("max_ms", round(r.maxMs()));
        System.out.println(new ObjectMapper().writeValueAsString(line));
        return 0;
    }

    /**
     * {@code decode (--model PATH | --config NAME|PATH --random-init) [--tokens N] [--prompt-tokens P]}: prefill
     * and greedy decode speed, next to the speed that streaming the weights at the measured bandwidth allows.
     */
    private static int decode(String[] rest) throws Exception {
        Args args = new Args(rest, Set.of("random-init"));
        String modelPath = args.string("model", null);
        String configName = args.string("config", null);
        boolean randomInit = args.flag("random-init");
        int tokens = args.integer("tokens", 32), promptTokens = args.integer("prompt-tokens", 64);
        int repeats = args.integer("repeats", 3);
        String quant = args.string("quant", "none");
        args.finish();
        QuantizedModels.Options options = QuantizedModels.Options.of(LoadedModel.quant(quant));
        if ((modelPath == null) == (configName == null)) throw new UsageException("give either --model PATH or --config NAME --random-init");
        if (configName != null && !randomInit) throw new UsageException("--config needs --random-init (no weights are loaded)");
        if (tokens <= 0 || promptTokens <= 0 || repeats <= 0) throw new UsageException("--tokens, --prompt-tokens and --repeats must be positive");

        int context = promptTokens + tokens + 32;
        DecodeBenchmark.Result r;
        String source;
        if (modelPath != null) {
            source = modelPath;
            try (LlamaCheckpoint checkpoint = LlamaCheckpoint.load(Path.of(modelPath))) {
                LlamaWeights weights = QuantizedModels.weights(checkpoint, options);   // GGUF blocks stay quantized
                try (LlamaModel model = new LlamaModel(checkpoint.config(), checkpoint.generationConfig(), weights, context, null)) {
                    r = DecodeBenchmark.run(model, weights, promptTokens, tokens, repeats);
                }
            }
        } else {
            LlamaConfig config = configName.endsWith(".json") || Files.isDirectory(Path.of(configName))
                    ? LlamaConfig.load(Files.isDirectory(Path.of(configName)) ? Path.of(configName, "config.json") : Path.of(configName))
                    : LlamaConfig.preset(configName);
            source = configName + " (random BF16 weights" + (options.format() == null ? ")" : ", quantized to " + options.format() + ")");
            RandomWeights random = new RandomWeights(config, 1);
            LlamaWeights weights = QuantizedModels.quantize(config, random.weights(), options);
            try (LlamaModel model = new LlamaModel(config, GenerationConfig.EMPTY, weights, context, random)) {
                r = DecodeBenchmark.run(model, weights, promptTokens, tokens, repeats);
            }
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("op", "decode");
        line.put("model", source);
        line.put("quant", quant);
        line.put("prompt_tokens", r.promptTokens());
        line.put("decode_tokens", r.decodeTokens());
        line.put("repeats", repeats);
        line.put("prefill_tokens_per_second", round(r.prefillTokensPerSecond()));
        line.put("decode_tokens_per_second", round(r.decodeTokensPerSecond()));
        line.put("weight_bytes_per_token", r.weightBytesPerToken());
        line.put("memory_bandwidth_gb_per_s", round(r.bandwidthGBs()));
        line.put("bandwidth_bound_tokens_per_second", round(r.bandwidthBoundTokensPerSecond()));
        line.put("device_bytes_per_token", r.deviceBytesPerToken());   // host ↔ device, both ways; 0 on the CPU
        line.put("backend", r.backend());
        line.put("threads", r.threads());
        System.out.println(new ObjectMapper().writeValueAsString(line));
        return 0;
    }

    /**
     * {@code dpo --config NAME|PATH [--random-init] [--quant none|nf4] [--seq-len L] [--batch-size B] [--lora-r R]}:
     * DPO training steps with LoRA on synthetic pairs; seconds per step, tokens/s (2·L·B per step) and peak RSS.
     * A config preset or config.json path takes random weights (--random-init); a model folder loads its weights.
     */
    private static int dpo(String[] rest) throws Exception {
        Args args = new Args(rest, Set.of("random-init"));
        String configName = args.required("config");
        boolean randomInit = args.flag("random-init");
        String quant = args.string("quant", "none");
        int seqLen = args.integer("seq-len", 256), batch = args.integer("batch-size", 2), loraR = args.integer("lora-r", 32);
        int warmup = args.integer("warmup", 1), steps = args.integer("steps", 3);
        String dtypeName = args.string("dtype", "f32");
        args.finish();
        // Random full-precision weights: F32 on the heap by default (the F32 comparison), BF16 off it on request.
        DType dtype = switch (dtypeName) {
            case "f32" -> DType.F32;
            case "bf16" -> DType.BF16;
            default -> throw new UsageException("--dtype expects f32 or bf16, got '" + dtypeName + "'");
        };
        if (seqLen < 4 || batch <= 0 || loraR <= 0 || warmup < 0 || steps <= 0) {
            throw new UsageException("--seq-len (at least 4), --batch-size, --lora-r and --steps must be positive");
        }
        if (!quant.equals("none") && !quant.equals("nf4")) throw new UsageException("--quant expects none or nf4, got '" + quant + "'");
        Path path = Path.of(configName);
        boolean folderWithWeights = Files.isDirectory(path) && !randomInit;
        int context = seqLen + seqLen / 4 + 8;
        dev.bedside.bench.DpoBenchmark.Result r;
        String source;
        if (folderWithWeights) {
            source = configName;
            try (LlamaModel model = DpoModels.load(path, quant, context)) {
                r = dev.bedside.bench.DpoBenchmark.run(model, seqLen, batch, loraR, warmup, steps);
            }
        } else {
            if (!randomInit) throw new UsageException("--config " + configName + " names no weights: add --random-init");
            LlamaConfig config = configName.endsWith(".json") || Files.isDirectory(path)
                    ? LlamaConfig.load(Files.isDirectory(path) ? path.resolve("config.json") : path)
                    : LlamaConfig.preset(configName);
            source = configName + " (random " + (quant.equals("none") ? dtypeName : quant) + " weights)";
            try (LlamaModel model = DpoModels.random(config, quant, dtype, context)) {
                r = dev.bedside.bench.DpoBenchmark.run(model, seqLen, batch, loraR, warmup, steps);
            }
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("op", "dpo");
        line.put("model", source);
        line.put("quant", quant);
        line.put("seq_len", seqLen);
        line.put("batch_size", batch);
        line.put("lora_r", loraR);
        line.put("trainable_parameters", r.trainableParameters());
        line.put("timed_steps", steps);
        line.put("seconds_per_step", round(r.secondsPerStep()));
        line.put("tokens_per_second", round(r.tokensPerSecond()));
        line.put("peak_rss_bytes", r.peakRssBytes());
        line.put("heap_max_bytes", Runtime.getRuntime().maxMemory());   // -Xmx: the heap's share of the RSS can grow to it
        line.put("device_bytes_per_step", r.deviceBytesPerStep());   // host ↔ device, both ways; 0 on the CPU
        line.put("backend", r.backend());
        line.put("threads", r.threads());
        System.out.println(new ObjectMapper().writeValueAsString(line));
        return 0;
    }

    private static int positive(Args args, String name) {
        int value = args.integer(name, -1);
        if (value <= 0) throw new UsageException("--" + name + " must be a positive integer" + (value == -1 ? " (missing)" : ""));
        return value;
    }

    private static double round(double x) { return Math.round(x * 1000) / 1000.0; }
}
