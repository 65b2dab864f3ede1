package dev.bedside.model.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks the next token from a row of logits, as Hugging Face's generate does: temperature, top-k, top-p. */
public final class Sampler {
    private final SamplingConfig config;
    private final SplittableRandom random;

    public Sampler(SamplingConfig config) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
    }

    public int next(float[] logits) {
        return config.isGreedy() ? argmax(logits) : sample(logits);
    }

    /** Index of the largest logit; the first one on ties. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    private int sample(float[] logits) {
        int n = logits.length;
        int[] order = sortedByLogitDescending(logits);
        int kept = config.topK() > 0 ? Math.min(config.topK(), n) : n;

        // Softmax of logit / temperature over the kept candidates, in double.
        double max = logits[order[0]] / config.temperature();
        double[] probs = new double[kept];
        double total = 0;
        for (int i = 0; i < kept; i++) total += probs[i] = Math.exp(logits[order[i]] / config.temperature() - max);
        for (int i = 0; i < kept; i++) probs[i] /= total;

        // Nucleus: the smallest prefix whose probability reaches top-p (always at least one token).
        if (config.topP() < 1) {
            double cumulative = 0;
            int prefix = 0;
            while (prefix < kept) {
                cumulative += probs[prefix++];
                if (cumulative >= config.topP()) break;
            }
            kept = prefix;
            double sum = 0;
            for (int i = 0; i < kept; i++) sum += probs[i];
            for (int i = 0; i < kept; i++) probs[i] /= sum;
        }

        double u = random.nextDouble(), cumulative = 0;
        for (int i = 0; i < kept; i++) {
            cumulative += probs[i];
            if (u < cumulative) return order[i];
        }
        return order[kept - 1];
    }

    /**
     * Token ids ordered by logit, highest first, ties by lower id. Packs (logit, id) into one long so a
     * primitive sort does it: 128k vocabularies sort in milliseconds without boxing.
     */
    static int[] sortedByLogitDescending(float[] logits) {
        long[] keys = new long[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int bits = Float.floatToIntBits(logits[i]);
            int ascending = bits ^ ((bits >> 31) & 0x7FFFFFFF);   // signed-int order equals float order
            keys[i] = ((long) ~ascending << 32) | i;              // ~ reverses it: highest logit first
        }
        Arrays.sort(keys);
        int[] order = new int[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = (int) keys[i];
        return order;
    }
}
