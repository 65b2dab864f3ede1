package dev.bedside.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code tokenizer_config.json} says: the BOS/EOS token texts, the chat template (kept as text), and the
 * added tokens by id ({@code added_tokens_decoder}). Absent entries are null / empty.
 */
public record TokenizerConfig(String bosToken, String eosToken, String chatTemplate, Map<Integer, String> addedTokens) {

    public static TokenizerConfig read(Path file) throws IOException {
        JsonNode root = Json.read(file);
        if (!root.isObject()) throw Json.error(file, "expected a JSON object at the top");
        Map<Integer, String> added = new TreeMap<>();
        JsonNode decoder = root.path("added_tokens_decoder");
        for (var entry : decoder.properties()) {
            int id;
            try {
                id = Integer.parseInt(entry.getKey());
            } catch (NumberFormatException e) {
                throw Json.error(file, "added_tokens_decoder key '" + entry.getKey() + "' is not an id");
            }
            String content = entry.getValue().path("content").textValue();
            if (content == null) throw Json.error(file, "added_tokens_decoder." + id + " has no \"content\" string");
            added.put(id, content);
        }
        return new TokenizerConfig(tokenText(root, "bos_token", file), tokenText(root, "eos_token", file),
                root.path("chat_template").isTextual() ? root.get("chat_template").textValue() : null, Map.copyOf(added));
    }

    /** A token is written either as a string or as an object with "content" (older files). */
    private static String tokenText(JsonNode root, String key, Path file) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) return null;
        if (node.isTextual()) return node.textValue();
        if (node.path("content").isTextual()) return node.get("content").textValue();
        throw Json.error(file, "\"" + key + "\" is neither a string nor an object with \"content\"");
    }
}
