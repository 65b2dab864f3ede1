package dev.bedside.cli.serve;

/** What the scheduler tells a request's handler, in order: pieces of text, then Done or Failed. */
sealed interface Event {
    /** Newly generated text (may be empty while a character or a possible stop string is held back). */
    record Piece(String text, TokenLogprob logprob) implements Event {}

    /** Generation ended: {@code finishReason} is "stop" (EOS or a stop string) or "length". */
    record Done(String finishReason, int promptTokens, int completionTokens) implements Event {}

    record Failed(ApiError error) implements Event {}
}
