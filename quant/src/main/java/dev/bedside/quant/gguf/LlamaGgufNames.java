package dev.bedside.quant.gguf;

import dev.bedside.model.LlamaLayout;

import java.util.Map;

/**
 * Hugging Face Llama tensor names to the names llama.cpp's converter gives them (the inverse of
 * {@code GgufLlama.hfName}), and the q/k row order llama.cpp's rotary embedding expects.
 */
public final class LlamaGgufNames {
    private LlamaGgufNames() {}

    private static final Map<String, String> LAYER_MODULES = Map.of(
            "input_layernorm", "attn_norm",
            "self_attn.q_proj", "attn_q",
            "self_attn.k_proj", "attn_k",
            "self_attn.v_proj", "attn_v",
            "self_attn.o_proj", "attn_output",
            "post_attention_layernorm", "ffn_norm",
            "mlp.gate_proj", "ffn_gate",
            "mlp.up_proj", "ffn_up",
            "mlp.down_proj", "ffn_down");

    /** e.g. {@code model.layers.3.self_attn.q_proj.weight} → {@code blk.3.attn_q.weight}. */
    public static String ggufName(String hfName) {
        switch (hfName) {
            case LlamaLayout.EMBED_TOKENS: return "token_embd.weight";
            case LlamaLayout.NORM: return "output_norm.weight";
            case LlamaLayout.LM_HEAD: return "output.weight";
            default: break;
        }
        String prefix = "model.layers.", suffix = ".weight";
        if (hfName.startsWith(prefix) && hfName.endsWith(suffix)) {
            String rest = hfName.substring(prefix.length(), hfName.length() - suffix.length());
            int dot = rest.indexOf('.');
            if (dot > 0 && rest.substring(0, dot).matches("\\d+")) {
                String module = LAYER_MODULES.get(rest.substring(dot + 1));
                if (module != null) return "blk." + rest.substring(0, dot) + "." + module + suffix;
            }
        }
        throw new IllegalArgumentException("'" + hfName + "' is not a Llama weight name");
    }

    /**
     * llama.cpp rotates adjacent pairs (2i, 2i+1) where HF rotates (i, i + d/2): within each head of d rows,
     * GGUF row 2i+j holds HF row j·d/2 + i. {@code values} is [rows, cols] row-major; returns a new array.
     */
    public static float[] permuteRows(float[] values, int rows, int cols, int heads) {
        if (rows % heads != 0 || (rows / heads) % 2 != 0) {
            throw new IllegalArgumentException("q/k permutation: " + rows + " rows do not split into " + heads + " heads of even size");
        }
        int d = rows / heads, half = d / 2;
        float[] out = new float[values.length];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                for (int j = 0; j < 2; j++) {
                    int hfRow = h * d + j * half + i, ggufRow = h * d + 2 * i + j;
                    System.arraycopy(values, hfRow * cols, out, ggufRow * cols, cols);
                }
            }
        }
        return out;
    }
}
