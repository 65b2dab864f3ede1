package dev.bedside.cli.serve;

import dev.bedside.model.KvCache;
import dev.bedside.model.generate.RepetitionPenalty;
import dev.bedside.model.generate.Sampler;
import dev.bedside.model.generate.SamplingConfig;
import dev.bedside.model.generate.StreamingText;
import dev.bedside.model.tokenizer.Tokenizer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One request inside the scheduler: its prompt, its own KV cache and sampler, and the events its handler
 * reads. Only the scheduler thread touches the generation state; the handler only reads {@link #events} and
 * sets {@link #cancel()} when its client goes away.
 */
final class Sequence {
    final int[] prompt;
    final String adapter;          // null: the base model
    final int maxTokens;
    final SamplingConfig sampling;
    final boolean logprobs;
    final int topLogprobs;
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile boolean cancelled;

    // Generation state, scheduler thread only.
    private final Sampler sampler;
    private RepetitionPenalty penalty;   // made at the first token, when the vocabulary size is known; null when off
    private final StopMatcher stop;
    private StreamingText text;
    KvCache cache;
    float[] logits;                // the distribution of the next token, once prefilled or stepped
    int lastToken;
    private int generated;

    Sequence(int[] prompt, String adapter, SamplingConfig sampling, List<String> stops, boolean logprobs, int topLogprobs) {
        this.prompt = prompt;
        this.adapter = adapter;
        this.maxTokens = sampling.maxTokens();
        this.sampling = sampling;
        this.logprobs = logprobs;
        this.topLogprobs = topLogprobs;
        this.sampler = new Sampler(sampling);
        this.stop = new StopMatcher(stops);
    }

    void cancel() { cancelled = true; }

    boolean cancelled() { return cancelled; }

    /**
     * Chooses the next token from {@link #logits} and reports it. Returns true when generation goes on (the
     * token in {@link #lastToken} must then be fed to the model), false once it is done and Done was sent.
     * The rules are {@link dev.bedside.model.generate.Generator}'s: a repetition penalty first (logprobs then
     * report the penalised distribution), an EOS id ends it unshown, the token limit ends it after the token.
     */
    boolean advance(Tokenizer tokenizer, Set<Integer> eosIds) {
        if (text == null) {
            text = new StreamingText(tokenizer);
            if (sampling.repetitionPenalty() != 1) {
                penalty = new RepetitionPenalty(sampling.repetitionPenalty(), logits.length);
                penalty.see(prompt);
            }
        }
        if (penalty != null) penalty.apply(logits);
        int next = sampler.next(logits);
        if (penalty != null) penalty.see(next);
        if (eosIds.contains(next)) return finish("stop");
        generated++;
        lastToken = next;
        TokenLogprob logprob = logprobs ? TokenLogprob.of(tokenizer, logits, next, topLogprobs) : null;
        String piece = stop.accept(text.accept(next));
        events.add(new Event.Piece(piece, logprob));
        if (stop.stopped()) return finish("stop");
        if (generated >= maxTokens) return finish("length");
        return true;
    }

    private boolean finish(String reason) {
        String rest = text == null ? "" : stop.accept(text.finish());
        rest += stop.finish();
        if (!rest.isEmpty()) events.add(new Event.Piece(rest, null));
        events.add(new Event.Done(stop.stopped() ? "stop" : reason, prompt.length, generated));
        release();
        return false;
    }

    void fail(ApiError error) {
        events.add(new Event.Failed(error));
        release();
    }

    /** Drops the KV cache at once: its memory is the slot. */
    void release() {
        cache = null;
        logits = null;
    }
}
