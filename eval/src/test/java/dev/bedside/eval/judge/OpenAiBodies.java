package dev.bedside.eval.judge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** Chat-completion bodies as an OpenAI endpoint writes them, for the fake server. */
final class OpenAiBodies {
    private OpenAiBodies() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A body with {@code content} and no log-probs. */
    static String text(String content) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", content);
        return root.toString();
    }

    /** One generated token and its top alternatives (token → probability, written as log-probs). */
    record Tok(String token, Map<String, Double> top) {
        static Tok of(String token) {
            return new Tok(token, Map.of(token, 0.99));
        }
    }

    /** A body whose content is the concatenation of {@code tokens}, with their log-probs. */
    static String withLogprobs(List<Tok> tokens) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode choice = root.putArray("choices").addObject();
        StringBuilder content = new StringBuilder();
        ArrayNode logprobs = choice.putObject("logprobs").putArray("content");
        for (Tok t : tokens) {
            content.append(t.token());
            ObjectNode entry = logprobs.addObject();
            entry.put("token", t.token()).put("logprob", Math.log(t.top().get(t.token())));
            ArrayNode top = entry.putArray("top_logprobs");
            t.top().forEach((token, p) -> top.addObject().put("token", token).put("logprob", Math.log(p)));
        }
        choice.putObject("message").put("role", "assistant").put("content", content.toString());
        return root.toString();
    }
}
