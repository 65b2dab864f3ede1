package dev.bedside.cli.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The response bodies of one request in OpenAI's shapes: {@code chat.completion} / {@code chat.completion.chunk}
 * for chat, {@code text_completion} for plain completions (whole, or one chunk per streamed piece).
 */
final class Responses {
    private final boolean chat;
    private final String id, model;
    private final long created;

    Responses(boolean chat, String id, String model, long created) {
        this.chat = chat;
        this.id = id;
        this.model = model;
        this.created = created;
    }

    /** The whole answer of a non-streaming request. */
    ObjectNode whole(String text, List<TokenLogprob> logprobs, String finishReason, ObjectNode usage) {
        ObjectNode root = header(chat ? "chat.completion" : "text_completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) choice.putObject("message").put("role", "assistant").put("content", text);
        else choice.put("text", text);
        putLogprobs(choice, logprobs);
        choice.put("finish_reason", finishReason);
        root.set("usage", usage);
        return root;
    }

    /** A streamed piece; the first chunk of a chat stream also carries the role. */
    ObjectNode chunk(String text, TokenLogprob logprob, boolean first) {
        ObjectNode root = header(chat ? "chat.completion.chunk" : "text_completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode delta = choice.putObject("delta");
            if (first) delta.put("role", "assistant");
            delta.put("content", text);
        } else {
            choice.put("text", text);
        }
        putLogprobs(choice, logprob == null ? null : List.of(logprob));
        choice.putNull("finish_reason");
        return root;
    }

    /** The last chunk of a stream: no text, the finish reason. */
    ObjectNode finalChunk(String finishReason) {
        ObjectNode root = header(chat ? "chat.completion.chunk" : "text_completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) choice.putObject("delta");
        else choice.put("text", "");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return root;
    }

    /** With stream_options.include_usage: a chunk with no choices and the token counts. */
    ObjectNode usageChunk(ObjectNode usage) {
        ObjectNode root = header(chat ? "chat.completion.chunk" : "text_completion");
        root.putArray("choices");
        root.set("usage", usage);
        return root;
    }

    private ObjectNode header(String object) {
        ObjectNode root = Wire.JSON.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }

    private void putLogprobs(ObjectNode choice, List<TokenLogprob> logprobs) {
        if (logprobs == null) {
            choice.putNull("logprobs");
        } else if (chat) {
            ArrayNode content = choice.putObject("logprobs").putArray("content");
            for (TokenLogprob t : logprobs) {
                ObjectNode entry = alternative(content.addObject(), t.chosen());
                ArrayNode top = entry.putArray("top_logprobs");
                for (TokenLogprob.Alternative a : t.top()) alternative(top.addObject(), a);
            }
        } else {
            // The legacy shape: parallel arrays, and per token a map from text to log-probability.
            ObjectNode node = choice.putObject("logprobs");
            ArrayNode tokens = node.putArray("tokens"), tokenLogprobs = node.putArray("token_logprobs");
            ArrayNode top = node.putArray("top_logprobs"), offsets = node.putArray("text_offset");
            int offset = 0;
            for (TokenLogprob t : logprobs) {
                tokens.add(t.chosen().token());
                tokenLogprobs.add(t.chosen().logprob());
                ObjectNode alternatives = top.addObject();
                for (TokenLogprob.Alternative a : t.top()) if (!alternatives.has(a.token())) alternatives.put(a.token(), a.logprob());
                offsets.add(offset);
                offset += t.chosen().token().length();
            }
        }
    }

    private static ObjectNode alternative(ObjectNode node, TokenLogprob.Alternative a) {
        node.put("token", a.token());
        node.put("logprob", a.logprob());
        ArrayNode bytes = node.putArray("bytes");
        for (byte b : a.bytes()) bytes.add(b & 0xFF);
        return node;
    }
}
