package dev.bedside.model.generate;

/**
 * Hugging Face's repetition penalty (transformers' RepetitionPenaltyLogitsProcessor, from the CTRL paper): the
 * logit of every token already in the sequence, prompt included, is divided by the penalty where it is positive
 * and multiplied by it where it is negative, so a penalty above 1 makes any seen token less likely. Each id is
 * penalised once, however often it occurred. A penalty of 1 changes nothing.
 */
public final class RepetitionPenalty {
    private final double penalty;
    private final boolean[] seen;

    /** @param vocabSize the length of the logit rows this will see */
    public RepetitionPenalty(double penalty, int vocabSize) {
        if (!(penalty > 0) || Double.isInfinite(penalty)) throw new IllegalArgumentException("repetition penalty must be positive and finite, got " + penalty);
        this.penalty = penalty;
        this.seen = new boolean[vocabSize];
    }

    /** Marks ids as part of the sequence; ids outside the vocabulary are refused. */
    public void see(int... ids) {
        for (int id : ids) {
            if (id < 0 || id >= seen.length) throw new IllegalArgumentException("repetition penalty: token id " + id + " outside the vocabulary of " + seen.length);
            seen[id] = true;
        }
    }

    /** Penalises, in place, the logits of every id seen so far. */
    public void apply(float[] logits) {
        if (logits.length != seen.length) throw new IllegalArgumentException("repetition penalty: logits of length " + logits.length + ", vocabulary " + seen.length);
        if (penalty == 1) return;
        for (int id = 0; id < logits.length; id++) {
            if (!seen[id]) continue;
            logits[id] = (float) (logits[id] > 0 ? logits[id] / penalty : logits[id] * penalty);
        }
    }
}
