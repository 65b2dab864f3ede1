package dev.bedside.model.tokenizer;

import java.util.Arrays;

/**
 * The BPE merge table as an open-addressing hash map from a pair of token ids (packed into one long) to the
 * merge's rank (its line number in the merges list: lower merges first). No boxing on the hot path.
 */
final class PairRanks {
    private final long[] keys;
    private final int[] ranks;
    private final int mask;

    PairRanks(int expectedSize) {
        int capacity = Integer.highestOneBit(Math.max(4, expectedSize * 2 - 1)) << 1;
        keys = new long[capacity];
        ranks = new int[capacity];
        Arrays.fill(ranks, -1);
        mask = capacity - 1;
    }

    static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** Records {@code rank} for the pair unless the pair already has one (the first, lower rank wins). */
    void putIfAbsent(int left, int right, int rank) {
        long key = pair(left, right);
        int slot = slot(key);
        while (ranks[slot] >= 0) {
            if (keys[slot] == key) return;
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        ranks[slot] = rank;
    }

    /** The rank of merging {@code left} with {@code right}, or -1 if they never merge. */
    int rank(int left, int right) {
        long key = pair(left, right);
        int slot = slot(key);
        while (ranks[slot] >= 0) {
            if (keys[slot] == key) return ranks[slot];
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
