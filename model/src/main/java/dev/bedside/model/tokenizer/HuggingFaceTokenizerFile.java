package dev.bedside.model.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link BpeTokenizer} from a Hugging Face {@code tokenizer.json} (plus, when given,
 * {@code tokenizer_config.json} and {@code generation_config.json}). Accepts exactly the Llama 3 setup: no
 * normalizer, the Llama 3 split regex followed by ByteLevel without prefix space, a byte-level BPE model, a
 * ByteLevel decoder, and a TemplateProcessing post-processor that puts at most one special token in front.
 * Anything else is refused with a message saying what is different, rather than tokenized differently.
 */
final class HuggingFaceTokenizerFile {
    private HuggingFaceTokenizerFile() {}

    static BpeTokenizer load(Path tokenizerJson, Path configJson, Path generationConfigJson) throws IOException {
        Parsed parsed = parse(tokenizerJson);
        JsonNode root = parsed.root();
        TokenizerConfig config = configJson != null ? TokenizerConfig.read(configJson) : null;
        Path f = tokenizerJson;

        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").textValue())) {
            throw Json.error(f, "unsupported model type " + model.path("type") + " (only byte-level \"BPE\" is supported)");
        }
        if (model.path("byte_fallback").asBoolean(false) || !absent(model.path("continuing_subword_prefix"))
                || !absent(model.path("end_of_word_suffix")) || !absent(model.path("dropout"))) {
            throw Json.error(f, "unsupported BPE options (byte_fallback, continuing_subword_prefix, end_of_word_suffix or dropout set)");
        }
        if (!absent(root.path("normalizer"))) throw Json.error(f, "unsupported normalizer " + root.get("normalizer"));
        checkPreTokenizer(f, root.path("pre_tokenizer"));
        if (!"ByteLevel".equals(root.path("decoder").path("type").textValue())) {
            throw Json.error(f, "unsupported decoder " + root.path("decoder") + " (expected ByteLevel)");
        }

        // Vocabulary: the model's entries and the added tokens share one id space.
        Map<String, Integer> vocab = parsed.vocab();
        if (vocab.isEmpty()) throw Json.error(f, "model.vocab is missing or empty");
        JsonNode added = root.path("added_tokens");
        long maxId = -1;
        for (int id : vocab.values()) maxId = Math.max(maxId, id);
        for (JsonNode a : added) maxId = Math.max(maxId, idOf(f, "added_tokens", a.path("id")));
        if (maxId > 2L * (vocab.size() + added.size()) + 1024) { // refuse absurd ids before allocating for them
            throw Json.error(f, "token ids run up to " + maxId + " but there are only " + (vocab.size() + added.size()) + " tokens");
        }
        int size = (int) maxId + 1;
        String[] tokens = new String[size];
        boolean[] special = new boolean[size];
        for (var e : vocab.entrySet()) tokens[e.getValue()] = e.getKey();
        for (JsonNode a : added) {
            String content = a.path("content").textValue();
            if (content == null || content.isEmpty()) throw Json.error(f, "added token " + a + " has no content");
            if (a.path("lstrip").asBoolean(false) || a.path("rstrip").asBoolean(false) || a.path("single_word").asBoolean(false)) {
                throw Json.error(f, "added token '" + content + "' uses lstrip/rstrip/single_word, which is not supported");
            }
            int id = a.get("id").intValue();
            tokens[id] = content;
            special[id] = true; // every added token is cut out of the text before BPE and decoded as its text
        }
        for (int id = 0; id < size; id++) if (tokens[id] == null) throw Json.error(f, "no token has id " + id + " (ids must run 0.." + (size - 1) + ")");

        if (parsed.merges().isEmpty()) throw Json.error(f, "model.merges is missing or empty");
        List<String[]> merges = parsed.merges();

