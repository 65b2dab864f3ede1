package dev.bedside.quant.gguf;

import dev.bedside.model.LlamaCheckpoint;
import dev.bedside.model.LlamaConfig;
import dev.bedside.model.RopeScaling;
import dev.bedside.model.gguf.GgufFile;
import dev.bedside.model.gguf.GgufType;
import dev.bedside.quant.Q4_0Matrix;
import dev.bedside.quant.Q8_0Matrix;
import dev.bedside.quant.Quantizer;
import dev.bedside.quant.gguf.GgufValue.Type;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a Llama checkpoint (Hugging Face folder, or another GGUF file) to GGUF the way llama.cpp's
 * {@code convert_hf_to_gguf.py} converts {@code LlamaForCausalLM}:
 * <ul>
 *   <li>names {@code token_embd}, {@code blk.N.attn_q} …, {@code output_norm}, {@code output} (absent when tied);</li>
 *   <li>q_proj/k_proj rows permuted within each head to llama.cpp's adjacent-pair rotary order;</li>
 *   <li>{@code rope_freqs.weight} (first, F32) holding the llama3 rope-scaling divisors per frequency;</li>
 *   <li>{@code llama.*} shape keys, {@code general.file_type}, {@code general.quantization_version} 2, and the
 *       tokenizer from tokenizer.json / tokenizer_config.json ({@link GgufTokenizerMetadata}).</li>
 * </ul>
 * Types: F32 writes everything F32; F16 (and BF16) store 2-D weights in that type and norms F32; Q8_0 and
 * Q4_0 quantize every 2-D weight, token_embd included, and keep norms F32 — for Q8_0 what
 * {@code convert_hf_to_gguf.py --outtype q8_0} makes, for Q4_0 what {@code llama-quantize --pure} makes
 * (its default mix would keep token_embd/output in Q6_K, a type this writer does not produce).
 * Tensors follow the checkpoint's names in sorted order (the order a single safetensors file lists them).
 * Weights are read from the memory-mapped input and converted one tensor, and for large ones one slab of
 * rows, at a time.
 */
public final class LlamaToGguf {
    private LlamaToGguf() {}

    /** Quantizes a dense [rows, cols] matrix to raw Q8_0/Q4_0 blocks, row after row. */
    @FunctionalInterface
    public interface BlockQuantizer {
        MemorySegment quantize(Tensor dense, GgufType type, Arena arena);
    }

    /** ggml's reference Q8_0/Q4_0 quantizers ({@link Quantizer}), row by row. */
    public static final BlockQuantizer GGML = (dense, type, arena) -> switch (Quantizer.quantize(dense, type == GgufType.Q8_0 ? DType.Q8_0 : DType.Q4_0)) {
        case Q8_0Matrix q -> q.blocks();
        case Q4_0Matrix q -> q.blocks();
        default -> throw new IllegalStateException("quantizer returned no GGUF blocks for " + type);
    };

    /** Converts with ggml's quantizers for Q8_0/Q4_0. */
    public static void convert(Path input, Path output, GgufType type) throws IOException {
        convert(input, output, type, GGML);
    }

    /** Rows converted together for large matrices: about 4 M values. */
    private static final long SLAB_VALUES = 1 << 22;

    public static void convert(Path input, Path output, GgufType type, BlockQuantizer quantizer) throws IOException {
        try (LlamaCheckpoint checkpoint = LlamaCheckpoint.load(input)) {
            String name = Files.isDirectory(input) ? input.getFileName().toString() : ggufName(input);
            Map<String, GgufValue> tokenizer = Files.isDirectory(input)
                    ? GgufTokenizerMetadata.fromHuggingFace(input, checkpoint.config().vocabSize())
                    : tokenizerOfGguf(input);
            writer(checkpoint, name, tokenizer, type, quantizer).write(output);
        }
    }

    /** The writer for a checkpoint, ready to write (its tensors are read while writing). */
    public static GgufWriter writer(LlamaCheckpoint checkpoint, String modelName, Map<String, GgufValue> tokenizer,
                                    GgufType type, BlockQuantizer quantizer) {
        if (type.isQuantized() && quantizer == null) throw new IllegalArgumentException("converting to " + type + " needs a quantizer");
        LlamaConfig c = checkpoint.config();
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.string("llama"));
        w.put("general.type", GgufValue.string("model"));
        w.put("general.name", GgufValue.string(modelName));
        w.put("llama.block_count", GgufValue.uint32(c.numHiddenLayers()));
        w.put("llama.context_length", GgufValue.uint32(c.maxPositionEmbeddings()));
        w.put("llama.embedding_length", GgufValue.uint32(c.hiddenSize()));
        w.put("llama.feed_forward_length", GgufValue.uint32(c.intermediateSize()));
        w.put("llama.attention.head_count", GgufValue.uint32(c.numAttentionHeads()));
        w.put("llama.attention.head_count_kv", GgufValue.uint32(c.numKeyValueHeads()));
        w.put("llama.rope.freq_base", GgufValue.float32(c.ropeTheta()));
        w.put("llama.attention.layer_norm_rms_epsilon", GgufValue.float32(c.rmsNormEps()));
        w.put("llama.attention.key_length", GgufValue.uint32(c.headDim()));
        w.put("llama.attention.value_length", GgufValue.uint32(c.headDim()));
        w.put("general.file_type", GgufValue.uint32(fileType(type)));
        w.put("llama.vocab_size", GgufValue.uint32(c.vocabSize()));
        w.put("llama.rope.dimension_count", GgufValue.uint32(c.headDim()));
        tokenizer.forEach(w::put);
        w.put("general.quantization_version", GgufValue.uint32(2));

