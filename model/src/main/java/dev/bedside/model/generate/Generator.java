package dev.bedside.model.generate;

import dev.bedside.autograd.Autograd;
import dev.bedside.model.KvCache;
import dev.bedside.model.LlamaModel;
import java.util.Arrays;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Autoregressive generation with a KV cache: the prompt is processed in one batched prefill, then each
 * new token costs one single-row forward pass. Stops at any end-of-sequence id, at the token limit, or when
 * the context is full.
 */
public final class Generator {
    /** Why generation stopped, with OpenAI's names: {@code stop} (an EOS id) or {@code length}. */
    public enum StopReason { STOP, LENGTH }

    /** The generated ids (without the prompt; an EOS that stopped generation is not included). */
    public record Result(int[] tokens, StopReason stopReason, int promptTokens) {}

    private final LlamaModel model;
    private final Set<Integer> eosIds;

    public Generator(LlamaModel model, Set<Integer> eosIds) {
        this.model = model;
        this.eosIds = Set.copyOf(eosIds);
    }

    /** Generates after {@code prompt}; {@code onToken} sees each token as soon as it is chosen (streaming). */
    public Result generate(int[] prompt, SamplingConfig config, IntConsumer onToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("generate: the prompt has no tokens");
        if (prompt.length >= model.contextLength()) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens leaves no room in the context of "
                    + model.contextLength());
        }
        Sampler sampler = new Sampler(config);
        RepetitionPenalty penalty = config.repetitionPenalty() == 1 ? null : new RepetitionPenalty(config.repetitionPenalty(), model.config().vocabSize());
        if (penalty != null) penalty.see(prompt);   // as Hugging Face: the prompt's tokens count as seen
        int capacity = Math.min(model.contextLength(), prompt.length + config.maxTokens());
        int[] out = new int[config.maxTokens()];
        int count = 0;
        StopReason reason = StopReason.LENGTH;
        try (var scope = Autograd.noGrad()) {
            KvCache cache = model.newCache(capacity);
            float[] logits = model.lastLogits(model.hidden(prompt, cache));
            while (count < config.maxTokens()) {
                if (penalty != null) penalty.apply(logits);   // before temperature, top-k and top-p, as transformers orders them
                int next = sampler.next(logits);
                if (eosIds.contains(next)) {
                    reason = StopReason.STOP;
                    break;
                }
                out[count++] = next;
                if (penalty != null) penalty.see(next);
                onToken.accept(next);
                if (count == config.maxTokens() || cache.length() >= cache.capacity()) break;
                logits = model.lastLogits(model.hidden(new int[] {next}, cache));
            }
        }
        return new Result(Arrays.copyOf(out, count), reason, prompt.length);
    }
}
