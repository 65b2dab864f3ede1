package dev.bedside.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.autograd.Var;
import dev.bedside.model.safetensors.SafetensorsWriter;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves a trained model as a Hugging Face folder that {@link LlamaModel#load} (and transformers) read:
 * {@code config.json}, {@code model.safetensors} and {@code generation_config.json}. The tokenizer files are
 * written by whoever trained the tokenizer.
 */
public final class HuggingFaceFolder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HuggingFaceFolder() {}

    /** {@code weights}: tensors by Hugging Face name (e.g. {@link LlamaModel#parameters()}), stored in {@code dtype}. */
    public static void save(Path dir, LlamaConfig config, Map<String, Var> weights, DType dtype, Map<String, String> metadata) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String name : LlamaLayout.expectedShapes(config).keySet()) {
            Var w = weights.get(name);
            if (w == null) throw new IllegalArgumentException("HuggingFaceFolder: no weight " + name + " to save");
            tensors.put(name, w.value());
        }
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, dtype, metadata);
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), configJson(config, dtype));
        ObjectNode generation = JSON.createObjectNode();
        if (config.bosTokenId() != null) generation.put("bos_token_id", config.bosTokenId());
        var eos = generation.putArray("eos_token_id");
        config.eosTokenIds().forEach(eos::add);
        generation.put("do_sample", false);
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("generation_config.json").toFile(), generation);
    }

    static ObjectNode configJson(LlamaConfig c, DType dtype) {
        ObjectNode json = JSON.createObjectNode();
        var architectures = json.putArray("architectures");
        c.architectures().forEach(architectures::add);
        json.put("model_type", "llama");
        json.put("hidden_size", c.hiddenSize());
        json.put("intermediate_size", c.intermediateSize());
        json.put("num_hidden_layers", c.numHiddenLayers());
        json.put("num_attention_heads", c.numAttentionHeads());
        json.put("num_key_value_heads", c.numKeyValueHeads());
        json.put("head_dim", c.headDim());
        json.put("hidden_act", "silu");
        json.put("attention_bias", false);
        json.put("mlp_bias", false);
        json.put("rope_theta", c.ropeTheta());
        json.putNull("rope_scaling");
        json.put("rms_norm_eps", c.rmsNormEps());
        json.put("tie_word_embeddings", c.tieWordEmbeddings());
        json.put("vocab_size", c.vocabSize());
        json.put("max_position_embeddings", c.maxPositionEmbeddings());
        if (c.bosTokenId() != null) json.put("bos_token_id", c.bosTokenId());
        List<Integer> eos = c.eosTokenIds();
        if (eos.size() == 1) json.put("eos_token_id", eos.getFirst());
        else {
            var ids = json.putArray("eos_token_id");
            eos.forEach(ids::add);
        }
        json.put("torch_dtype", dtype == DType.BF16 ? "bfloat16" : dtype == DType.F16 ? "float16" : "float32");
        return json;
    }
}
