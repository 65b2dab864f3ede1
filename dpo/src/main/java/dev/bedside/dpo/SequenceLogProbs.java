package dev.bedside.dpo;

import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.BasicOps;
import dev.bedside.autograd.LossOps;
import dev.bedside.autograd.Var;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.model.LlamaModel;

/**
 * The log-probability a model gives a completion after a prompt, as TRL's DPOTrainer computes it:
 * <pre>
 *   ids = prompt + completion,   log p = Σ over completion positions t of log softmax(logits[t − 1])[ids[t]]
 * </pre>
 * (prompt tokens masked, labels shifted by one). Only the hidden rows that predict completion tokens go
 * through the LM head, chunk by chunk, in the head's own storage: no [T, vocab] logits are ever held.
 */
public final class SequenceLogProbs {
    private SequenceLogProbs() {}

    /** Σ log p(completion | prompt) as a one-element Var; differentiable when the model has trainable adapters. */
    public static Var of(LlamaModel model, int[] promptIds, int[] completionIds) {
        return BasicOps.sum(perToken(model, promptIds, completionIds));
    }

    /** log p of each completion token [C]. */
    public static Var perToken(LlamaModel model, int[] promptIds, int[] completionIds) {
        if (promptIds.length == 0) throw new IllegalArgumentException("SequenceLogProbs: empty prompt (the first completion token needs a context, e.g. BOS)");
        if (completionIds.length == 0) throw new IllegalArgumentException("SequenceLogProbs: empty completion");
        int[] ids = new int[promptIds.length + completionIds.length];
        System.arraycopy(promptIds, 0, ids, 0, promptIds.length);
        System.arraycopy(completionIds, 0, ids, promptIds.length, completionIds.length);
        Var hidden = model.hidden(ids, null);                                   // [T, D]
        // Row t predicts ids[t + 1]: rows P−1 … T−2 predict the completion.
        Var predicting = BasicOps.sliceRows(hidden, promptIds.length - 1, ids.length - 1);
        return LossOps.logProbsOfTargets(predicting, model.lmHeadVar(), completionIds);   // a frozen head is read in place
    }

    /**
     * The reference model's log-prob: the same model with the adapter switched off, without recording anything.
     * The adapter's on/off state is restored afterwards.
     */
    public static double reference(LoraAdapter adapter, int[] promptIds, int[] completionIds) {
        boolean wasEnabled = adapter.isEnabled();
        adapter.setEnabled(false);
        try (var scope = Autograd.noGrad()) {
            return of(adapter.model(), promptIds, completionIds).item();
        } finally {
            adapter.setEnabled(wasEnabled);
        }
    }
}
