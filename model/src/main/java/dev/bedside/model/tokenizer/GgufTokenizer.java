package dev.bedside.model.tokenizer;

import dev.bedside.model.gguf.GgufMetadata;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link BpeTokenizer} from a GGUF file's {@code tokenizer.ggml.*} metadata, as llama.cpp reads it:
 * model "gpt2" (byte-level BPE) with pre-tokenizer "llama-bpe" (Llama 3: its split regex, ignore_merges),
 * tokens, token types (CONTROL = 3 and USER_DEFINED = 4 are matched as special tokens), merges "a b",
 * bos/eos/eot/eom ids and add_bos_token.
 */
final class GgufTokenizer {
    private GgufTokenizer() {}

    private static final Set<String> LLAMA3_PRE = Set.of("llama-bpe", "llama3", "llama-v3");
    private static final long CONTROL = 3, USER_DEFINED = 4;

    static BpeTokenizer load(Path file) throws IOException {
        return fromMetadata(file, GgufMetadata.read(file));
    }

    static BpeTokenizer fromMetadata(Path file, Map<String, Object> meta) {
        String model = string(file, meta, "tokenizer.ggml.model", true);
        if (!"gpt2".equals(model)) throw error(file, "tokenizer.ggml.model", "unsupported tokenizer model '" + model + "' (only \"gpt2\" byte-level BPE)");
        String pre = string(file, meta, "tokenizer.ggml.pre", true);
        if (!LLAMA3_PRE.contains(pre)) throw error(file, "tokenizer.ggml.pre", "unsupported pre-tokenizer '" + pre + "' (only Llama 3's \"llama-bpe\")");

        List<Object> tokenList = list(file, meta, "tokenizer.ggml.tokens", true);
        List<Object> types = list(file, meta, "tokenizer.ggml.token_type", false);
        List<Object> mergeList = list(file, meta, "tokenizer.ggml.merges", true);
        if (types != null && types.size() != tokenList.size()) {
            throw error(file, "tokenizer.ggml.token_type", types.size() + " types for " + tokenList.size() + " tokens");
        }
        String[] tokens = new String[tokenList.size()];
        boolean[] special = new boolean[tokens.length];
        for (int id = 0; id < tokens.length; id++) {
            if (!(tokenList.get(id) instanceof String s)) throw error(file, "tokenizer.ggml.tokens", "entry " + id + " is not a string");
            tokens[id] = s;
            if (types != null) {
                if (!(types.get(id) instanceof Long t)) throw error(file, "tokenizer.ggml.token_type", "entry " + id + " is not an integer");
                special[id] = t == CONTROL || t == USER_DEFINED;
            }
        }
        List<String> lines = new ArrayList<>(mergeList.size());
        for (Object m : mergeList) {
            if (!(m instanceof String s)) throw error(file, "tokenizer.ggml.merges", "an entry is not a string");
            lines.add(s);
        }
        List<String[]> merges = BpeTokenizer.splitMerges(lines, file + " tokenizer.ggml.merges");

        int bos = id(file, meta, "tokenizer.ggml.bos_token_id", tokens.length);
        boolean addBos = !(meta.get("tokenizer.ggml.add_bos_token") instanceof Boolean b) || b; // Llama 3 adds BOS
        Set<Integer> eos = new LinkedHashSet<>();
        for (String key : List.of("tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id")) {
            int id = id(file, meta, key, tokens.length);
            if (id >= 0) eos.add(id);
        }
        String template = meta.get("tokenizer.chat_template") instanceof String s ? s : null;
        return new BpeTokenizer(file.toString(), tokens, special, merges, true, bos, addBos, new ArrayList<>(eos), template);
    }

    private static int id(Path file, Map<String, Object> meta, String key, int vocabSize) {
        Object v = meta.get(key);
        if (v == null) return -1;
        if (!(v instanceof Long id) || id < 0 || id >= vocabSize) throw error(file, key, "expected a token id below " + vocabSize + ", got " + v);
        return (int) (long) id;
    }

    private static String string(Path file, Map<String, Object> meta, String key, boolean required) {
        Object v = meta.get(key);
        if (v == null && !required) return null;
        if (v == null) throw error(file, key, "missing");
        if (!(v instanceof String s)) throw error(file, key, "expected a string, got " + v.getClass().getSimpleName());
        return s;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Path file, Map<String, Object> meta, String key, boolean required) {
        Object v = meta.get(key);
        if (v == null && !required) return null;
        if (v == null) throw error(file, key, "missing");
        if (!(v instanceof List<?> l)) throw error(file, key, "expected an array, got " + v.getClass().getSimpleName());
        if (l.isEmpty()) throw error(file, key, "is empty");
        return (List<Object>) l;
    }

    private static IllegalArgumentException error(Path file, String key, String what) {
        return new IllegalArgumentException(file + ": GGUF key " + key + ": " + what);
    }
}
