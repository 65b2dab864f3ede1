package dev.bedside.cli.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bedside.model.tokenizer.ChatFormat.Message;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a completion request body into a {@link CompletionRequest}, checking every field it knows: a field of
 * the wrong type or out of range is a 400 naming the field. Fields it does not know are ignored (clients send
 * extras such as {@code user} or {@code frequency_penalty}); JSON {@code null} counts as absent.
 */
final class RequestParser {
    static final int MAX_TOP_LOGPROBS = 20;
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

    private RequestParser() {}

    static CompletionRequest parse(byte[] body, boolean chat) {
        JsonNode root;
        try {
            root = Wire.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid("the body is not valid JSON: " + e.getOriginalMessage(), null, "invalid_json");
        } catch (IOException e) {
            throw ApiError.invalid("the body could not be read: " + e.getMessage(), null, "invalid_json");
        }
        if (root == null || !root.isObject()) throw ApiError.invalid("the body must be a JSON object", null, "invalid_json");

        String model = string(root, "model");
        List<Message> messages = null;
        String prompt = null;
        int[] promptIds = null;
        if (chat) {
            messages = messages(root);
        } else {
            JsonNode p = present(root, "prompt");
            if (p == null) throw ApiError.invalid("'prompt' is required", "prompt");
            if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) p = p.get(0);
            if (p.isTextual()) {
                prompt = p.asText();
            } else if (p.isArray() && !p.isEmpty() && allInts(p)) {
                promptIds = new int[p.size()];
                for (int i = 0; i < promptIds.length; i++) promptIds[i] = p.get(i).intValue();
            } else {
                throw ApiError.invalid("'prompt' must be a string or a non-empty array of token ids (one prompt per request)", "prompt");
            }
        }
        Integer maxTokens = integer(root, chat && present(root, "max_completion_tokens") != null ? "max_completion_tokens" : "max_tokens", 1, Integer.MAX_VALUE);
        Double temperature = number(root, "temperature", 0, 2);
        Double topP = number(root, "top_p", 0, 1);
        if (topP != null && topP == 0) throw ApiError.invalid("'top_p' must be greater than 0", "top_p");
        Long seed = present(root, "seed") == null ? null : longValue(root, "seed");
        Integer n = integer(root, "n", 1, Integer.MAX_VALUE);
        if (n != null && n != 1) throw ApiError.invalid("only n = 1 is supported, got " + n, "n");
        List<String> stop = stop(root);
        boolean stream = bool(root, "stream");
        boolean includeUsage = false;
        JsonNode options = present(root, "stream_options");
        if (options != null) {
            if (!options.isObject()) throw ApiError.invalid("'stream_options' must be an object", "stream_options");
            includeUsage = bool(options, "include_usage");
        }

        boolean logprobs;
        int top;
        if (chat) {
            logprobs = bool(root, "logprobs");
            Integer t = integer(root, "top_logprobs", 0, MAX_TOP_LOGPROBS);
            if (t != null && !logprobs) throw ApiError.invalid("'top_logprobs' needs 'logprobs': true", "top_logprobs");
            top = t == null ? 0 : t;
        } else {
            Integer t = integer(root, "logprobs", 0, MAX_TOP_LOGPROBS);   // the legacy API: an integer, the alternatives per token
            logprobs = t != null;
            top = t == null ? 0 : t;
        }
        return new CompletionRequest(chat, model, messages, prompt, promptIds, maxTokens, temperature, topP, seed, stop,
                logprobs, top, stream, includeUsage);
    }

    private static List<Message> messages(JsonNode root) {
        JsonNode list = present(root, "messages");
        if (list == null) throw ApiError.invalid("'messages' is required", "messages");
        if (!list.isArray() || list.isEmpty()) throw ApiError.invalid("'messages' must be a non-empty array", "messages");
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String where = "messages[" + i + "]";
            JsonNode m = list.get(i);
            if (!m.isObject()) throw ApiError.invalid(where + " must be an object", where);
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) throw ApiError.invalid(where + ".role must be a string", where + ".role");
            if (!ROLES.contains(role.asText())) {
                throw ApiError.invalid(where + ".role '" + role.asText() + "' is not one of system, developer, user, assistant", where + ".role");
            }
            String name = role.asText().equals("developer") ? "system" : role.asText();
            messages.add(new Message(name, content(m.get("content"), where + ".content")));
        }
        return messages;
    }

    /** A string, or an array of {"type": "text", "text": ...} parts joined together. */
    private static String content(JsonNode content, String where) {
        if (content != null && content.isTextual()) return content.asText();
        if (content != null && content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiError.invalid(where + ": only text parts ({\"type\": \"text\", \"text\": ...}) are supported", where);
                }
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        throw ApiError.invalid(where + " must be a string or an array of text parts", where);
    }

    private static List<String> stop(JsonNode root) {
        JsonNode stop = present(root, "stop");
        if (stop == null) return List.of();
        List<String> list = new ArrayList<>();
        if (stop.isTextual()) {
            list.add(stop.asText());
        } else if (stop.isArray() && stop.size() <= 4) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) throw ApiError.invalid("'stop' must be a string or an array of up to 4 strings", "stop");
                list.add(s.asText());
            }
        } else {
            throw ApiError.invalid("'stop' must be a string or an array of up to 4 strings", "stop");
        }
        if (list.stream().anyMatch(String::isEmpty)) throw ApiError.invalid("'stop' strings must not be empty", "stop");
        return List.copyOf(list);
    }

    /** The field, or null when it is absent or JSON null. */
    private static JsonNode present(JsonNode root, String name) {
        JsonNode v = root.get(name);
        return v == null || v.isNull() ? null : v;
    }

    private static boolean allInts(JsonNode array) {
        for (JsonNode v : array) if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) return false;
        return true;
    }

    private static String string(JsonNode root, String name) {
        JsonNode v = present(root, name);
        if (v == null) return null;
        if (!v.isTextual()) throw ApiError.invalid("'" + name + "' must be a string", name);
        return v.asText();
    }

    private static boolean bool(JsonNode root, String name) {
        JsonNode v = present(root, name);
        if (v == null) return false;
        if (!v.isBoolean()) throw ApiError.invalid("'" + name + "' must be true or false", name);
        return v.booleanValue();
    }

    private static Integer integer(JsonNode root, String name, int min, int max) {
        JsonNode v = present(root, name);
        if (v == null) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw ApiError.invalid("'" + name + "' must be an integer", name);
        int i = v.intValue();
        if (i < min || i > max) {
            throw ApiError.invalid("'" + name + "' must be " + (max == Integer.MAX_VALUE ? "at least " + min : "in [" + min + ", " + max + "]")
                    + ", got " + i, name);
        }
        return i;
    }

    private static long longValue(JsonNode root, String name) {
        JsonNode v = root.get(name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw ApiError.invalid("'" + name + "' must be an integer", name);
        return v.longValue();
    }

    private static Double number(JsonNode root, String name, double min, double max) {
        JsonNode v = present(root, name);
        if (v == null) return null;
        if (!v.isNumber()) throw ApiError.invalid("'" + name + "' must be a number", name);
        double d = v.doubleValue();
        if (!(d >= min && d <= max)) throw ApiError.invalid("'" + name + "' must be in [" + min + ", " + max + "], got " + d, name);
        return d;
    }
}
