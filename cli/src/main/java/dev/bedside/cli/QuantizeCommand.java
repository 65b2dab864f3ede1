package dev.bedside.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.model.gguf.GgufType;
import dev.bedside.quant.export.BnbNf4Export;
import dev.bedside.quant.gguf.LlamaToGguf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code bedside quantize --model PATH --to nf4|q4_0|q8_0|f16|f32 --out PATH [--no-double-quant]}:
 * <ul>
 *   <li>q8_0, q4_0 (and f16, f32): a GGUF file llama.cpp loads — every 2-D weight (token_embd included) in that
 *       type as {@code llama-quantize --pure} does, norms and rope_freqs F32;</li>
 *   <li>nf4: a Hugging Face folder in transformers' bitsandbytes 4-bit layout (double quantization unless
 *       {@code --no-double-quant}), linear weights NF4, embeddings and norms as stored.</li>
 * </ul>
 * Prints one JSON line with the output's size.
 */
final class QuantizeCommand {
    static final String USAGE = "quantize --model PATH --to nf4|q4_0|q8_0|f16|f32 --out PATH [--no-double-quant]";

    private QuantizeCommand() {}

    static int run(String[] rest) throws Exception {
        Args args = new Args(rest, Set.of("no-double-quant"));
        Path model = Path.of(args.required("model"));
        String to = args.required("to").toLowerCase(Locale.ROOT);
        Path out = Path.of(args.required("out"));
        boolean doubleQuant = !args.flag("no-double-quant");
        args.finish();
        if (!args.positional().isEmpty()) throw new UsageException("unexpected argument '" + args.positional().getFirst() + "'");
        if (!Files.exists(model)) throw new UsageException("--model " + model + " does not exist");

        long start = System.nanoTime();
        long bytes;
        if (to.equals("nf4")) {
            BnbNf4Export.export(model, out, doubleQuant);
            try (var files = Files.list(out)) {
                bytes = files.mapToLong(f -> f.toFile().length()).sum();
            }
        } else {
            GgufType type = switch (to) {
                case "q8_0" -> GgufType.Q8_0;
                case "q4_0" -> GgufType.Q4_0;
                case "f16" -> GgufType.F16;
                case "f32" -> GgufType.F32;
                default -> throw new UsageException("--to expects nf4, q4_0, q8_0, f16 or f32, got '" + to + "'");
            };
            if (!args.positional().isEmpty() || !doubleQuant) throw new UsageException("--no-double-quant applies to nf4 only");
            LlamaToGguf.convert(model, out, type);
            bytes = Files.size(out);
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("op", "quantize");
        line.put("model", model.toString());
        line.put("to", to);
        line.put("out", out.toString());
        line.put("bytes", bytes);
        line.put("seconds", Math.round((System.nanoTime() - start) / 1e6) / 1000.0);
        System.out.println(new ObjectMapper().writeValueAsString(line));
        return 0;
    }
}