        if (c.ropeScaling() != null) {
            float[] divisors = ropeDivisors(c);
            w.addTensor("rope_freqs.weight", GgufType.F32, Tensor.of(divisors, divisors.length));
        }
        for (String hfName : checkpoint.names().stream().sorted().toList()) {
            int[] shape = shapeOf(checkpoint, hfName);
            GgufType stored = shape.length == 1 || type == GgufType.F32 ? GgufType.F32 : type;
            int heads = hfName.endsWith(".self_attn.q_proj.weight") ? c.numAttentionHeads()
                    : hfName.endsWith(".self_attn.k_proj.weight") ? c.numKeyValueHeads() : 0;
            w.addTensor(LlamaGgufNames.ggufName(hfName), stored, shape,
                    arena -> tensorBytes(checkpoint.tensor(hfName), heads, stored, quantizer, arena));
        }
        return w;
    }

    private static int[] shapeOf(LlamaCheckpoint checkpoint, String hfName) {
        return checkpoint.quantized(hfName).map(q -> q.shape()).orElseGet(() -> checkpoint.tensor(hfName).shape());
    }

    /** One tensor in its stored type; large matrices a slab of rows at a time so no full F32 copy is made. */
    private static MemorySegment tensorBytes(Tensor source, int permutedHeads, GgufType type, BlockQuantizer quantizer, Arena arena) {
        if (source.rank() == 1) return GgufWriter.floatBytes(source, type, arena);
        int rows = source.dim(0), cols = source.dim(1);
        if (permutedHeads > 0) {
            Tensor permuted = Tensor.of(LlamaGgufNames.permuteRows(source.toFloatArray(), rows, cols, permutedHeads), rows, cols);
            return type.isQuantized() ? quantizer.quantize(permuted, type, arena) : GgufWriter.floatBytes(permuted, type, arena);
        }
        MemorySegment out = arena.allocate(type.bytesFor((long) rows * cols), 64);
        int slabRows = (int) Math.max(1, Math.min(rows, SLAB_VALUES / cols));
        long rowBytes = type.bytesFor(cols), at = 0;
        for (int r = 0; r < rows; r += slabRows) {
            int end = Math.min(rows, r + slabRows);
            Tensor slab = source.slice(0, r, end);
            try (Arena scratch = Arena.ofConfined()) {
                MemorySegment bytes = type.isQuantized() ? quantizer.quantize(slab, type, scratch) : GgufWriter.floatBytes(slab, type, scratch);
                MemorySegment.copy(bytes, 0, out, at, (end - r) * rowBytes);
            }
            at += (end - r) * rowBytes;
        }
        return out;
    }

    /**
     * llama3 scaling as llama.cpp stores it: per frequency i the divisor of θ_i — 1 for wavelengths below
     * original/high_freq_factor, factor above original/low_freq_factor, and in between 1/((1-s)/factor + s)
     * with s = (original/wavelength - low)/(high - low). Computed in double like the Python converter.
     */
    public static float[] ropeDivisors(LlamaConfig c) {
        RopeScaling s = c.ropeScaling();
        int half = c.headDim() / 2;
        double lowWavelength = s.originalMaxPositionEmbeddings() / s.lowFreqFactor();
        double highWavelength = s.originalMaxPositionEmbeddings() / s.highFreqFactor();
        float[] divisors = new float[half];
        for (int i = 0; i < half; i++) {
            double frequency = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / c.headDim());
            double wavelength = 2 * Math.PI / frequency;
            if (wavelength < highWavelength) divisors[i] = 1;
            else if (wavelength > lowWavelength) divisors[i] = (float) s.factor();
            else {
                double smooth = (s.originalMaxPositionEmbeddings() / wavelength - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                divisors[i] = (float) (1 / ((1 - smooth) / s.factor() + smooth));
            }
        }
        return divisors;
    }

    /** llama.cpp's {@code general.file_type} (LLAMA_FTYPE) for a file whose weights are mostly {@code type}. */
    public static int fileType(GgufType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case BF16 -> 32;
        };
    }

    /** A GGUF input's general.name, else its file name without .gguf. */
    private static String ggufName(Path file) throws IOException {
        try (GgufFile gguf = GgufFile.open(file)) {
            return gguf.metadata().get("general.name") instanceof String s ? s : file.getFileName().toString().replaceFirst("\\.gguf$", "");
        }
    }

    /** The tokenizer.* entries of a GGUF file, with the value types llama.cpp writes for them. */
    static Map<String, GgufValue> tokenizerOfGguf(Path file) throws IOException {
        Map<String, GgufValue> out = new LinkedHashMap<>();
        try (GgufFile gguf = GgufFile.open(file)) {
            for (Map.Entry<String, Object> e : gguf.metadata().entrySet()) {
                if (!e.getKey().startsWith("tokenizer.")) continue;
                out.put(e.getKey(), typed(e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    private static GgufValue typed(String key, Object value) {
        if (value instanceof String s) return GgufValue.string(s);
        if (value instanceof Boolean b) return GgufValue.bool(b);
        if (value instanceof Long l) return GgufValue.uint32(l);
        if (value instanceof Double d) return GgufValue.float32(d);
        if (value instanceof List<?> list) {
            Object first = list.isEmpty() ? "" : list.getFirst();
            Type element = first instanceof String ? Type.STRING : first instanceof Double ? Type.FLOAT32 : Type.INT32;
            return GgufValue.array(element, new ArrayList<>(list));
        }
        throw new IllegalArgumentException("metadata '" + key + "': cannot copy a " + value.getClass().getSimpleName());
    }
}
