package dev.bedside.eval.run;

import dev.bedside.dpo.data.PromptTemplate;
import dev.bedside.eval.Sample;
import dev.bedside.eval.chat.ChatBackend;
import dev.bedside.eval.chat.ChatMessage;
import dev.bedside.eval.chat.ChatOptions;
import dev.bedside.eval.chat.ChatReply;
import java.util.List;
import java.util.Map;

/**
 * A chat system (an OpenAI-compatible endpoint, e.g. a commercial model) asked the paper's way: the clinical
 * instruction as the system message, {@code Question: …\nAnswer:} as the user's. A request that fails (after
 * the backend's own retries) becomes a failed answer, marked in the results.
 */
public final class EndpointSystem implements AnswerSystem {
    private final String name;
    private final ChatBackend backend;
    private final ChatOptions options;

    public EndpointSystem(String name, ChatBackend backend, ChatOptions options) {
        this.name = name;
        this.backend = backend;
        this.options = options;
    }

    @Override public String name() { return name; }

    @Override public String kind() { return "endpoint"; }

    @Override
    public Answer answer(Sample sample, long seed) throws Exception {
        List<ChatMessage> messages = List.of(ChatMessage.system(PromptTemplate.CLINICAL_SYSTEM_PROMPT),
                ChatMessage.user("Question: " + sample.question() + "\nAnswer:"));
        long start = System.nanoTime();
        ChatReply reply = backend.complete(messages, new ChatOptions(options.maxTokens(), options.temperature(), seed, 0));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (reply.text() == null || reply.text().isBlank()) return Answer.failed("the endpoint returned an empty answer");
        return Answer.of(reply.text().strip(), Map.of("backend", backend.name(), "seconds", Math.round(seconds * 1000) / 1000.0));
    }
}
