package dev.bedside.dpo.pairs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A train / held-out split by topic: every pair of a held-out topic (its {@link TextPair#splitKey()}) is
 * held out, so held-out questions are never seen in training, not even reworded. Topics are drawn per
 * category (seeded), so each category with enough topics shows up on both sides; the held-out share is
 * {@code round(fraction × topics)} overall, spread over categories by largest remainder.
 */
public final class TopicSplit {
    private TopicSplit() {}

    public record Split(List<TextPair> train, List<TextPair> heldOut, Set<String> heldOutKeys) {}

    public static Split split(List<TextPair> pairs, double heldOutFraction, long seed) {
        if (!(heldOutFraction >= 0 && heldOutFraction < 1)) throw new IllegalArgumentException("held-out fraction must be in [0, 1), got " + heldOutFraction);
        // topic key → category, in first-seen order, then grouped by category
        Map<String, String> categoryOf = new LinkedHashMap<>();
        for (TextPair p : pairs) categoryOf.putIfAbsent(p.splitKey(), p.category());
        Map<String, List<String>> byCategory = new LinkedHashMap<>();
        categoryOf.forEach((key, category) -> byCategory.computeIfAbsent(category, c -> new ArrayList<>()).add(key));

        int total = categoryOf.size();
        int target = (int) Math.round(heldOutFraction * total);
        List<String> categories = new ArrayList<>(byCategory.keySet());
        int[] quota = new int[categories.size()];
        double[] remainder = new double[categories.size()];
        int assigned = 0;
        for (int c = 0; c < quota.length; c++) {
            double exact = heldOutFraction * byCategory.get(categories.get(c)).size();
            quota[c] = (int) Math.floor(exact);
            remainder[c] = exact - quota[c];
            assigned += quota[c];
        }
        List<Integer> byRemainder = new ArrayList<>();
        for (int c = 0; c < quota.length; c++) byRemainder.add(c);
        byRemainder.sort((a, b) -> remainder[a] != remainder[b] ? Double.compare(remainder[b], remainder[a]) : Integer.compare(a, b));
        for (int i = 0; assigned < target && i < byRemainder.size(); i++, assigned++) quota[byRemainder.get(i)]++;

        Random random = new Random(seed);
        Set<String> heldOutKeys = new LinkedHashSet<>();
        for (int c = 0; c < quota.length; c++) {
            List<String> keys = new ArrayList<>(byCategory.get(categories.get(c)));
            Collections.shuffle(keys, random);
            heldOutKeys.addAll(keys.subList(0, quota[c]));
        }
        List<TextPair> train = new ArrayList<>(), heldOut = new ArrayList<>();
        for (TextPair p : pairs) (heldOutKeys.contains(p.splitKey()) ? heldOut : train).add(p);
        return new Split(List.copyOf(train), List.copyOf(heldOut), Set.copyOf(heldOutKeys));
    }
}
