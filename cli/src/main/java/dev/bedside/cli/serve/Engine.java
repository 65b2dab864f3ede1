package dev.bedside.cli.serve;

import dev.bedside.model.LlamaModel;
import dev.bedside.model.tokenizer.Tokenizer;
import java.util.List;
import java.util.Set;

/** The model with its tokenizer and adapters, as the scheduler drives it: prefill a prompt, then decode steps. */
final class Engine {
    final LlamaModel model;
    final Tokenizer tokenizer;
    final Set<Integer> eosIds;
    final Adapters adapters;

    Engine(LlamaModel model, Tokenizer tokenizer, Set<Integer> eosIds, Adapters adapters) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.eosIds = Set.copyOf(eosIds);
        this.adapters = adapters;
    }

    /** The longest sequence (prompt and generated tokens) one request may reach. */
    int contextLength() { return model.contextLength(); }

    /** Gives the sequence its own KV cache, runs its prompt, and leaves the next token's logits in it. */
    void prefill(Sequence s) {
        adapters.use(s.adapter);
        s.cache = model.newCache(s.prompt.length + s.maxTokens);
        s.logits = model.lastLogits(model.hidden(s.prompt, s.cache));
    }

    /** One decode step for sequences that share an adapter: each one's last token goes in, its next logits come out. */
    void decode(List<Sequence> group) {
        adapters.use(group.getFirst().adapter);
        for (Sequence s : group) s.logits = model.lastLogits(model.hidden(new int[] {s.lastToken}, s.cache));
    }
}
