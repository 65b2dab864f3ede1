package dev.bedside.model;

import dev.bedside.model.gguf.GgufFile;
import dev.bedside.model.gguf.GgufTensorInfo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What llama.cpp's converter does to a Llama checkpoint, undone: GGUF tensor names to HF names, GGUF
 * metadata to a {@link LlamaConfig}, and the q/k row permutation back to HF's rotate-half order.
 */
public final class GgufLlama {
    private GgufLlama() {}

    public static final String ROPE_FREQS = "rope_freqs.weight";

    private static final Map<String, String> LAYER_MODULES = Map.of(
            "attn_norm", "input_layernorm",
            "attn_q", "self_attn.q_proj",
            "attn_k", "self_attn.k_proj",
            "attn_v", "self_attn.v_proj",
            "attn_output", "self_attn.o_proj",
            "ffn_norm", "post_attention_layernorm",
            "ffn_gate", "mlp.gate_proj",
            "ffn_up", "mlp.up_proj",
            "ffn_down", "mlp.down_proj");

    /** The HF name for a GGUF tensor name, or null if it is not a Llama weight. */
    public static String hfName(String ggufName) {
        switch (ggufName) {
            case "token_embd.weight": return LlamaLayout.EMBED_TOKENS;
            case "output_norm.weight": return LlamaLayout.NORM;
            case "output.weight": return LlamaLayout.LM_HEAD;
            default: break;
        }
        String[] parts = ggufName.split("\\.");   // blk.N.module.weight
        if (parts.length != 4 || !parts[0].equals("blk") || !parts[3].equals("weight") || !parts[1].matches("\\d{1,6}")) return null;
        String module = LAYER_MODULES.get(parts[2]);
        return module == null ? null : LlamaLayout.layer(Integer.parseInt(parts[1]), module);
    }

    /** The model shape from {@code llama.*} metadata; llama3 rope scaling is recovered from {@code rope_freqs}. */
    public static LlamaConfig config(GgufFile gguf) throws CheckpointException {
        String architecture = gguf.has("general.architecture") ? String.valueOf(gguf.metadata().get("general.architecture")) : "(none)";
        if (!architecture.equals("llama")) {
            throw new CheckpointException(gguf.path(), "unsupported architecture '" + architecture + "': only llama (" + LlamaConfig.ARCHITECTURE + ") is supported");
        }
        try {
            int hidden = (int) gguf.integer("llama.embedding_length");
            int heads = (int) gguf.integer("llama.attention.head_count");
            int headDim = (int) gguf.integer("llama.attention.key_length", hidden / heads);
            if (gguf.integer("llama.attention.value_length", headDim) != headDim) {
                throw new CheckpointException(gguf.path(), "attention.value_length differs from key_length: not a Llama layout");
            }
            int vocab = gguf.has("llama.vocab_size") ? (int) gguf.integer("llama.vocab_size")
                    : gguf.has("tokenizer.ggml.tokens") ? gguf.list("tokenizer.ggml.tokens").size()
                    : gguf.info("token_embd.weight").shape()[0];
            List<Integer> eos = new ArrayList<>();
            for (String key : List.of("tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id")) {
                if (gguf.has(key) && !eos.contains((int) gguf.integer(key))) eos.add((int) gguf.integer(key));
            }
            LlamaConfig plain = new LlamaConfig(
                    List.of(LlamaConfig.ARCHITECTURE),
                    hidden,
                    (int) gguf.integer("llama.feed_forward_length"),
                    (int) gguf.integer("llama.block_count"),
                    heads,
                    (int) gguf.integer("llama.attention.head_count_kv", heads),
                    headDim,
                    gguf.real("llama.rope.freq_base", 10000.0),
                    null,
                    gguf.real("llama.attention.layer_norm_rms_epsilon"),
                    !gguf.hasTensor("output.weight"),
                    vocab,
                    (int) gguf.integer("llama.context_length"),
                    gguf.has("tokenizer.ggml.bos_token_id") ? (int) gguf.integer("tokenizer.ggml.bos_token_id") : null,
                    eos,
                    fileType(gguf.integer("general.file_type", -1)));
            return withRopeScaling(gguf, plain);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(gguf.path(), e.getMessage(), e);
        }
    }

