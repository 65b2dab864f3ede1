package dev.bedside.cli.serve;

import dev.bedside.model.tokenizer.ChatFormat.Message;
import java.util.List;

/**
 * One validated request to {@code /v1/chat/completions} ({@code chat}, with {@code messages}) or
 * {@code /v1/completions} (with {@code prompt} text or {@code promptIds}). Absent optional numbers are null.
 *
 * @param topLogprobs alternatives per token when {@code logprobs} is on (0 = only the chosen token's)
 */
record CompletionRequest(boolean chat, String model, List<Message> messages, String prompt, int[] promptIds,
                         Integer maxTokens, Double temperature, Double topP, Long seed, List<String> stop,
                         boolean logprobs, int topLogprobs, boolean stream, boolean includeUsage) {}
