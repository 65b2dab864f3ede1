package dev.bedside.eval.chat;

/**
 * Sampling settings for one request. {@code topLogprobs} &gt; 0 asks for the log-probabilities of that many
 * alternatives at every generated token (G-Eval weighs the score tokens by them); 0 asks for none.
 */
public record ChatOptions(int maxTokens, double temperature, long seed, int topLogprobs) {
    /** The paper's generation settings: 150 new tokens at temperature 0.3. */
    public static final ChatOptions PAPER = new ChatOptions(150, 0.3, 42, 0);
}