    /**
     * GGUF keeps llama3 scaling as per-frequency divisors (rope_freqs), not as its parameters. We take Meta's
     * parameters (low 1, high 4, original 8192, or the file's rope.scaling keys) with factor = the largest
     * divisor, and accept them only if they reproduce every divisor.
     */
    private static LlamaConfig withRopeScaling(GgufFile gguf, LlamaConfig plain) throws CheckpointException {
        if (gguf.has("llama.rope.scaling.type") && !gguf.string("llama.rope.scaling.type").equals("none")) {
            throw new CheckpointException(gguf.path(), "unsupported rope scaling type '" + gguf.string("llama.rope.scaling.type") + "'");
        }
        if (!gguf.hasTensor(ROPE_FREQS)) return plain;
        float[] divisors = gguf.dequantize(ROPE_FREQS).toFloatArray();
        if (divisors.length != plain.headDim() / 2) {
            throw new CheckpointException(gguf.path(), ROPE_FREQS, divisors.length + " values, expected head_dim/2 = " + plain.headDim() / 2);
        }
        double factor = 1;
        for (float divisor : divisors) factor = Math.max(factor, divisor);
        if (factor == 1) return plain;
        RopeScaling scaling = new RopeScaling(gguf.real("llama.rope.scaling.factor", factor), 1.0, 4.0,
                (int) gguf.integer("llama.rope.scaling.original_context_length", 8192));
        LlamaConfig scaled = plain.withRopeScaling(scaling);
        double[] base = RopeTables.inverseFrequencies(plain), withScaling = RopeTables.inverseFrequencies(scaled);
        double[] implied = new double[divisors.length];
        for (int i = 0; i < divisors.length; i++) {
            implied[i] = base[i] / withScaling[i];
            if (Math.abs(implied[i] - divisors[i]) > 1e-5 * divisors[i]) {
                throw new CheckpointException(gguf.path(), ROPE_FREQS, "divisors " + Arrays.toString(divisors)
                        + " are not llama3 scaling with " + scaling + " (that gives " + Arrays.toString(implied) + ")");
            }
        }
        return scaled;
    }

    private static String fileType(long fileType) {
        return switch ((int) fileType) {
            case 0 -> "float32";
            case 1 -> "float16";
            case 32 -> "bfloat16";
            case 2 -> "q4_0";
            case 7 -> "q8_0";
            default -> "gguf file_type " + fileType;
        };
    }

    /** The head count whose rows llama.cpp's converter permuted: query heads for q_proj, KV heads for k_proj, else 0. */
    static int permutedHeads(String hfName, LlamaConfig config) {
        if (hfName.endsWith(".self_attn.q_proj.weight")) return config.numAttentionHeads();
        if (hfName.endsWith(".self_attn.k_proj.weight")) return config.numKeyValueHeads();
        return 0;
    }

    /**
     * Undoes the converter's row order: within each head of d rows GGUF stores HF rows
     * [0, d/2, 1, d/2+1, …], i.e. GGUF row 2i+j holds HF row j·d/2 + i. Rows are moved as whole byte
     * ranges, so this works for float and block-quantized rows alike. The result lives in {@code arena}.
     */
    static MemorySegment unpermuteRows(MemorySegment gguf, int rows, int heads, Arena arena) {
        long rowBytes = gguf.byteSize() / rows;
        int d = rows / heads, half = d / 2;
        MemorySegment hf = arena.allocate(gguf.byteSize(), 16);
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < half; i++) {
                    long hfRow = (long) h * d + j * half + i, ggufRow = (long) h * d + 2L * i + j;
                    MemorySegment.copy(gguf, ggufRow * rowBytes, hf, hfRow * rowBytes, rowBytes);
                }
            }
        }
        return hf;
    }

    /** Row-major shapes of the Llama weights in a GGUF file, under their HF names; fails on foreign tensors. */
    static Map<String, int[]> hfShapes(GgufFile gguf) throws CheckpointException {
        Map<String, int[]> shapes = new java.util.LinkedHashMap<>();
        for (GgufTensorInfo info : gguf.tensorInfos()) {
            if (info.name().equals(ROPE_FREQS)) continue;
            String hf = hfName(info.name());
            if (hf == null) throw new CheckpointException(gguf.path(), info.name(), "not a Llama tensor name");
            shapes.put(hf, info.shape());
        }
        return shapes;
    }
}
