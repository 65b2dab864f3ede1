package dev.bedside.model.tokenizer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a {@link BpeTrainer.Vocabulary} as the Hugging Face files a Llama 3 model carries, in the one setup
 * {@link HuggingFaceTokenizerFile} reads (and Hugging Face's {@code tokenizers} too):
 * <ul>
 *   <li>{@code tokenizer.json}: no normalizer; pre-tokenizer Split(Llama 3 regex, Isolated) then ByteLevel;
 *       byte-level BPE model; ByteLevel decoder; TemplateProcessing that puts {@code <|begin_of_text|>} in front;</li>
 *   <li>{@code tokenizer_config.json}: BOS {@code <|begin_of_text|>}, EOS {@code <|eot_id|>} (a chat model's turns
 *       end there), Llama 3's chat template ({@link ChatFormat#LLAMA3_TEMPLATE}) and the added tokens.</li>
 * </ul>
 */
public final class TrainedTokenizerFiles {
    public static final String BOS = "<|begin_of_text|>", EOS = "<|eot_id|>";

    private TrainedTokenizerFiles() {}

    public static void write(BpeTrainer.Vocabulary vocabulary, Path dir, int modelMaxLength) throws IOException {
        Files.createDirectories(dir);
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("tokenizer.json").toFile(), tokenizerJson(vocabulary));
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("tokenizer_config.json").toFile(), configJson(vocabulary, modelMaxLength));
    }

    static ObjectNode tokenizerJson(BpeTrainer.Vocabulary v) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = v.ordinaryCount(); id < v.size(); id++) {
            added.addObject().put("id", id).put("content", v.tokens().get(id)).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        ObjectNode split = steps.addObject().put("type", "Split");
        split.putObject("pattern").put("Regex", Llama3Split.PATTERN);
        split.put("behavior", "Isolated").put("invert", false);
        steps.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", false);

        int bosId = v.tokens().indexOf(BOS);
        ObjectNode post = root.putObject("post_processor").put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode special = post.putObject("special_tokens").putObject(BOS);
        special.put("id", BOS);
        special.putArray("ids").add(bosId);
        special.putArray("tokens").add(BOS);

        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < v.ordinaryCount(); id++) vocab.put(v.tokens().get(id), id);
        ArrayNode merges = model.putArray("merges");
        for (String[] m : v.merges()) merges.addArray().add(m[0]).add(m[1]);
        return root;
    }

    static ObjectNode configJson(BpeTrainer.Vocabulary v, int modelMaxLength) {
        ObjectNode config = Json.MAPPER.createObjectNode();
        ObjectNode decoder = config.putObject("added_tokens_decoder");
        for (int id = v.ordinaryCount(); id < v.size(); id++) {
            decoder.putObject(Integer.toString(id)).put("content", v.tokens().get(id)).put("lstrip", false).put("normalized", false)
                    .put("rstrip", false).put("single_word", false).put("special", true);
        }
        config.put("bos_token", BOS);
        config.put("eos_token", EOS);
        config.put("chat_template", ChatFormat.LLAMA3_TEMPLATE);
        config.put("clean_up_tokenization_spaces", false);
        config.putArray("model_input_names").add("input_ids").add("attention_mask");
        config.put("model_max_length", modelMaxLength);
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        return config;
    }
}
