package dev.bedside.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Trains a byte-level BPE vocabulary the way Llama 3's tokenizer was built, on a small scale:
 * <ol>
 *   <li>split every text with {@link Llama3Split} and count how often each piece occurs;</li>
 *   <li>write each piece's UTF-8 bytes in the {@link ByteLevel} alphabet; the 256 byte tokens are ids 0…255 in
 *       byte order, so every string can be encoded;</li>
 *   <li>repeatedly merge the adjacent pair that occurs most often (counted over pieces × their frequency), ties
 *       going to the pair whose (left id, right id) is smallest, until the vocabulary is full. Within a piece a
 *       merge is applied left to right without overlaps, exactly as {@link BpeTokenizer} applies it when encoding.</li>
 * </ol>
 * The special tokens take the last ids. Training is deterministic: the same texts and size give the same files.
 */
public final class BpeTrainer {
    /** Llama 3's special tokens that the chat format needs, in the order they get ids after the ordinary tokens. */
    public static final List<String> SPECIAL_TOKENS = List.of("<|begin_of_text|>", "<|end_of_text|>",
            "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>");

    private BpeTrainer() {}

    /**
     * A trained vocabulary: {@code tokens} id → text (ordinary tokens in the byte-level alphabet, then the special
     * tokens as plain text) and the merges in rank order.
     */
    public record Vocabulary(List<String> tokens, List<String[]> merges, int specialCount) {
        public int size() { return tokens.size(); }

        public int ordinaryCount() { return tokens.size() - specialCount; }
    }

    /** A piece being merged: its current token ids, and how often it occurs in the texts. */
    private static final class Word {
        int[] ids;
        final long count;

        Word(int[] ids, long count) {
            this.ids = ids;
            this.count = count;
        }
    }

    /**
     * Trains on {@code texts} until there are {@code vocabSize} ids in all (256 bytes + merges + the special tokens),
     * or no pair occurs any more.
     */
    public static Vocabulary train(Iterable<String> texts, int vocabSize) {
        int minimum = 256 + SPECIAL_TOKENS.size();
        if (vocabSize < minimum) throw new IllegalArgumentException("BpeTrainer: vocab size " + vocabSize + " is below " + minimum + " (256 bytes + the special tokens)");
        Map<String, Long> pieceCounts = new TreeMap<>();   // sorted: the words' order, hence everything after, is deterministic
        for (String text : texts) {
            for (String piece : Llama3Split.split(text)) pieceCounts.merge(piece, 1L, Long::sum);
        }
        List<String> tokens = new ArrayList<>();
        Map<String, Integer> idOf = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevel.charOf(b)));
            idOf.put(tokens.getLast(), b);
        }
        List<Word> words = new ArrayList<>();
        for (var e : pieceCounts.entrySet()) {
            byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] ids = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) ids[i] = bytes[i] & 0xFF;
            words.add(new Word(ids, e.getValue()));
        }

        // Pair counts over all words, and for each pair the words it has occurred in (entries may go stale).
        Map<Long, Long> pairCounts = new HashMap<>();
        Map<Long, Set<Integer>> wordsWithPair = new HashMap<>();
        for (int w = 0; w < words.size(); w++) addPairs(words.get(w), w, 1, pairCounts, wordsWithPair);

        List<String[]> merges = new ArrayList<>();
        int target = vocabSize - SPECIAL_TOKENS.size();
        while (tokens.size() < target) {
            long best = -1, bestCount = 0;
            for (var e : pairCounts.entrySet()) {
                long count = e.getValue(), pair = e.getKey();
                if (count > bestCount || (count == bestCount && count > 0 && Long.compareUnsigned(pair, best) < 0)) {
                    best = pair;
                    bestCount = count;
                }
            }
            if (bestCount == 0) break;   // every piece is a single token already
            int left = (int) (best >>> 32), right = (int) best;
            String text = tokens.get(left) + tokens.get(right);
            Integer existing = idOf.get(text);   // two merge paths may spell the same token: it keeps one id
            int merged = existing != null ? existing : tokens.size();
            if (existing == null) {
                tokens.add(text);
                idOf.put(text, merged);
            }
            merges.add(new String[] {tokens.get(left), tokens.get(right)});
            for (int w : wordsWithPair.remove(best)) {
                Word word = words.get(w);
                if (!contains(word.ids, left, right)) continue;
                addPairs(word, w, -1, pairCounts, wordsWithPair);
                word.ids = merge(word.ids, left, right, merged);
                addPairs(word, w, 1, pairCounts, wordsWithPair);
            }
            pairCounts.remove(best);
        }
        tokens.addAll(SPECIAL_TOKENS);
        return new Vocabulary(List.copyOf(tokens), List.copyOf(merges), SPECIAL_TOKENS.size());
    }

    /** Adds (sign 1) or removes (sign −1) the word's adjacent pairs, weighted by its count. */
    private static void addPairs(Word word, int index, int sign, Map<Long, Long> pairCounts, Map<Long, Set<Integer>> wordsWithPair) {
        for (int i = 0; i + 1 < word.ids.length; i++) {
            long pair = PairRanks.pair(word.ids[i], word.ids[i + 1]);
            pairCounts.merge(pair, sign * word.count, Long::sum);
            if (sign > 0) wordsWithPair.computeIfAbsent(pair, k -> new HashSet<>()).add(index);
        }
    }

    private static boolean contains(int[] ids, int left, int right) {
        for (int i = 0; i + 1 < ids.length; i++) if (ids[i] == left && ids[i + 1] == right) return true;
        return false;
    }

    /** Replaces each (left, right), scanning left to right without overlaps, by {@code merged}. */
    static int[] merge(int[] ids, int left, int right, int merged) {
        int[] out = new int[ids.length];
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
            if (i + 1 < ids.length && ids[i] == left && ids[i + 1] == right) {
                out[n++] = merged;
                i++;
            } else {
                out[n++] = ids[i];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The ids of the byte tokens {@code piece} ends up as after all merges, as training segments it. */
    public static int[] segment(Vocabulary vocabulary, String piece) {
        Map<String, Integer> ids = new HashMap<>();
        for (int id = 0; id < vocabulary.ordinaryCount(); id++) ids.put(vocabulary.tokens().get(id), id);
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        int[] current = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) current[i] = bytes[i] & 0xFF;
        for (String[] m : vocabulary.merges()) {
            current = merge(current, ids.get(m[0]), ids.get(m[1]), ids.get(m[0] + m[1]));
        }
        return current;
    }
}