        // BOS: what the post-processor puts in front; tokenizer_config.json names it too.
        String prefix = postProcessorPrefix(f, root.path("post_processor"));
        String bosText = config != null && config.bosToken() != null ? config.bosToken() : prefix;
        int bosId = bosText == null ? -1 : indexOf(tokens, bosText, f, "BOS token");
        if (prefix != null && !prefix.equals(bosText)) {
            throw Json.error(f, "post-processor adds '" + prefix + "' but the BOS token is '" + bosText + "'");
        }
        Set<Integer> eos = new LinkedHashSet<>();
        if (config != null && config.eosToken() != null) eos.add(indexOf(tokens, config.eosToken(), configJson, "eos_token"));
        if (generationConfigJson != null) {
            for (int id : generationEos(generationConfigJson)) {
                if (id < 0 || id >= size) throw Json.error(generationConfigJson, "eos_token_id " + id + " is not a token id below " + size);
                eos.add(id);
            }
        }
        if (config != null) checkAddedTokensDecoder(configJson, config.addedTokens(), tokens, f);

        return new BpeTokenizer(f.toString(), tokens, special, merges, model.path("ignore_merges").asBoolean(false),
                bosId, prefix != null, new ArrayList<>(eos), config != null ? config.chatTemplate() : null);
    }

    /** A JSON key that is missing or null. */
    private static boolean absent(JsonNode node) {
        return node.isMissingNode() || node.isNull();
    }

    private static int idOf(Path f, String where, JsonNode id) {
        if (!id.canConvertToInt() || !id.isIntegralNumber() || id.intValue() < 0) throw Json.error(f, where + ": id " + id + " is not a non-negative integer");
        return id.intValue();
    }

    private static int indexOf(String[] tokens, String text, Path file, String what) {
        int id = Arrays.asList(tokens).indexOf(text);
        if (id < 0) throw Json.error(file, what + " '" + text + "' is not in the vocabulary");
        return id;
    }

    /** Pre-tokenizer: Sequence[Split(Llama 3 regex, Isolated), ByteLevel(no prefix space, no regex)]. */
    private static void checkPreTokenizer(Path f, JsonNode pre) {
        JsonNode steps = pre.path("pretokenizers");
        boolean ok = "Sequence".equals(pre.path("type").textValue()) && steps.size() == 2
                && "Split".equals(steps.get(0).path("type").textValue())
                && Llama3Split.PATTERN.equals(steps.get(0).path("pattern").path("Regex").textValue())
                && "Isolated".equals(steps.get(0).path("behavior").textValue())
                && !steps.get(0).path("invert").asBoolean(false)
                && "ByteLevel".equals(steps.get(1).path("type").textValue())
                && !steps.get(1).path("add_prefix_space").asBoolean(false)
                && !steps.get(1).path("use_regex").asBoolean(true);
        if (!ok) throw Json.error(f, "unsupported pre_tokenizer " + pre + " (only the Llama 3 Split regex + ByteLevel is supported)");
    }

    /** tokenizer.json with the two big parts (model.vocab, model.merges) read straight into Java collections. */
    record Parsed(JsonNode root, Map<String, Integer> vocab, List<String[]> merges) {}

    /**
     * Streams through the file: the vocabulary and the merges (hundreds of thousands of entries) go straight into
     * a map and a list; every other part becomes a small JSON tree in {@code root} (model without vocab/merges).
     */
    static Parsed parse(Path f) throws IOException {
        if (!Files.isRegularFile(f)) throw new NoSuchFileException(f.toString(), null, "tokenizer file not found");
        ObjectNode root = Json.MAPPER.createObjectNode();
        Map<String, Integer> vocab = new HashMap<>();
        List<String[]> merges = new ArrayList<>();
        try (JsonParser p = Json.MAPPER.createParser(f.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw Json.error(f, "expected a JSON object at the top");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (!name.equals("model") || p.currentToken() != JsonToken.START_OBJECT) {
                    root.set(name, Json.MAPPER.readTree(p));
                    continue;
                }
                ObjectNode model = root.putObject("model");
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    if (key.equals("vocab") && p.currentToken() == JsonToken.START_OBJECT) readVocab(f, p, vocab);
                    else if (key.equals("merges") && p.currentToken() == JsonToken.START_ARRAY) readMerges(f, p, merges);
                    else model.set(key, Json.MAPPER.readTree(p));
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) throw Json.error(f, "bad JSON: unexpected content after the top object");
        } catch (JacksonException e) {
            throw Json.badJson(f, e);
        }
        return new Parsed(root, vocab, merges);
    }

    private static void readVocab(Path f, JsonParser p, Map<String, Integer> vocab) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String token = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0 || p.getLongValue() > Integer.MAX_VALUE) {
                throw Json.error(f, "model.vocab." + token + ": id " + p.getText() + " is not a non-negative integer");
            }
            vocab.put(token, p.getIntValue());
        }
    }

    /** Merges as "left right" strings or as ["left", "right"] pairs (not mixed). */
    private static void readMerges(Path f, JsonParser p, List<String[]> merges) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                lines.add(p.getText());
                continue;
            }
            String left = p.currentToken() == JsonToken.START_ARRAY && p.nextToken() == JsonToken.VALUE_STRING ? p.getText() : null;
            String right = left != null && p.nextToken() == JsonToken.VALUE_STRING ? p.getText() : null;
            if (right == null || p.nextToken() != JsonToken.END_ARRAY) {
                throw Json.error(f, "model.merges[" + i + "] is neither \"a b\" nor [\"a\", \"b\"]");
            }
            merges.add(new String[] {left, right});
        }
        if (!lines.isEmpty() && !merges.isEmpty()) throw Json.error(f, "model.merges mixes \"a b\" strings and [\"a\", \"b\"] pairs");
        if (!lines.isEmpty()) merges.addAll(BpeTokenizer.splitMerges(lines, f + " model.merges"));
    }

    /**
     * The special token TemplateProcessing puts before a single sequence, or null when it adds nothing.
     * The post-processor may be wrapped in a Sequence next to a ByteLevel step (which changes no ids).
     */
    private static String postProcessorPrefix(Path f, JsonNode post) {
        if (absent(post)) return null;
        List<JsonNode> steps = new ArrayList<>();
        if ("Sequence".equals(post.path("type").textValue())) post.path("processors").forEach(steps::add);
        else steps.add(post);
        String prefix = null;
        for (JsonNode step : steps) {
            String type = step.path("type").textValue();
            if ("ByteLevel".equals(type)) continue;
            if (!"TemplateProcessing".equals(type)) throw Json.error(f, "unsupported post_processor step " + step);
            JsonNode single = step.path("single");
            boolean justSequence = single.size() == 1 && single.get(0).has("Sequence");
            boolean specialThenSequence = single.size() == 2 && single.get(0).has("SpecialToken") && single.get(1).has("Sequence");
            if (specialThenSequence) prefix = single.get(0).path("SpecialToken").path("id").textValue();
            else if (!justSequence) throw Json.error(f, "unsupported TemplateProcessing.single " + single + " (expected [special token?, sequence])");
        }
        return prefix;
    }

    /** generation_config.json's eos_token_id: one id or a list. */
    private static List<Integer> generationEos(Path file) throws IOException {
        JsonNode eos = Json.read(file).path("eos_token_id");
        List<Integer> ids = new ArrayList<>();
        if (eos.isIntegralNumber()) ids.add(eos.intValue());
        else if (eos.isArray()) for (JsonNode id : eos) ids.add(id.intValue());
        return ids;
    }

    /** tokenizer_config.json's added_tokens_decoder must agree with tokenizer.json. */
    private static void checkAddedTokensDecoder(Path configFile, Map<Integer, String> decoder, String[] tokens, Path f) {
        for (var e : decoder.entrySet()) {
            int id = e.getKey();
            if (id >= tokens.length || !tokens[id].equals(e.getValue())) {
                throw Json.error(configFile, "added_tokens_decoder says id " + id + " is '" + e.getValue() + "' but " + f
                        + " says " + (id < tokens.length ? "'" + tokens[id] + "'" : "there is no such id"));
            }
        }
    }

    static Path sibling(Path file, String name) {
        Path p = file.toAbsolutePath().resolveSibling(name);
        return Files.isRegularFile(p) ? p : null;
    }
}
