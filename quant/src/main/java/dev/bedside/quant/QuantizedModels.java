package dev.bedside.quant;

import dev.bedside.model.LlamaCheckpoint;
import dev.bedside.model.LlamaConfig;
import dev.bedside.model.LlamaLayout;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.LlamaWeights;
import dev.bedside.model.gguf.GgufType;
import dev.bedside.model.gguf.QuantizedTensor;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.QuantizedMatrix;
import dev.bedside.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Llama models whose weights stay block-quantized in memory. From a Hugging Face folder, the seven linear
 * weights of every layer are quantized on load, tensor by tensor from the memory-mapped file (embeddings,
 * norms and, unless asked, the LM head keep their stored precision, as QLoRA does). From a GGUF file,
 * Q8_0/Q4_0 tensors are used in place: their blocks are wrapped, never decoded to floats.
 */
public final class QuantizedModels {
    private QuantizedModels() {}

    /** Layer modules that are linear weights, in HF names. */
    public static final List<String> LINEAR_MODULES = List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
            "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj");

    /**
     * @param format       Q8_0, Q4_0 or NF4 for the linear weights of float checkpoints; null keeps stored precision
     * @param doubleQuant  NF4 only: double-quantize the absmax constants (QLoRA's default)
     * @param quantizeHead also quantize the LM head (with tied embeddings: the shared embedding table)
     */
    public record Options(DType format, boolean doubleQuant, boolean quantizeHead) {
        public Options {
            if (format != null && !format.isQuantized()) throw new IllegalArgumentException("--quant: " + format + " is not a quantized format");
            if (doubleQuant && format != DType.NF4) throw new IllegalArgumentException("double quantization is an NF4 option, not " + format);
        }

        public static Options of(DType format) { return new Options(format, false, false); }
    }

    /** "nf4", "q4_0", "q8_0" (any case) or "none"/null → null. */
    public static DType parseFormat(String name) {
        if (name == null || name.equalsIgnoreCase("none")) return null;
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "nf4" -> DType.NF4;
            case "q4_0" -> DType.Q4_0;
            case "q8_0" -> DType.Q8_0;
            default -> throw new IllegalArgumentException("unknown quantization '" + name + "': use nf4, q4_0, q8_0 or none");
        };
    }

    public static LlamaModel load(Path path, DType formatOrNull) throws IOException {
        return load(path, Options.of(formatOrNull), LlamaModel.DEFAULT_CONTEXT);
    }

    /** An HF folder or GGUF file; closing the model closes the checkpoint. */
    public static LlamaModel load(Path path, Options options, int contextLength) throws IOException {
        LlamaCheckpoint checkpoint = LlamaCheckpoint.load(path);
        try {
            return new LlamaModel(checkpoint.config(), checkpoint.generationConfig(), weights(checkpoint, options), contextLength, checkpoint);
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }

    /**
     * The checkpoint's weights with GGUF blocks wrapped as they are, and float linear weights quantized to
     * {@code options.format()} (when given). Tensors are quantized in parallel, each one row at a time.
     */
    public static LlamaWeights weights(LlamaCheckpoint checkpoint, Options options) {
        LlamaConfig config = checkpoint.config();
        Map<String, Tensor> chosen = new ConcurrentHashMap<>();
        LlamaLayout.expectedShapes(config).keySet().parallelStream().forEach(name -> {
            var blocks = checkpoint.quantized(name);
            chosen.put(name, blocks.isPresent() ? wrap(blocks.get()) : maybeQuantize(name, checkpoint.tensor(name), config, options));
        });
        return LlamaWeights.of(config, chosen::get);
    }

    /**
     * Dense weights (e.g. {@link dev.bedside.model.RandomWeights} for benchmarks) with the linear weights
     * quantized as {@code options} says; the dense tensors must stay alive while the result is used.
     */
    public static LlamaWeights quantize(LlamaConfig config, LlamaWeights dense, Options options) {
        Map<String, Tensor> chosen = new ConcurrentHashMap<>();
        byName(config, dense).entrySet().parallelStream()
                .forEach(e -> chosen.put(e.getKey(), maybeQuantize(e.getKey(), e.getValue(), config, options)));
        return LlamaWeights.of(config, chosen::get);
    }

    /** The weights under their HF names (lm_head only when untied). */
    private static Map<String, Tensor> byName(LlamaConfig config, LlamaWeights w) {
        Map<String, Tensor> names = new LinkedHashMap<>();
        names.put(LlamaLayout.EMBED_TOKENS, w.embedTokens());
        for (int i = 0; i < w.layers().size(); i++) {
            LlamaWeights.Layer l = w.layers().get(i);
            names.put(LlamaLayout.layer(i, "input_layernorm"), l.inputLayernorm());
            names.put(LlamaLayout.layer(i, "self_attn.q_proj"), l.qProj());
            names.put(LlamaLayout.layer(i, "self_attn.k_proj"), l.kProj());
            names.put(LlamaLayout.layer(i, "self_attn.v_proj"), l.vProj());
            names.put(LlamaLayout.layer(i, "self_attn.o_proj"), l.oProj());
            names.put(LlamaLayout.layer(i, "post_attention_layernorm"), l.postAttentionLayernorm());
            names.put(LlamaLayout.layer(i, "mlp.gate_proj"), l.gateProj());
            names.put(LlamaLayout.layer(i, "mlp.up_proj"), l.upProj());
            names.put(LlamaLayout.layer(i, "mlp.down_proj"), l.downProj());
        }
        names.put(LlamaLayout.NORM, w.norm());
        if (!config.tieWordEmbeddings()) names.put(LlamaLayout.LM_HEAD, w.lmHead());
        return names;
    }

    /** A GGUF Q8_0/Q4_0 tensor as a quantized weight over the same bytes. */
    public static Tensor wrap(QuantizedTensor blocks) {
        int[] shape = blocks.shape();
        if (shape.length != 2) throw new IllegalArgumentException("quantized GGUF tensor of shape " + java.util.Arrays.toString(shape) + " is not a matrix");
        QuantizedMatrix matrix = blocks.type() == GgufType.Q8_0
                ? Q8_0Matrix.of(blocks.blocks(), shape[0], shape[1])
                : Q4_0Matrix.of(blocks.blocks(), shape[0], shape[1]);
        return Tensor.ofQuantized(matrix);
    }

    private static Tensor maybeQuantize(String name, Tensor tensor, LlamaConfig config, Options options) {
        if (options.format() == null || tensor.rank() != 2) return tensor;
        boolean head = name.equals(LlamaLayout.LM_HEAD) || (config.tieWordEmbeddings() && name.equals(LlamaLayout.EMBED_TOKENS));
        if (head ? options.quantizeHead() : isLayerLinear(name)) {
            return Tensor.ofQuantized(Quantizer.quantize(tensor, options.format(), options.doubleQuant()));
        }
        return tensor;
    }

    static boolean isLayerLinear(String name) {
        if (!name.startsWith("model.layers.")) return false;
        for (String module : LINEAR_MODULES) if (name.endsWith("." + module + ".weight")) return true;
        return false;
    }
}
