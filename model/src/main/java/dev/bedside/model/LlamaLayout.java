package dev.bedside.model;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Hugging Face tensor names of a Llama checkpoint and the shape each must have for a config. */
public final class LlamaLayout {
    private LlamaLayout() {}

    public static final String EMBED_TOKENS = "model.embed_tokens.weight";
    public static final String NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    /** e.g. {@code layer(3, "self_attn.q_proj")} = {@code model.layers.3.self_attn.q_proj.weight}. */
    public static String layer(int index, String module) {
        return "model.layers." + index + "." + module + ".weight";
    }

    /** Every tensor the config needs, in checkpoint order; lm_head only when embeddings are not tied. */
    public static Map<String, int[]> expectedShapes(LlamaConfig c) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        int hidden = c.hiddenSize(), ffn = c.intermediateSize();
        shapes.put(EMBED_TOKENS, new int[] {c.vocabSize(), hidden});
        for (int n = 0; n < c.numHiddenLayers(); n++) {
            shapes.put(layer(n, "input_layernorm"), new int[] {hidden});
            shapes.put(layer(n, "self_attn.q_proj"), new int[] {c.queryDim(), hidden});
            shapes.put(layer(n, "self_attn.k_proj"), new int[] {c.keyValueDim(), hidden});
            shapes.put(layer(n, "self_attn.v_proj"), new int[] {c.keyValueDim(), hidden});
            shapes.put(layer(n, "self_attn.o_proj"), new int[] {hidden, c.queryDim()});
            shapes.put(layer(n, "post_attention_layernorm"), new int[] {hidden});
            shapes.put(layer(n, "mlp.gate_proj"), new int[] {ffn, hidden});
            shapes.put(layer(n, "mlp.up_proj"), new int[] {ffn, hidden});
            shapes.put(layer(n, "mlp.down_proj"), new int[] {hidden, ffn});
        }
        shapes.put(NORM, new int[] {hidden});
        if (!c.tieWordEmbeddings()) shapes.put(LM_HEAD, new int[] {c.vocabSize(), hidden});
        return shapes;
    }

    /** Tensors a checkpoint may carry beyond {@link #expectedShapes}: they are ignored. */
    public static boolean ignorable(String name, LlamaConfig c) {
        return name.endsWith(".rotary_emb.inv_freq") || (c.tieWordEmbeddings() && name.equals(LM_HEAD));
    }

    /**
     * Fails on the first tensor that is missing, has the wrong shape or is not part of a Llama checkpoint.
     * {@code actual} maps names (HF naming) to row-major shapes.
     */
    public static void check(Path source, LlamaConfig config, Map<String, int[]> actual) throws CheckpointException {
        Map<String, int[]> expected = expectedShapes(config);
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            int[] shape = actual.get(e.getKey());
            if (shape == null) {
                throw new CheckpointException(source, e.getKey(), "missing (expected shape " + Arrays.toString(e.getValue()) + ")");
            }
            if (!Arrays.equals(shape, e.getValue())) {
                throw new CheckpointException(source, e.getKey(), "shape " + Arrays.toString(shape) + " does not match the config: expected "
                        + Arrays.toString(e.getValue()));
            }
        }
        for (String name : actual.keySet()) {
            if (!expected.containsKey(name) && !ignorable(name, config)) {
                throw new CheckpointException(source, name, "unexpected tensor: not part of a " + config.numHiddenLayers()
                        + "-layer " + LlamaConfig.ARCHITECTURE);
            }
        }
    }
}
