package dev.bedside.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a Llama 3.x model, as Hugging Face's {@code config.json} describes it.
 * {@code ropeScaling} is null for plain RoPE; {@code bosTokenId} may be null; {@code eosTokenIds} holds one
 * or more ids (the json may give an int or a list).
 */
public record LlamaConfig(
        List<String> architectures,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        double ropeTheta,
        RopeScaling ropeScaling,
        double rmsNormEps,
        boolean tieWordEmbeddings,
        int vocabSize,
        int maxPositionEmbeddings,
        Integer bosTokenId,
        List<Integer> eosTokenIds,
        String torchDtype) {

    public static final String ARCHITECTURE = "LlamaForCausalLM";

    /** Names accepted by {@link #preset}: resources under dev/bedside/model/presets/. */
    public static final List<String> PRESETS = List.of("llama-100m", "llama-3.1-8b", "llama-3.2-1b", "smollm2-135m", "tiny-llama31");

    private static final ObjectMapper JSON = new ObjectMapper();

    public LlamaConfig {
        architectures = List.copyOf(architectures);
        eosTokenIds = List.copyOf(eosTokenIds);
        if (!architectures.contains(ARCHITECTURE)) {
            throw new IllegalArgumentException("unsupported architecture " + architectures + ": only " + ARCHITECTURE + " is supported");
        }
        requirePositive("hidden_size", hiddenSize);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("num_hidden_layers", numHiddenLayers);
        requirePositive("num_attention_heads", numAttentionHeads);
        requirePositive("num_key_value_heads", numKeyValueHeads);
        requirePositive("head_dim", headDim);
        requirePositive("vocab_size", vocabSize);
        requirePositive("max_position_embeddings", maxPositionEmbeddings);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numAttentionHeads
                    + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
        }
        if (headDim % 2 != 0) throw new IllegalArgumentException("head_dim " + headDim + " is odd: rotary pairs need it even");
        if (!(ropeTheta > 0)) throw new IllegalArgumentException("rope_theta must be positive, got " + ropeTheta);
        if (!(rmsNormEps > 0)) throw new IllegalArgumentException("rms_norm_eps must be positive, got " + rmsNormEps);
    }

    /** Width of all query heads together: numAttentionHeads · headDim (not always hiddenSize). */
    public int queryDim() { return numAttentionHeads * headDim; }

    /** Width of all key (or value) heads together: numKeyValueHeads · headDim. */
    public int keyValueDim() { return numKeyValueHeads * headDim; }

    /** This config with another rotary scaling (null for plain RoPE). */
    public LlamaConfig withRopeScaling(RopeScaling scaling) {
        return new LlamaConfig(architectures, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, ropeTheta, scaling, rmsNormEps, tieWordEmbeddings, vocabSize,
                maxPositionEmbeddings, bosTokenId, eosTokenIds, torchDtype);
    }

    /** Reads {@code config.json}; the message names the file when a field is missing or wrong. */
    public static LlamaConfig load(Path configJson) throws IOException {
        try {
            return fromJson(JSON.readTree(configJson.toFile()));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(configJson, e.getMessage(), e);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new CheckpointException(configJson, "not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A known model shape by name (see {@link #PRESETS}), e.g. for benchmarks without the weights. */
    public static LlamaConfig preset(String name) {
        try (InputStream in = LlamaConfig.class.getResourceAsStream("presets/" + name + ".json")) {
            if (in == null) throw new IllegalArgumentException("unknown config preset '" + name + "'; known: " + PRESETS);
            return fromJson(JSON.readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException("preset " + name + " unreadable", e);
        }
    }

    /** Parses a config.json tree, filling Hugging Face's defaults for the optional fields. */
    public static LlamaConfig fromJson(JsonNode json) {
        if (!json.isObject()) throw new IllegalArgumentException("config is not a JSON object");
        List<String> architectures = new ArrayList<>();
        json.path("architectures").forEach(a -> architectures.add(a.asText()));
        if (!architectures.contains(ARCHITECTURE)) {
            throw new IllegalArgumentException("unsupported architecture " + architectures + " (model_type "
                    + json.path("model_type").asText("?") + "): only " + ARCHITECTURE + " is supported");
        }
        int hidden = requiredInt(json, "hidden_size");
        int heads = requiredInt(json, "num_attention_heads");
        if (!json.hasNonNull("head_dim") && hidden % heads != 0) {
            throw new IllegalArgumentException("hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        return new LlamaConfig(
                architectures,
                hidden,
                requiredInt(json, "intermediate_size"),
                requiredInt(json, "num_hidden_layers"),
                heads,
                optionalInt(json, "num_key_value_heads", heads),
                optionalInt(json, "head_dim", hidden / heads),
                json.path("rope_theta").asDouble(10000.0),
                ropeScaling(json.path("rope_scaling")),
                json.path("rms_norm_eps").asDouble(1e-6),
                json.path("tie_word_embeddings").asBoolean(false),
                requiredInt(json, "vocab_size"),
                optionalInt(json, "max_position_embeddings", 2048),
                json.hasNonNull("bos_token_id") ? json.get("bos_token_id").asInt() : null,
                tokenIds(json.path("eos_token_id")),
                json.path("torch_dtype").asText(json.path("dtype").asText("float32")));
    }

    private static RopeScaling ropeScaling(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) return null;
        String type = node.path("rope_type").asText(node.path("type").asText(""));
        if (type.equals("default")) return null;
        if (!type.equals("llama3")) {
            throw new IllegalArgumentException("unsupported rope_scaling type '" + type + "': only llama3 (or none) is supported");
        }
        for (String key : List.of("factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings")) {
            if (!node.hasNonNull(key)) throw new IllegalArgumentException("rope_scaling llama3 lacks '" + key + "'");
        }
        return new RopeScaling(node.get("factor").asDouble(), node.get("low_freq_factor").asDouble(),
                node.get("high_freq_factor").asDouble(), node.get("original_max_position_embeddings").asInt());
    }

    /** An int or a list of ints (eos_token_id is either). */
    static List<Integer> tokenIds(JsonNode node) {
        List<Integer> ids = new ArrayList<>();
        if (node.isArray()) node.forEach(id -> ids.add(id.asInt()));
        else if (node.isIntegralNumber()) ids.add(node.asInt());
        return ids;
    }

    private static int requiredInt(JsonNode json, String key) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) throw new IllegalArgumentException("config lacks '" + key + "'");
        if (!node.canConvertToInt()) throw new IllegalArgumentException("'" + key + "' is not an int: " + node);
        return node.asInt();
    }

    private static int optionalInt(JsonNode json, String key, int fallback) {
        return json.hasNonNull(key) ? requiredInt(json, key) : fallback;
    }

    private static void requirePositive(String key, int value) {
        if (value <= 0) throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
}
