package dev.bedside.model.bert;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.model.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokenizer of BERT-family encoders, read from a Hugging Face {@code tokenizer.json} with a {@code WordPiece}
 * model: special tokens matched in the raw text, {@link BertNormalizer}, {@link BertPreTokenizer}, greedy
 * longest-match WordPiece (continuations prefixed {@code ##}; a word with no segmentation, or longer than
 * {@code max_input_chars_per_word}, is one unknown token), then the post-processor's specials around the ids
 * ({@code [CLS] … [SEP]} for BERT, {@code <s> … </s>} for MPNet). Encodings here are untruncated;
 * {@link #truncate} cuts them the way Hugging Face's right truncation does.
 */
public final class WordPieceTokenizer {
    private final Path source;
    private final Map<String, Integer> vocab;
    private final String[] tokens;
    private final BertNormalizer normalizer;
    private final String continuingPrefix;
    private final int unkId, maxInputCharsPerWord;
    private final int[] prefixIds, suffixIds;
    private final List<String> specialTokens;   // matched in the raw text, longest first
    private final int fileTruncation, padId;

    private WordPieceTokenizer(Path source, Map<String, Integer> vocab, BertNormalizer normalizer, String continuingPrefix,
                               int unkId, int maxInputCharsPerWord, int[] prefixIds, int[] suffixIds,
                               List<String> specialTokens, int fileTruncation, int padId) {
        this.source = source;
        this.vocab = vocab;
        this.normalizer = normalizer;
        this.continuingPrefix = continuingPrefix;
        this.unkId = unkId;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.prefixIds = prefixIds;
        this.suffixIds = suffixIds;
        this.specialTokens = specialTokens;
        this.fileTruncation = fileTruncation;
        this.padId = padId;
        int size = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        this.tokens = new String[size];
        vocab.forEach((token, id) -> tokens[id] = token);
    }

    public static WordPieceTokenizer load(Path tokenizerJson) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) throw new CheckpointException(tokenizerJson, "tokenizer file not found");
        return read(tokenizerJson, Files.readAllBytes(tokenizerJson));
    }

    /** Parses a tokenizer.json's bytes; {@code source} names them in errors (a file, or a resource in a jar). */
    public static WordPieceTokenizer read(Path source, byte[] json) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JacksonException e) {
            throw new CheckpointException(source, "bad JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new CheckpointException(source, "not a tokenizer.json (no JSON object)");
        JsonNode model = root.path("model");
        if (!"WordPiece".equals(model.path("type").asText())) {
            throw new CheckpointException(source, "model.type is '" + model.path("type").asText() + "', expected WordPiece");
        }
        JsonNode vocabNode = model.path("vocab");
        if (!vocabNode.isObject() || vocabNode.isEmpty()) throw new CheckpointException(source, "model.vocab missing or empty");
        Map<String, Integer> vocab = new HashMap<>();
        for (var it = vocabNode.properties().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (!entry.getValue().canConvertToInt() || entry.getValue().asInt() < 0) {
                throw new CheckpointException(source, "model.vocab['" + entry.getKey() + "'] is not a token id: " + entry.getValue());
            }
            vocab.put(entry.getKey(), entry.getValue().asInt());
        }
        String unk = model.path("unk_token").asText("[UNK]");
        Integer unkId = vocab.get(unk);
        if (unkId == null) throw new CheckpointException(source, "unk_token '" + unk + "' is not in model.vocab");

        JsonNode norm = root.path("normalizer");
        BertNormalizer normalizer;
        if (norm.isMissingNode() || norm.isNull()) {
            normalizer = new BertNormalizer(false, false, false, false);
        } else if ("BertNormalizer".equals(norm.path("type").asText())) {
            JsonNode strip = norm.path("strip_accents");
            normalizer = new BertNormalizer(norm.path("clean_text").asBoolean(true), norm.path("handle_chinese_chars").asBoolean(true),
                    strip.isBoolean() ? strip.asBoolean() : null, norm.path("lowercase").asBoolean(true));
        } else {
            throw new CheckpointException(source, "normalizer '" + norm.path("type").asText() + "' is not supported (BertNormalizer is)");
        }
        String preTokenizer = root.path("pre_tokenizer").path("type").asText();
        if (!preTokenizer.equals("BertPreTokenizer")) {
            throw new CheckpointException(source, "pre_tokenizer '" + preTokenizer + "' is not supported (BertPreTokenizer is)");
        }

        List<Integer> prefix = new ArrayList<>(), suffix = new ArrayList<>();
        readPostProcessor(source, root.path("post_processor"), vocab, prefix, suffix);

        List<String> specials = new ArrayList<>();
        for (JsonNode added : root.path("added_tokens")) {
            String content = added.path("content").asText();
            if (!content.isEmpty() && vocab.containsKey(content)) specials.add(content);
        }
        specials.sort((a, b) -> b.length() - a.length());
        int truncation = root.path("truncation").path("max_length").asInt(-1);
        int padId = root.path("padding").path("pad_id").asInt(vocab.getOrDefault("[PAD]", vocab.getOrDefault("<pad>", 0)));
        return new WordPieceTokenizer(source, vocab, normalizer, model.path("continuing_subword_prefix").asText("##"), unkId,
                model.path("max_input_chars_per_word").asInt(100), toArray(prefix), toArray(suffix), List.copyOf(specials),
                truncation, padId);
    }

    /** TemplateProcessing (specials before and after the single sequence), BertProcessing or RobertaProcessing. */
    private static void readPostProcessor(Path source, JsonNode post, Map<String, Integer> vocab, List<Integer> prefix,
                                          List<Integer> suffix) throws CheckpointException {
        if (post.isMissingNode() || post.isNull()) return;
        String type = post.path("type").asText();
        switch (type) {
            case "TemplateProcessing" -> {
                List<Integer> into = prefix;
                for (JsonNode piece : post.path("single")) {
                    if (piece.has("Sequence")) {
                        into = suffix;
                    } else if (piece.has("SpecialToken")) {
                        String id = piece.path("SpecialToken").path("id").asText();
                        JsonNode ids = post.path("special_tokens").path(id).path("ids");
                        if (!ids.isArray() || ids.isEmpty()) throw new CheckpointException(source, "post_processor special token '" + id + "' has no ids");
                        for (JsonNode i : ids) into.add(i.asInt());
                    }
                }
            }
            case "BertProcessing", "RobertaProcessing" -> {
                prefix.add(specialId(source, post, "cls", vocab));
                suffix.add(specialId(source, post, "sep", vocab));
            }
            default -> throw new CheckpointException(source, "post_processor '" + type + "' is not supported");
        }
    }

    private static int specialId(Path source, JsonNode post, String field, Map<String, Integer> vocab) throws CheckpointException {
        JsonNode pair = post.path(field);
        if (pair.size() != 2 || !pair.get(1).canConvertToInt()) {
            throw new CheckpointException(source, "post_processor." + field + " should be [token, id], is " + pair);
        }
        return pair.get(1).asInt();
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    // ---------------------------------------------------------------- encoding

    /** All ids of {@code text} with the post-processor's specials around them, untruncated. */
    public int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        for (int id : prefixIds) ids.add(id);
        int start = 0;
        for (int i = 0; i < text.length(); ) {
            String special = specialAt(text, i);
            if (special == null) {
                i++;
                continue;
            }
            encodeOrdinary(text.substring(start, i), ids);
            ids.add(vocab.get(special));
            i += special.length();
            start = i;
        }
        encodeOrdinary(text.substring(start), ids);
        for (int id : suffixIds) ids.add(id);
        return toArray(ids);
    }

    /** {@link #encode} cut to at most {@code maxTokens} ids, specials included. */
    public int[] encode(String text, int maxTokens) {
        return truncate(encode(text), maxTokens);
    }

    /**
     * Right truncation to {@code maxTokens} ids as Hugging Face does it: the leading specials, as many text ids
     * as fit, then the trailing specials ({@code [SEP]}).
     */
    public int[] truncate(int[] ids, int maxTokens) {
        if (ids.length <= maxTokens) return ids;
        int keepSuffix = suffixIds.length, keepHead = maxTokens - keepSuffix;
        if (keepHead < prefixIds.length) throw new IllegalArgumentException("cannot truncate to " + maxTokens + " tokens: the specials alone need "
                + (prefixIds.length + suffixIds.length));
        int[] out = Arrays.copyOf(ids, maxTokens);
        System.arraycopy(ids, ids.length - keepSuffix, out, keepHead, keepSuffix);
        return out;
    }

    private String specialAt(String text, int i) {
        for (String special : specialTokens) if (text.startsWith(special, i)) return special;
        return null;
    }

    private void encodeOrdinary(String text, List<Integer> ids) {
        if (text.isEmpty()) return;
        for (String word : BertPreTokenizer.split(normalizer.normalize(text))) wordPiece(word, ids);
    }

    /** Greedy longest match from the left; any unmatched remainder makes the whole word unknown. */
    private void wordPiece(String word, List<Integer> ids) {
        if (word.codePointCount(0, word.length()) > maxInputCharsPerWord) {
            ids.add(unkId);
            return;
        }
        List<Integer> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            Integer match = null;
            while (end > start) {
                String piece = (start > 0 ? continuingPrefix : "") + word.substring(start, end);
                match = vocab.get(piece);
                if (match != null) break;
                end = word.offsetByCodePoints(end, -1);
            }
            if (match == null) {
                ids.add(unkId);
                return;
            }
            pieces.add(match);
            start = end;
        }
        ids.addAll(pieces);
    }

    // ---------------------------------------------------------------- vocabulary

    /** The token string of an id (e.g. {@code ##gi}). */
    public String token(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) throw new IllegalArgumentException("token id " + id + " not in the vocabulary of " + source);
        return tokens[id];
    }

    public int vocabSize() { return tokens.length; }

    /** The max_length of the file's own truncation setting, or -1 when it has none. */
    public int fileTruncation() { return fileTruncation; }

    public int padId() { return padId; }

    public Path source() { return source; }
}
