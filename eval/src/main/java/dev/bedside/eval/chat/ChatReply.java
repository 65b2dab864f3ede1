package dev.bedside.eval.chat;

import java.util.List;

/**
 * A chat answer: its text, and per generated token the chosen token's log-probability with the top
 * alternatives (empty when log-probs were not asked for or the backend does not expose them). {@code raw} is
 * the backend's reply as received (the JSON body for an endpoint), kept for audit.
 */
public record ChatReply(String text, List<TokenLogprob> tokens, String raw) {
    public ChatReply {
        tokens = List.copyOf(tokens);
    }

    /** One generated token: its text, natural-log probability, and the most likely alternatives. */
    public record TokenLogprob(String token, double logprob, List<Alternative> top) {
        public TokenLogprob {
            top = List.copyOf(top);
        }
    }

    public record Alternative(String token, double logprob) {}
}
