package dev.bedside.quant.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.quant.gguf.GgufValue.Type;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code tokenizer.*} GGUF metadata for a Hugging Face byte-level BPE tokenizer (Llama 3), as llama.cpp's
 * converter writes it: model "gpt2", pre-tokenizer "llama-bpe", tokens by id with their types (NORMAL;
 * CONTROL for added special tokens, USER_DEFINED for other added tokens; UNUSED "[PADn]" fillers up to the
 * model's vocabulary size), merges as "a b" strings, the special token ids named in tokenizer_config.json
 * (then config.json), whether BOS/EOS/SEP are added (read from the post-processor template and
 * tokenizer_config.json), and the chat template.
 */
public final class GgufTokenizerMetadata {
    private GgufTokenizerMetadata() {}

    static final int NORMAL = 1, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5;
    private static final List<String> SPECIAL_TYPES = List.of("bos", "eos", "unk", "sep", "pad", "cls", "mask");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads tokenizer.json, tokenizer_config.json and config.json from {@code folder}. */
    public static Map<String, GgufValue> fromHuggingFace(Path folder, int vocabSize) throws IOException {
        Path tokenizerFile = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerFile)) throw new IOException(folder + ": no tokenizer.json to convert");
        JsonNode tokenizer = JSON.readTree(tokenizerFile.toFile());
        JsonNode config = readIfPresent(folder.resolve("tokenizer_config.json"));
        JsonNode modelConfig = readIfPresent(folder.resolve("config.json"));
        JsonNode model = tokenizer.path("model");
        if (!"BPE".equals(model.path("type").asText()) || model.path("byte_fallback").asBoolean(false)
                || !"ByteLevel".equals(tokenizer.path("decoder").path("type").asText())) {
            throw new IOException(tokenizerFile + ": not a byte-level BPE tokenizer (only Llama 3's \"gpt2\"-style vocabulary converts)");
        }

        // Tokens and types: the BPE vocabulary, then added tokens; ids must leave no gap.
        Map<Integer, String> byId = new LinkedHashMap<>();
        Map<Integer, Integer> types = new LinkedHashMap<>();
        model.path("vocab").properties().forEach(e -> {
            byId.put(e.getValue().asInt(), e.getKey());
            types.put(e.getValue().asInt(), NORMAL);
        });
        Map<String, Integer> addedIds = new LinkedHashMap<>();
        for (JsonNode added : tokenizer.path("added_tokens")) {
            int id = added.path("id").asInt();
            String content = added.path("content").asText();
            addedIds.putIfAbsent(content, id);
            byId.put(id, content);
            types.put(id, added.path("special").asBoolean(false) ? CONTROL : USER_DEFINED);
        }
        int size = Math.max(vocabSize, byId.keySet().stream().mapToInt(i -> i + 1).max().orElse(0));
        if (size > vocabSize) throw new IOException(tokenizerFile + ": token ids reach " + (size - 1) + " but the model's vocab_size is " + vocabSize);
        List<String> tokens = new ArrayList<>(size);
        List<Integer> tokenTypes = new ArrayList<>(size);
        for (int id = 0; id < size; id++) {
            String token = byId.get(id);
            tokens.add(token != null ? token : "[PAD" + id + "]");
            tokenTypes.add(token != null ? types.get(id) : UNUSED);
        }

        Map<String, GgufValue> out = new LinkedHashMap<>();
        out.put("tokenizer.ggml.model", GgufValue.string("gpt2"));
        out.put("tokenizer.ggml.pre", GgufValue.string("llama-bpe"));
        out.put("tokenizer.ggml.tokens", GgufValue.array(Type.STRING, tokens));
        out.put("tokenizer.ggml.token_type", GgufValue.array(Type.INT32, tokenTypes));
        out.put("tokenizer.ggml.merges", GgufValue.array(Type.STRING, merges(tokenizerFile, model.path("merges"))));

        Map<String, Integer> specialIds = new LinkedHashMap<>();
        Map<String, Boolean> addSpecial = new LinkedHashMap<>();
        String bos = tokenText(config, "bos_token"), eos = tokenText(config, "eos_token"), sep = tokenText(config, "sep_token");
        readPostProcessor(tokenizer.path("post_processor"), bos, eos, sep, addSpecial);
        for (String type : SPECIAL_TYPES) {
            if (config.path("add_" + type + "_token").isBoolean()) addSpecial.put(type, config.get("add_" + type + "_token").asBoolean());
            String text = tokenText(config, type + "_token");
            Integer id = text == null ? null : addedIds.get(text);
            if (id != null && id < size) specialIds.putIfAbsent(type, id);
        }
        for (String type : SPECIAL_TYPES) {   // config.json fills what tokenizer_config.json left out (single ids only)
            JsonNode id = modelConfig.path(type + "_token_id");
            if (id.isIntegralNumber() && id.asInt() >= 0 && id.asInt() < size) specialIds.putIfAbsent(type, id.asInt());
        }
        specialIds.forEach((type, id) -> out.put("tokenizer.ggml." + type + "_token_id", GgufValue.uint32(id)));
        addSpecial.forEach((type, add) -> out.put("tokenizer.ggml.add_" + type + "_token", GgufValue.bool(add)));
        if (config.path("chat_template").isTextual()) out.put("tokenizer.chat_template", GgufValue.string(config.get("chat_template").asText()));
        return out;
    }

    private static JsonNode readIfPresent(Path file) throws IOException {
        return Files.isRegularFile(file) ? JSON.readTree(file.toFile()) : JSON.createObjectNode();
    }

    /** A token in tokenizer_config.json: a string, or an object with "content". */
    private static String tokenText(JsonNode config, String key) {
        JsonNode node = config.path(key);
        if (node.isTextual()) return node.asText();
        if (node.path("content").isTextual()) return node.get("content").asText();
        return null;
    }

    /** "a b" strings kept as they are; ["a", "b"] pairs joined, a space inside a part written as U+0120 as llama.cpp does. */
    private static List<String> merges(Path file, JsonNode merges) throws IOException {
        List<String> out = new ArrayList<>(merges.size());
        for (JsonNode merge : merges) {
            if (merge.isTextual()) out.add(merge.asText());
            else if (merge.isArray() && merge.size() == 2) out.add(merge.get(0).asText().replace(' ', 'Ġ') + " " + merge.get(1).asText().replace(' ', 'Ġ'));
            else throw new IOException(file + ": model.merges entry " + merge + " is neither \"a b\" nor [\"a\", \"b\"]");
        }
        return out;
    }

    /**
     * What a TemplateProcessing post-processor adds around one sequence: a leading BOS ([BOS, A]), a trailing
     * EOS ([A, EOS]), and for pairs whether an EOS/SEP separates A and B. Other steps (ByteLevel) add nothing.
     */
    private static void readPostProcessor(JsonNode post, String bos, String eos, String sep, Map<String, Boolean> addSpecial) {
        List<JsonNode> steps = new ArrayList<>();
        if ("Sequence".equals(post.path("type").asText())) post.path("processors").forEach(steps::add);
        else if (!post.isMissingNode() && !post.isNull()) steps.add(post);
        for (JsonNode step : steps) {
            if (!"TemplateProcessing".equals(step.path("type").asText())) continue;
            JsonNode single = step.path("single");
            String first = null, last = null;
            if (single.size() > 1) {
                first = single.get(0).path("SpecialToken").path("id").textValue();
                if (first != null) addSpecial.put("bos", first.equals(bos));
                last = single.get(single.size() - 1).path("SpecialToken").path("id").textValue();
                if (last != null) addSpecial.put("eos", last.equals(eos));
            }
            List<JsonNode> pair = new ArrayList<>();
            step.path("pair").forEach(pair::add);
            if (pair.isEmpty()) continue;
            int from = first != null && first.equals(pair.getFirst().path("SpecialToken").path("id").textValue()) ? 1 : 0;
            int to = last != null && last.equals(pair.getLast().path("SpecialToken").path("id").textValue()) ? pair.size() - 1 : pair.size();
            List<JsonNode> middle = pair.subList(from, to);
            if (middle.size() < 3 || !"A".equals(middle.getFirst().path("Sequence").path("id").textValue())
                    || !"B".equals(middle.getLast().path("Sequence").path("id").textValue())) continue;
            boolean addSep = false;
            for (JsonNode between : middle.subList(1, middle.size() - 1)) {
                String id = between.path("SpecialToken").path("id").textValue();
                if (id != null && (id.equals(sep) || id.equals(eos)) && (last == null || middle.size() > 3)) addSep = true;
            }
            addSpecial.put("sep", addSep);
        }
    }
}
