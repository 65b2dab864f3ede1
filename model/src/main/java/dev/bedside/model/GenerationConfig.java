package dev.bedside.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Sampling defaults from Hugging Face's {@code generation_config.json}. Every field is optional: null (or an
 * empty list) where the file does not say.
 */
public record GenerationConfig(
        Integer bosTokenId,
        List<Integer> eosTokenIds,
        Boolean doSample,
        Double temperature,
        Double topP,
        Integer topK,
        Integer maxNewTokens,
        Double repetitionPenalty) {

    public GenerationConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    public static final GenerationConfig EMPTY = new GenerationConfig(null, List.of(), null, null, null, null, null, null);

    public static GenerationConfig load(Path file) throws IOException {
        try {
            return fromJson(new ObjectMapper().readTree(file.toFile()));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new CheckpointException(file, "not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static GenerationConfig fromJson(JsonNode json) {
        return new GenerationConfig(
                json.hasNonNull("bos_token_id") ? json.get("bos_token_id").asInt() : null,
                LlamaConfig.tokenIds(json.path("eos_token_id")),
                json.hasNonNull("do_sample") ? json.get("do_sample").asBoolean() : null,
                json.hasNonNull("temperature") ? json.get("temperature").asDouble() : null,
                json.hasNonNull("top_p") ? json.get("top_p").asDouble() : null,
                json.hasNonNull("top_k") ? json.get("top_k").asInt() : null,
                json.hasNonNull("max_new_tokens") ? json.get("max_new_tokens").asInt() : null,
                json.hasNonNull("repetition_penalty") ? json.get("repetition_penalty").asDouble() : null);
    }
}
