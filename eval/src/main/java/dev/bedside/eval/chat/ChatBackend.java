package dev.bedside.eval.chat;

import java.io.IOException;
import java.util.List;

/**
 * Anything that answers a chat: a Bedside model in this process or an OpenAI-compatible endpoint. The judge,
 * the evaluation's "endpoint" systems and the model-written preference pairs all talk to this seam.
 */
public interface ChatBackend {

    /** A short name for reports and logs (the model id, or the endpoint's name). */
    String name();

    ChatReply complete(List<ChatMessage> messages, ChatOptions options) throws IOException;
}
