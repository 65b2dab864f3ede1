package dev.bedside.model.tokenizer;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.model.gguf.GgufTestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small hand-made tokenizer files: BPE rules worked out by hand (merge order, ignore_merges, both merge
 * spellings, the GGUF route) and every kind of malformed file.
 */
class TokenizerFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    /**
     * Vocabulary: the 256 byte characters (ids 0..255 in byte order), then "ab" 256, "abc" 257, "bc" 258,
     * "ĠA" 259 (space + A); added tokens "<|bos|>" 260 and "<|end|>" 261.
     * Merges, by rank: "b c", "a b", "Ġ A". There is no merge that makes "abc".
     */
    private ObjectNode tinyTokenizer(boolean ignoreMerges, boolean pairMerges) {
        ObjectNode root = JSON.createObjectNode();
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        steps.addObject().put("type", "Split").put("behavior", "Isolated").put("invert", false)
                .putObject("pattern").put("Regex", Llama3Split.PATTERN);
        steps.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", false);
        ObjectNode post = root.putObject("post_processor").put("type", "TemplateProcessing");
        post.putArray("single").add(JSON.createObjectNode().set("SpecialToken", JSON.createObjectNode().put("id", "<|bos|>").put("type_id", 0)))
                .add(JSON.createObjectNode().set("Sequence", JSON.createObjectNode().put("id", "A").put("type_id", 0)));
        root.putObject("decoder").put("type", "ByteLevel");
        ArrayNode added = root.putArray("added_tokens");
        added.addObject().put("id", 260).put("content", "<|bos|>").put("special", true).put("lstrip", false).put("rstrip", false);
        added.addObject().put("id", 261).put("content", "<|end|>").put("special", true);
        ObjectNode model = root.putObject("model").put("type", "BPE").put("ignore_merges", ignoreMerges);
        model.putNull("dropout");
        ObjectNode vocab = model.putObject("vocab");
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(ByteLevel.charOf(b)), b);
        vocab.put("ab", 256).put("abc", 257).put("bc", 258).put("ĠA", 259);
        ArrayNode merges = model.putArray("merges");
        for (String m : List.of("b c", "a b", "Ġ A")) {
            if (pairMerges) merges.addArray().add(m.split(" ")[0]).add(m.split(" ")[1]);
            else merges.add(m);
        }
        return root;
    }

    private Path write(ObjectNode root, String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), root);
        return dir.resolve("tokenizer.json");
    }

    private Tokenizer tiny(boolean ignoreMerges, boolean pairMerges) throws IOException {
        return Tokenizers.load(write(tinyTokenizer(ignoreMerges, pairMerges), "t" + ignoreMerges + pairMerges));
    }

    @Test
    void bpeAppliesTheLowestRankedMergeFirst() throws IOException {
        for (boolean pairs : new boolean[] {false, true}) {
            Tokenizer t = tiny(false, pairs);
            // "abc": "b c" (rank 0) beats "a b" (rank 1) -> a + bc; "abab": a b a b -> ab ab
            assertArrayEquals(new int[] {'a', 258}, t.encode("abc", false));
            assertArrayEquals(new int[] {256, 256}, t.encode("abab", false));
            // " A" is one piece (optional non-letter prefix + letters) and merges to "ĠA"
            assertArrayEquals(new int[] {260, 259, 'x', 261}, t.encode(" Ax<|end|>", true));
            assertEquals(" Ax<|end|>", t.decode(t.encode(" Ax<|end|>", true)).substring("<|bos|>".length()));
            assertEquals(260, t.bosId());
            assertEquals(List.of(), t.eosIds(), "no tokenizer_config.json: no EOS");
        }
    }

    @Test
    void ignoreMergesEmitsAWholePieceThatIsInTheVocabulary() throws IOException {
        assertArrayEquals(new int[] {257}, tiny(true, false).encode("abc", false));
        assertArrayEquals(new int[] {'a', 258}, tiny(false, false).encode("abc", false));
        // Not a whole piece: "abcd" is not in the vocabulary, so merges apply.
        assertArrayEquals(new int[] {'a', 258, 'd'}, tiny(true, false).encode("abcd", false));
    }

    @Test
    void configNamesBosAndEosAndMustAgreeWithTheAddedTokens() throws IOException {
        Path json = write(tinyTokenizer(true, false), "withconfig");
        ObjectNode config = JSON.createObjectNode().put("bos_token", "<|bos|>").put("eos_token", "<|end|>").put("chat_template", "{{ x }}");
        config.putObject("added_tokens_decoder").putObject("261").put("content", "<|end|>");
        JSON.writeValue(json.resolveSibling("tokenizer_config.json").toFile(), config);
        Tokenizer t = Tokenizers.load(json.getParent());
        assertEquals(List.of(261), t.eosIds());
        assertEquals("{{ x }}", t.chatTemplate().orElseThrow());

        ((ObjectNode) config.get("added_tokens_decoder").get("261")).put("content", "<|other|>");
        JSON.writeValue(json.resolveSibling("tokenizer_config.json").toFile(), config);
        expectError(json.getParent(), "added_tokens_decoder says id 261 is '<|other|>'");
    }

    @Test
    void malformedTokenizerJsonIsRefusedWithTheFileAndTheReason() throws IOException {
        assertThrows(NoSuchFileException.class, () -> Tokenizers.load(tmp.resolve("nothing-here")));
        NoSuchFileException noJson = assertThrows(NoSuchFileException.class, () -> Tokenizers.load(Files.createDirectories(tmp.resolve("empty"))));
        assertTrue(noJson.getMessage().contains("tokenizer.json"), noJson.getMessage());

        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"model\": {\"type\": \"BPE\",");
        expectError(bad, "bad JSON");
        expectBroken(r -> ((ObjectNode) r.get("model")).put("type", "WordPiece"), "unsupported model type \"WordPiece\"");
        expectBroken(r -> ((ObjectNode) r.get("model")).remove("merges"), "model.merges is missing");
        expectBroken(r -> ((ObjectNode) r.get("model")).putArray("merges").add("a b c"), "merge #0 'a b c'");
        expectBroken(r -> ((ObjectNode) r.get("model")).putArray("merges").add("a zz"), "merge #0 'a zz' uses a token that is not in the vocabulary");
        expectBroken(r -> ((ObjectNode) r.get("model")).putArray("merges").add(7), "model.merges[0] is neither");
        expectBroken(r -> ((ObjectNode) r.get("model")).remove("vocab"), "model.vocab is missing");
        expectBroken(r -> ((ObjectNode) r.get("model").get("vocab")).remove("Ġ"), "no token has id 32");
        expectBroken(r -> ((ObjectNode) r.get("model").get("vocab")).put("huge", Integer.MAX_VALUE), "token ids run up to 2147483647 but there are only 263 tokens");
        expectBroken(r -> ((ObjectNode) r.get("model").get("vocab")).put("neg", -1), "model.vocab.neg: id -1 is not a non-negative integer");
        expectBroken(r -> ((ObjectNode) r.get("model").get("vocab")).put("¤¤", 262).put("x y", 263), "token 263 'x y' has a character outside the byte-level alphabet");
        expectBroken(r -> ((ObjectNode) r.get("pre_tokenizer").get("pretokenizers").get(0).get("pattern")).put("Regex", "\\s+"), "unsupported pre_tokenizer");
        expectBroken(r -> r.putObject("normalizer").put("type", "NFC"), "unsupported normalizer");
        expectBroken(r -> r.putObject("decoder").put("type", "WordPiece"), "unsupported decoder");
        expectBroken(r -> ((ObjectNode) r.get("added_tokens").get(0)).put("lstrip", true), "uses lstrip/rstrip/single_word");
        expectBroken(r -> ((ObjectNode) r.get("post_processor")).put("type", "BertProcessing"), "unsupported post_processor");
    }

    @Test
    void malformedGgufIsRefusedWithTheFileAndTheKey() throws IOException {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) tokens.add(String.valueOf(ByteLevel.charOf(b)));
        tokens.add("ab");
        tokens.add("<|bos|>");
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i < 257; i++) types.add(1);
        types.add(3);

        Path good = GgufTestFiles.create().string("tokenizer.ggml.model", "gpt2").string("tokenizer.ggml.pre", "llama-bpe")
                .strings("tokenizer.ggml.tokens", tokens).ints("tokenizer.ggml.token_type", types)
                .strings("tokenizer.ggml.merges", List.of("a b")).u32("tokenizer.ggml.bos_token_id", 257)
                .bool("tokenizer.ggml.add_bos_token", true).write(tmp.resolve("good.gguf"));
        Tokenizer t = Tokenizers.load(good);
        assertArrayEquals(new int[] {257, 256, 256, 'c'}, t.encode("ababc", true));
        assertTrue(t.isSpecial(257));

        expectError(GgufTestFiles.create().string("tokenizer.ggml.model", "llama").write(tmp.resolve("spm.gguf")),
                "tokenizer.ggml.model: unsupported tokenizer model 'llama'");
        expectError(GgufTestFiles.create().string("tokenizer.ggml.model", "gpt2").string("tokenizer.ggml.pre", "qwen2")
                .write(tmp.resolve("qwen.gguf")), "tokenizer.ggml.pre: unsupported pre-tokenizer 'qwen2'");
        expectError(GgufTestFiles.create().string("tokenizer.ggml.model", "gpt2").string("tokenizer.ggml.pre", "llama-bpe")
                .strings("tokenizer.ggml.tokens", tokens).write(tmp.resolve("nomerges.gguf")), "tokenizer.ggml.merges: missing");
        expectError(GgufTestFiles.create().string("tokenizer.ggml.model", "gpt2").string("tokenizer.ggml.pre", "llama-bpe")
                .strings("tokenizer.ggml.tokens", tokens).strings("tokenizer.ggml.merges", List.of("a b"))
                .ints("tokenizer.ggml.token_type", List.of(1, 1)).write(tmp.resolve("types.gguf")), "2 types for 258 tokens");
        expectError(GgufTestFiles.create().string("tokenizer.ggml.model", "gpt2").string("tokenizer.ggml.pre", "llama-bpe")
                .strings("tokenizer.ggml.tokens", tokens).strings("tokenizer.ggml.merges", List.of("a b"))
                .u32("tokenizer.ggml.bos_token_id", 999).write(tmp.resolve("bos.gguf")), "tokenizer.ggml.bos_token_id: expected a token id below 258");
        Path truncated = Files.write(tmp.resolve("cut.gguf"), java.util.Arrays.copyOf(Files.readAllBytes(good), 300));
        IOException e = assertThrows(IOException.class, () -> Tokenizers.load(truncated));
        assertTrue(e.getMessage().contains("cut.gguf") && e.getMessage().contains("truncated"), e.getMessage());
    }

    private void expectBroken(Consumer<ObjectNode> breakIt, String part) throws IOException {
        ObjectNode root = tinyTokenizer(true, false);
        breakIt.accept(root);
        expectError(write(root, "broken" + Math.abs(part.hashCode())), part);
    }

    private static void expectError(Path file, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(file));
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should contain '" + part + "'");
        assertTrue(e.getMessage().contains(file.getFileName().toString()) || e.getMessage().contains("tokenizer_config.json"), e.getMessage());
    }
}
