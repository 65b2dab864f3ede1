package dev.bedside.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE as Llama 3 uses it (Hugging Face {@code tokenizers} BPE model, llama.cpp's "llama-bpe").
 *
 * <p>Encoding: (1) cut the text at special tokens (leftmost, longest first); (2) split each stretch between
 * them with {@link Llama3Split}; (3) write each piece's UTF-8 bytes in the {@link ByteLevel} alphabet; (4) if the
 * whole piece is a vocabulary entry, emit it ({@code ignore_merges}); otherwise start from one token per byte and
 * repeatedly apply the lowest-ranked merge among adjacent pairs (leftmost on ties) until none applies.
 * Pieces repeat a lot in real text, so step (3)-(4) results are cached per piece.
 */
public final class BpeTokenizer implements Tokenizer {

    private static final int CACHE_LIMIT = 200_000;   // pieces; the cache starts over when full
    private static final int CACHE_MAX_PIECE = 256;   // chars; longer pieces are rare and not worth keeping

    private final String source;
    private final String[] tokens;           // id -> text as stored (byte-level alphabet, or plain text for special)
    private final byte[][] tokenBytes;       // id -> bytes it stands for
    private final boolean[] special;
    private final Map<String, Integer> vocab; // byte-level text -> id, ordinary tokens only
    private final Map<String, Integer> specialIds;
    private final String[] specialsLongestFirst;
    private final boolean[] startsSpecial = new boolean[Character.MAX_VALUE + 1]; // first chars of special tokens
    private final int[] byteIds = new int[256];
    private final PairRanks ranks;
    private final int[] mergedId;            // rank -> id of the merged token
    private final boolean ignoreMerges;
    private final int bosId;
    private final boolean addsBos;
    private final List<Integer> eosIds;
    private final String chatTemplate;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param source       what the tokenizer was loaded from, for messages
     * @param tokens       id → token text; ordinary tokens in the byte-level alphabet, special tokens as plain text; no nulls
     * @param special      id → whether the token is special (matched in text before BPE, decoded as its text)
     * @param merges       merge rules in rank order, each {left, right} in the byte-level alphabet
     * @param ignoreMerges emit a whole piece directly when it is a vocabulary entry
     * @param bosId        the beginning-of-text id or -1
     * @param addsBos      whether the post-processor puts {@code bosId} in front when asked to add special tokens
     * @param eosIds       ids that end a generation
     * @param chatTemplate the chat template text from the files, or null
     */
    BpeTokenizer(String source, String[] tokens, boolean[] special, List<String[]> merges, boolean ignoreMerges,
                 int bosId, boolean addsBos, List<Integer> eosIds, String chatTemplate) {
        this.source = source;
        this.chatTemplate = chatTemplate;
        this.tokens = tokens;
        this.special = special;
        this.ignoreMerges = ignoreMerges;
        this.bosId = bosId;
        this.addsBos = addsBos && bosId >= 0;
        this.eosIds = List.copyOf(eosIds);

        vocab = new HashMap<>(tokens.length * 2);
        specialIds = new HashMap<>();
        tokenBytes = new byte[tokens.length][];
        for (int id = 0; id < tokens.length; id++) {
            if (tokens[id] == null) throw error("token id " + id + " has no text (ids must run 0.." + (tokens.length - 1) + ")");
            if (special[id]) {
                if (tokens[id].isEmpty()) throw error("special token " + id + " is empty");
                specialIds.putIfAbsent(tokens[id], id);
                tokenBytes[id] = tokens[id].getBytes(StandardCharsets.UTF_8);
            } else {
                tokenBytes[id] = ByteLevel.decode(tokens[id]);
                if (tokenBytes[id] == null) throw error("token " + id + " '" + tokens[id] + "' has a character outside the byte-level alphabet");
                vocab.putIfAbsent(tokens[id], id);
            }
        }
        specialsLongestFirst = specialIds.keySet().stream()
                .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
                .toArray(String[]::new);
        for (String s : specialsLongestFirst) startsSpecial[s.charAt(0)] = true;
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(String.valueOf(ByteLevel.charOf(b)));
            if (id == null) throw error("no token for byte 0x" + Integer.toHexString(b) + " ('" + ByteLevel.charOf(b) + "')");
            byteIds[b] = id;
        }
        ranks = new PairRanks(merges.size());
        mergedId = new int[merges.size()];
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] merge = merges.get(rank);
            Integer left = vocab.get(merge[0]), right = vocab.get(merge[1]), merged = vocab.get(merge[0] + merge[1]);
            if (left == null || right == null || merged == null) {
                throw error("merge #" + rank + " '" + merge[0] + " " + merge[1] + "' uses a token that is not in the vocabulary");
            }
            ranks.putIfAbsent(left, right, rank);
            mergedId[rank] = merged;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(source + ": " + what);
    }

    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        IntList out = new IntList(text.length() / 3 + 2);
        if (addBos && addsBos) out.add(bosId);
        int start = 0;
        if (parseSpecial && specialsLongestFirst.length > 0) {
            for (int i = 0; i < text.length(); i++) {
                String match = specialAt(text, i);
                if (match == null) continue;
                encodeOrdinary(text.substring(start, i), out);
                out.add(specialIds.get(match));
                start = i + match.length();
                i = start - 1;
            }
        }
        encodeOrdinary(start == 0 ? text : text.substring(start), out);
        return out.toArray();
    }

    /** The longest special token that starts at {@code i}, or null. */
    private String specialAt(String text, int i) {
        char c = text.charAt(i);
        if (!startsSpecial[c]) return null;
        for (String s : specialsLongestFirst) {
            if (s.charAt(0) == c && text.startsWith(s, i)) return s;
        }
        return null;
    }

    private void encodeOrdinary(String text, IntList out) {
        if (text.isEmpty()) return;
        for (String piece : Llama3Split.split(text)) {
            if (piece.length() > CACHE_MAX_PIECE) {
                out.addAll(bpe(piece));
                continue;
            }
            int[] ids = cache.get(piece);
            if (ids == null) {
                ids = bpe(piece);
                if (cache.size() >= CACHE_LIMIT) cache.clear();
                cache.put(piece, ids);
            }
            out.addAll(ids);
        }
    }

    /** Pieces longer than this (in bytes) use the heap-based merge loop: quadratic time would hurt there. */
    static final int SHORT_PIECE = 64;

    /** BPE on one pre-tokenized piece. */
    int[] bpe(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        if (ignoreMerges) {
            Integer whole = vocab.get(ByteLevel.encode(bytes));
            if (whole != null) return new int[] {whole};
        }
        int[] symbols = byteSymbols(bytes);
        return symbols.length <= SHORT_PIECE ? mergeShort(symbols) : mergeLong(symbols);
    }

    /** One token per byte: where every merge loop starts. */
    int[] byteSymbols(byte[] bytes) {
        int[] symbols = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) symbols[i] = byteIds[bytes[i] & 0xFF];
        return symbols;
    }

    /** Repeatedly merges the lowest-ranked adjacent pair (leftmost on ties): O(n²), fastest for short pieces. */
    int[] mergeShort(int[] symbols) {
        int length = symbols.length;
        while (length > 1) {
            int bestRank = Integer.MAX_VALUE, bestAt = -1;
            for (int i = 0; i + 1 < length; i++) {
                int rank = ranks.rank(symbols[i], symbols[i + 1]);
                if (rank >= 0 && rank < bestRank) {
                    bestRank = rank;
                    bestAt = i;
                }
            }
            if (bestAt < 0) break;
            symbols[bestAt] = mergedId[bestRank];
            System.arraycopy(symbols, bestAt + 2, symbols, bestAt + 1, length - bestAt - 2);
            length--;
        }
        return Arrays.copyOf(symbols, length);
    }

    /**
     * The same merges in O(n log n): symbols form a linked list; a heap holds candidate pairs ordered by
     * (rank, position of the left symbol). Entries made stale by earlier merges are skipped when popped.
     */
    int[] mergeLong(int[] symbols) {
        int n = symbols.length;
        if (n == 0) return symbols;
        int[] next = new int[n], prev = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        PriorityQueue<Long> heap = new PriorityQueue<>();
        for (int i = 0; i + 1 < n; i++) push(heap, symbols[i], symbols[i + 1], i);
        while (!heap.isEmpty()) {
            long top = heap.poll();
            int rank = (int) (top >>> 32), at = (int) top;
            int right = next[at];
            if (symbols[at] < 0 || right < 0 || ranks.rank(symbols[at], symbols[right]) != rank) continue; // stale
            symbols[at] = mergedId[rank];
            symbols[right] = -1;
            next[at] = next[right];
            if (next[at] >= 0) prev[next[at]] = at;
            if (prev[at] >= 0) push(heap, symbols[prev[at]], symbols[at], prev[at]);
            if (next[at] >= 0) push(heap, symbols[at], symbols[next[at]], at);
        }
        IntList out = new IntList(n);
        for (int i = 0; i >= 0; i = next[i]) out.add(symbols[i]);
        return out.toArray();
    }

    private void push(PriorityQueue<Long> heap, int left, int right, int at) {
        int rank = ranks.rank(left, right);
        if (rank >= 0) heap.add(((long) rank << 32) | at);
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            checkId(id);
            bytes.writeBytes(tokenBytes[id]);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] tokenBytes(int id) {
        checkId(id);
        return tokenBytes[id].clone();
    }

    private void checkId(int id) {
        if (id < 0 || id >= tokens.length) throw new IllegalArgumentException(source + ": token id " + id + " is outside 0.." + (tokens.length - 1));
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public List<Integer> eosIds() {
        return eosIds;
    }

    @Override
    public int id(String specialTokenText) {
        Integer id = specialIds.get(specialTokenText);
        if (id == null) throw new IllegalArgumentException(source + ": no special token '" + specialTokenText + "'");
        return id;
    }

    @Override
    public Optional<String> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }

    @Override
    public boolean isSpecial(int id) {
        return id >= 0 && id < special.length && special[id];
    }

    /** The token's text as stored in the vocabulary (byte-level alphabet for ordinary tokens). */
    public String tokenText(int id) {
        checkId(id);
        return tokens[id];
    }

    @Override
    public String toString() {
        return "BpeTokenizer(" + source + ", " + tokens.length + " tokens, " + mergedId.length + " merges)";
    }

    /** A growable int array. */
    private static final class IntList {
        int[] data;
        int size;

        IntList(int capacity) {
            data = new int[Math.max(4, capacity)];
        }

        void add(int v) {
            if (size == data.length) data = Arrays.copyOf(data, size * 2);
            data[size++] = v;
        }

        void addAll(int[] vs) {
            if (size + vs.length > data.length) data = Arrays.copyOf(data, Math.max(size * 2, size + vs.length));
            System.arraycopy(vs, 0, data, size, vs.length);
            size += vs.length;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    static List<String[]> splitMerges(List<String> lines, String source) {
        List<String[]> merges = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int space = line.indexOf(' ');
            if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
                throw new IllegalArgumentException(source + ": merge #" + i + " '" + line + "' is not two tokens separated by one space");
            }
            merges.add(new String[] {line.substring(0, space), line.substring(space + 1)});
        }
        return merges;
    }
}
