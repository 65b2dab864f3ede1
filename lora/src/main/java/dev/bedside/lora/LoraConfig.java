package dev.bedside.lora;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.model.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The settings of a LoRA adapter, as PEFT's {@code adapter_config.json} stores them.
 *
 * @param r                   rank of the update B·A
 * @param alpha               {@code lora_alpha}: the update is scaled by alpha / r (alpha / √r with rsLoRA)
 * @param dropout             {@code lora_dropout}: dropout on the adapter's input while training, in [0, 1)
 * @param targetModules       which projections get an adapter: any of q_proj, k_proj, v_proj, o_proj,
 *                            gate_proj, up_proj, down_proj
 * @param useRslora           rank-stabilised LoRA: scale alpha / √r instead of alpha / r
 * @param baseModelNameOrPath {@code base_model_name_or_path}: a hub name or a folder; may be null
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules, boolean useRslora,
                         String baseModelNameOrPath) {

    /** The projections of a Llama block, in the order PEFT meets them (attention, then MLP). */
    public static final List<String> KNOWN_TARGETS = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    /** The paper's setting: r 32, alpha 64, dropout 0.05 on the four attention projections. */
    public static final LoraConfig PAPER = new LoraConfig(32, 64, 0.05, List.of("q_proj", "k_proj", "v_proj", "o_proj"), false, null);

    public static final String FILE_NAME = "adapter_config.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public LoraConfig {
        if (r <= 0) throw new IllegalArgumentException("LoRA rank r must be positive, got " + r);
        if (!(alpha > 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("lora_alpha must be positive and finite, got " + alpha);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("lora_dropout must lie in [0, 1), got " + dropout);
        if (targetModules == null || targetModules.isEmpty()) throw new IllegalArgumentException("target_modules is empty: name at least one of " + KNOWN_TARGETS);
        for (String target : targetModules) {
            if (!KNOWN_TARGETS.contains(target)) {
                throw new IllegalArgumentException("unknown target module '" + target + "': a Llama block has " + KNOWN_TARGETS);
            }
        }
        if (new LinkedHashSet<>(targetModules).size() != targetModules.size()) {
            throw new IllegalArgumentException("target_modules lists a module twice: " + targetModules);
        }
        targetModules = List.copyOf(targetModules);
    }

    /** The factor of the update: alpha / r, or alpha / √r with rsLoRA. */
    public double scale() {
        return useRslora ? alpha / Math.sqrt(r) : alpha / r;
    }

    public LoraConfig withBaseModel(String nameOrPath) {
        return new LoraConfig(r, alpha, dropout, targetModules, useRslora, nameOrPath);
    }

    // ------------------------------------------------------------------ adapter_config.json

    /**
     * Reads PEFT's adapter_config.json. Fields this project does not use are ignored; values that would change
     * what the adapter computes and that it does not implement (a bias, DoRA, per-layer ranks, …) are refused.
     */
    public static LoraConfig load(Path file) throws IOException {
        if (!Files.exists(file)) throw new CheckpointException(file, "missing: a PEFT adapter folder needs " + FILE_NAME);
        JsonNode json;
        try {
            json = JSON.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new CheckpointException(file, "bad JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) throw new CheckpointException(file, "not a JSON object");
        try {
            return fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, e.getMessage());
        }
    }

    static LoraConfig fromJson(JsonNode json) {
        requireText(json, "peft_type", "LORA", true);
        requireText(json, "task_type", "CAUSAL_LM", false);
        requireText(json, "bias", "none", false);
        requireFalse(json, "use_dora", "DoRA");
        requireFalse(json, "fan_in_fan_out", "fan_in_fan_out (Conv1D-style transposed weights)");
        requireFalse(json, "lora_bias", "lora_bias");
        requireEmpty(json, "rank_pattern");
        requireEmpty(json, "alpha_pattern");
        requireEmpty(json, "modules_to_save");
        requireEmpty(json, "layers_to_transform");
        requireEmpty(json, "layer_replication");
        requireEmpty(json, "exclude_modules");
        JsonNode init = json.get("init_lora_weights");
        if (init != null && !init.isNull() && !init.isBoolean()) {
            // Methods like PiSSA or OLoRA also change the base weights; the saved adapter alone would be wrong.
            throw new IllegalArgumentException("init_lora_weights " + init + " is not supported (only true or false)");
        }
        if (!json.path("r").canConvertToInt()) throw new IllegalArgumentException("r must be an integer, got " + json.get("r"));
        if (!json.path("lora_alpha").isNumber()) throw new IllegalArgumentException("lora_alpha must be a number, got " + json.get("lora_alpha"));
        JsonNode dropout = json.path("lora_dropout");
        if (!dropout.isMissingNode() && !dropout.isNull() && !dropout.isNumber()) {
            throw new IllegalArgumentException("lora_dropout must be a number, got " + dropout);
        }
        JsonNode rslora = json.path("use_rslora");
        if (!rslora.isMissingNode() && !rslora.isNull() && !rslora.isBoolean()) {
            throw new IllegalArgumentException("use_rslora must be true or false, got " + rslora);
        }
        JsonNode base = json.get("base_model_name_or_path");
        return new LoraConfig(json.get("r").asInt(), json.get("lora_alpha").asDouble(), dropout.asDouble(0),
                targets(json.get("target_modules")), rslora.asBoolean(false), base == null || base.isNull() ? null : base.asText());
    }

    private static List<String> targets(JsonNode node) {
        if (node == null || node.isNull()) throw new IllegalArgumentException("target_modules missing");
        if (node.isTextual()) {
            if (node.asText().equals("all-linear")) return KNOWN_TARGETS;
            throw new IllegalArgumentException("target_modules '" + node.asText() + "': regular expressions are not supported; list the modules");
        }
        if (!node.isArray()) throw new IllegalArgumentException("target_modules must be a list, got " + node);
        List<String> targets = new ArrayList<>();
        for (JsonNode t : node) {
            if (!t.isTextual()) throw new IllegalArgumentException("target_modules entries must be names, got " + t);
            targets.add(t.asText());
        }
        return targets;
    }

    private static void requireText(JsonNode json, String field, String expected, boolean required) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            if (required) throw new IllegalArgumentException(field + " missing (expected \"" + expected + "\")");
            return;
        }
        if (!node.asText().equals(expected)) {
            throw new IllegalArgumentException(field + " \"" + node.asText() + "\" is not supported (only \"" + expected + "\")");
        }
    }

    private static void requireFalse(JsonNode json, String field, String what) {
        JsonNode node = json.get(field);
        if (node != null && node.asBoolean(false)) throw new IllegalArgumentException(field + " is set: " + what + " is not supported");
    }

    private static void requireEmpty(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node != null && !node.isNull() && !(node.isContainerNode() && node.isEmpty())) {
            throw new IllegalArgumentException(field + " " + node + " is not supported (only empty or null)");
        }
    }

    /** PEFT's fields for this config (the defaults PEFT writes for everything else). */
    public ObjectNode toJson() {
        ObjectNode json = JSON.createObjectNode();
        json.putObject("alpha_pattern");
        json.putNull("auto_mapping");
        json.put("base_model_name_or_path", baseModelNameOrPath);
        json.put("bias", "none");
        json.put("fan_in_fan_out", false);
        json.put("inference_mode", true);
        json.put("init_lora_weights", true);
        json.putNull("layer_replication");
        json.putNull("layers_pattern");
        json.putNull("layers_to_transform");
        json.putObject("loftq_config");
        if (alpha == Math.rint(alpha)) json.put("lora_alpha", (long) alpha);
        else json.put("lora_alpha", alpha);
        json.put("lora_dropout", dropout);
        json.putNull("modules_to_save");
        json.put("peft_type", "LORA");
        json.put("r", r);
        json.putObject("rank_pattern");
        json.putNull("revision");
        var targets = json.putArray("target_modules");
        targetModules.forEach(targets::add);
        json.put("task_type", "CAUSAL_LM");
        json.put("use_dora", false);
        json.put("use_rslora", useRslora);
        return json;
    }

    /** Writes adapter_config.json atomically (a temporary file renamed over the target). */
    public void save(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
        try {
            Files.write(temporary, JSON.writeValueAsBytes(toJson()));
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    static Map<String, String> safetensorsMetadata() { return Map.of("format", "pt"); }
}
