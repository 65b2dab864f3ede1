package dev.bedside.cli.serve;

import dev.bedside.model.KvCache;
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

    /**
     * One decode step for sequences that share an adapter, batched: each one's last token goes in (after its own
     * KV cache), its next logits come out; the weights are read once for the whole group.
     */
    void decode(List<Sequence> group) {
        adapters.use(group.getFirst().adapter);
        if (group.size() == 1) {   // alone: exactly the path of bedside generate
            Sequence s = group.getFirst();
            s.logits = model.lastLogits(model.hidden(new int[] {s.lastToken}, s.cache));
            return;
        }
        int[] ids = new int[group.size()];
        KvCache[] caches = new KvCache[group.size()];
        for (int b = 0; b < ids.length; b++) {
            ids[b] = group.get(b).lastToken;
            caches[b] = group.get(b).cache;
        }
        float[][] logits = model.decodeStep(ids, caches);
        for (int b = 0; b < ids.length; b++) group.get(b).logits = logits[b];
    }
}
