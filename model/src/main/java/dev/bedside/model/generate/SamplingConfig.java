package dev.bedside.model.generate;

/**
 * How the next token is chosen. Temperature 0 means greedy (the most likely token, ties to the lowest id).
 * Otherwise logits are divided by the temperature, filtered by top-k (0 = off) and top-p (1 = off), and a
 * token is drawn with a generator seeded from {@code seed}, so a run is reproducible.
 *
 * @param maxTokens         stop after this many generated tokens
 * @param repetitionPenalty Hugging Face's repetition penalty ({@link RepetitionPenalty}); 1 = off
 */
public record SamplingConfig(double temperature, int topK, double topP, long seed, int maxTokens, double repetitionPenalty) {

    /** Without a repetition penalty. */
    public SamplingConfig(double temperature, int topK, double topP, long seed, int maxTokens) {
        this(temperature, topK, topP, seed, maxTokens, 1.0);
    }

    /** The paper's evaluation settings: temperature 0.3, 150 new tokens. */
    public static final SamplingConfig PAPER_EVAL = new SamplingConfig(0.3, 0, 1.0, 42, 150);

    public static SamplingConfig greedy(int maxTokens) { return new SamplingConfig(0, 0, 1.0, 0, maxTokens); }

    public SamplingConfig {
        if (temperature < 0 || Double.isNaN(temperature)) throw new IllegalArgumentException("temperature must be ≥ 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be ≥ 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        if (maxTokens < 0) throw new IllegalArgumentException("max tokens must be ≥ 0, got " + maxTokens);
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetition penalty must be positive and finite, got " + repetitionPenalty);
        }
    }

    public boolean isGreedy() { return temperature == 0; }

    public SamplingConfig withRepetitionPenalty(double penalty) {
        return new SamplingConfig(temperature, topK, topP, seed, maxTokens, penalty);
    }
}
