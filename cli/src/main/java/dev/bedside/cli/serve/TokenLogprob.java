package dev.bedside.cli.serve;

import dev.bedside.model.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * A generated token's natural-log probability under the model (before temperature, as OpenAI reports it) and
 * the {@code top} most likely alternatives, highest first.
 */
record TokenLogprob(Alternative chosen, List<Alternative> top) {

    /** A token: its text (U+FFFD where it holds part of a character), its UTF-8 bytes, its log-probability. */
    record Alternative(String token, byte[] bytes, double logprob) {}

    static TokenLogprob of(Tokenizer tokenizer, float[] logits, int chosen, int top) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float v : logits) max = Math.max(max, v);
        for (float v : logits) sum += Math.exp(v - max);
        double logSumExp = max + Math.log(sum);
        List<Alternative> alternatives = new ArrayList<>();
        for (int id : topIds(logits, top)) alternatives.add(alternative(tokenizer, id, logits[id] - logSumExp));
        return new TokenLogprob(alternative(tokenizer, chosen, logits[chosen] - logSumExp), alternatives);
    }

    private static Alternative alternative(Tokenizer tokenizer, int id, double logprob) {
        return new Alternative(tokenizer.decode(new int[] {id}), tokenizer.tokenBytes(id), logprob);
    }

    /** The k largest logits' ids, highest first, ties to the lower id (insertion into a short sorted list). */
    static int[] topIds(float[] x, int k) {
        k = Math.min(k, x.length);
        int[] best = new int[k];
        int size = 0;
        for (int j = 0; j < x.length && k > 0; j++) {
            float value = x[j];
            if (size == k && value <= x[best[k - 1]]) continue;
            int at = size < k ? size++ : k - 1;
            while (at > 0 && x[best[at - 1]] < value) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = j;
        }
        return best;
    }
}
