package dev.bedside.dpo.pairs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Near-duplicate pairs by word 3-gram Jaccard similarity: two pairs are near-duplicates when the 3-grams of
 * their prompt, chosen and rejected texts (lower-cased words) overlap by more than {@code threshold}
 * (|A∩B| / |A∪B|). Pairs are compared only within the same {@link TextPair#splitKey() group}, since pairs
 * of different questions are different training signal even when their templates match.
 */
public final class NearDuplicates {
    private final double threshold;

    public NearDuplicates(double threshold) {
        if (!(threshold > 0 && threshold <= 1)) throw new IllegalArgumentException("near-duplicate threshold must be in (0, 1], got " + threshold);
        this.threshold = threshold;
    }

    public double threshold() { return threshold; }

    /** The pairs kept (first of each near-duplicate cluster, in input order) and how many were dropped. */
    public record Result(List<TextPair> kept, int removed) {}

    public Result filter(List<TextPair> pairs) {
        Map<String, List<Set<String>>> seen = new HashMap<>();
        List<TextPair> kept = new ArrayList<>();
        for (TextPair pair : pairs) {
            Set<String> grams = trigrams(pair);
            List<Set<String>> group = seen.computeIfAbsent(pair.splitKey(), k -> new ArrayList<>());
            if (isNearDuplicate(grams, group)) continue;
            group.add(grams);
            kept.add(pair);
        }
        return new Result(List.copyOf(kept), pairs.size() - kept.size());
    }

    /** Whether {@code grams} is too close to any of {@code others}. */
    public boolean isNearDuplicate(Set<String> grams, List<Set<String>> others) {
        for (Set<String> other : others) if (jaccard(grams, other) > threshold) return true;
        return false;
    }

    public static Set<String> trigrams(TextPair pair) {
        return trigrams(pair.prompt() + " \n " + pair.chosen() + " \n " + pair.rejected());
    }

    /** Word 3-grams of {@code text}; a text of fewer than 3 words is one gram of all its words. */
    public static Set<String> trigrams(String text) {
        String[] words = text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+");
        List<String> list = new ArrayList<>();
        for (String w : words) if (!w.isEmpty()) list.add(w);
        Set<String> grams = new HashSet<>();
        if (list.size() < 3) {
            grams.add(String.join(" ", list));
            return grams;
        }
        for (int i = 0; i + 3 <= list.size(); i++) grams.add(list.get(i) + " " + list.get(i + 1) + " " + list.get(i + 2));
        return grams;
    }

    public static double jaccard(Set<String> a, Set<String> b) {
        if (a.isEmpty() && b.isEmpty()) return 1;
        int common = 0;
        for (String g : a.size() <= b.size() ? a : b) if ((a.size() <= b.size() ? b : a).contains(g)) common++;
        return (double) common / (a.size() + b.size() - common);
    }
}
