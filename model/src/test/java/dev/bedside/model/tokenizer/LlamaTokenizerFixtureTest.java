package dev.bedside.model.tokenizer;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every reference case from ../shared/fixtures: Hugging Face tokenizers and llama.cpp ids. */
class LlamaTokenizerFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Case(String text, int[] ids, String source) {}

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        for (String line : Files.readAllLines(SharedFixtures.tokenizerDir().resolve("cases.jsonl"))) {
            if (line.isBlank()) continue;
            JsonNode c = JSON.readTree(line);
            int[] ids = new int[c.get("ids").size()];
            for (int i = 0; i < ids.length; i++) ids[i] = c.get("ids").get(i).intValue();
            cases.add(new Case(c.get("text").textValue(), ids, c.get("source").textValue()));
        }
        return cases;
    }

    private static void checkCases(Tokenizer tokenizer, String name) throws IOException {
        List<Case> cases = cases();
        assertEquals(76, cases.size(), "cases.jsonl lines");
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            int[] ids = tokenizer.encode(c.text(), false);
            if (!Arrays.equals(c.ids(), ids)) {
                failures.add(JSON.valueToTree(c.text()) + "\n   expected " + Arrays.toString(c.ids()) + "\n   got      " + Arrays.toString(ids));
            }
            String back = tokenizer.decode(c.ids());
            if (!back.equals(c.text())) failures.add("decode of " + JSON.valueToTree(c.text()) + " gave " + JSON.valueToTree(back));
        }
        System.out.println(name + ": " + (cases.size() - failures.size()) + "/" + cases.size() + " cases identical");
        assertTrue(failures.isEmpty(), name + ": " + failures.size() + " failures:\n" + String.join("\n", failures));
    }

    @Test
    void huggingFaceFilesReproduceEveryCase() throws IOException {
        checkCases(SharedFixtures.json(), "tokenizer.json");
    }

    @Test
    void ggufVocabularyReproducesEveryCase() throws IOException {
        checkCases(SharedFixtures.gguf(), "ggml-vocab-llama-bpe.gguf");
    }

    @Test
    void bosEosAndSpecialTokens() {
        for (Tokenizer t : List.of(SharedFixtures.json(), SharedFixtures.gguf())) {
            assertEquals(128256, t.vocabSize());
            assertEquals(128000, t.bosId());
            assertEquals(128006, t.id("<|start_header_id|>"));
            assertEquals(128007, t.id("<|end_header_id|>"));
            assertEquals(128009, t.id("<|eot_id|>"));
            assertTrue(t.isSpecial(128001) && !t.isSpecial(9906));
            assertArrayEquals(new int[] {128000, 9906, 1917}, t.encode("Hello world", true));
            assertArrayEquals(new int[] {9906, 1917}, t.encode("Hello world", false));
            // Without special parsing, special-token text is ordinary text.
            int[] plain = t.encode("<|eot_id|>", false, false);
            assertTrue(plain.length > 1 && Arrays.stream(plain).noneMatch(t::isSpecial), Arrays.toString(plain));
            assertEquals("<|eot_id|>", t.decode(plain));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.id("<|no_such|>"));
            assertTrue(e.getMessage().contains("<|no_such|>"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {128256}));
        }
    }

    @Test
    void eosAndTemplateAreWhatEachFileSays() throws IOException {
        assertEquals(List.of(128009), SharedFixtures.json().eosIds(), "tokenizer_config.json eos_token");
        assertEquals(ChatFormat.LLAMA3_TEMPLATE, SharedFixtures.json().chatTemplate().orElseThrow());
        // llama.cpp's vocabulary-only file keeps the base model's <|end_of_text|> and no template.
        assertEquals(List.of(128001), SharedFixtures.gguf().eosIds());
        assertTrue(SharedFixtures.gguf().chatTemplate().isEmpty());
        // A model GGUF converted from the Instruct files carries <|eot_id|> and the template.
        Tokenizer model = Tokenizers.load(SharedFixtures.require("fixtures/tiny-llama31-gguf/tiny-llama31-q4_0.gguf"));
        assertEquals(List.of(128009), model.eosIds());
        assertEquals(ChatFormat.LLAMA3_TEMPLATE, model.chatTemplate().orElseThrow());
        assertArrayEquals(new int[] {128000, 9906, 1917}, model.encode("Hello world", true));
    }

    @Test
    void folderWithGenerationConfigAddsItsEosIds() throws IOException {
        Path dir = SharedFixtures.require("fixtures/tiny-llama31");
        Tokenizer t = Tokenizers.load(dir);
        assertEquals(List.of(128009, 128001, 128008), t.eosIds());
        Tokenizer file = Tokenizers.load(SharedFixtures.tokenizerDir().resolve("tokenizer.json"));
        assertEquals(List.of(128009), file.eosIds());
    }

    /** tiny-llama31/expected.json: texts with special tokens written out, tokenized without adding BOS. */
    @Test
    void modelFixtureSequences() throws IOException {
        JsonNode expected = JSON.readTree(SharedFixtures.require("fixtures/tiny-llama31/expected.json").toFile());
        int checked = 0;
        for (JsonNode seq : expected.get("sequences")) {
            int[] ids = new int[seq.get("ids").size()];
            for (int i = 0; i < ids.length; i++) ids[i] = seq.get("ids").get(i).intValue();
            for (Tokenizer t : List.of(SharedFixtures.json(), SharedFixtures.gguf())) {
                assertArrayEquals(ids, t.encode(seq.get("text").textValue(), false), seq.get("name").textValue());
                assertEquals(seq.get("text").textValue(), t.decode(ids));
            }
            checked++;
        }
        assertEquals(3, checked);
    }

    /** The {@code chat} sequence of the tiny model's expected.json. */
    private static JsonNode chatSequence() throws IOException {
        JsonNode expected = JSON.readTree(SharedFixtures.require("fixtures/tiny-llama31/expected.json").toFile());
        for (JsonNode seq : expected.get("sequences")) if (seq.get("name").textValue().equals("chat")) return seq;
        return fail("expected.json has no 'chat' sequence");
    }

    private static int[] ids(JsonNode sequence) {
        int[] ids = new int[sequence.get("ids").size()];
        for (int i = 0; i < ids.length; i++) ids[i] = sequence.get("ids").get(i).intValue();
        return ids;
    }

    /** The chat sequence is a Llama 3.1 prompt: system (with the date lines), user, assistant header. */
    @Test
    void chatFormatReproducesTheChatSequence() throws IOException {
        JsonNode chat = chatSequence();
        int[] ids = ids(chat);

        List<ChatFormat.Message> messages = List.of(
                new ChatFormat.Message("system", "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
                        + "You are a kind, careful assistant for family caregivers of people living with dementia. Answer plainly and warmly."),
                // surrounding whitespace is trimmed by the template
                new ChatFormat.Message("user", " \n My father has Alzheimer's disease. He refuses to take a shower and gets angry when I insist. What should I do?\n\n"));
        for (Tokenizer t : List.of(SharedFixtures.json(), SharedFixtures.gguf())) {
            ChatFormat format = new ChatFormat(t);
            assertEquals(chat.get("text").textValue(), format.render(messages, true));
            assertArrayEquals(ids, format.encode(messages, true));
            int[] withoutPrompt = format.encode(messages, false);
            assertArrayEquals(Arrays.copyOf(ids, ids.length - 4), withoutPrompt, "generation prompt is the last 4 ids");
        }
    }

    /** Llama 3.1's own template writes the date lines itself: only the real system message is passed. */
    @Test
    void llama31StyleAddsTheKnowledgeDateHeader() throws IOException {
        JsonNode chat = chatSequence();
        int[] ids = ids(chat);
        List<ChatFormat.Message> messages = List.of(
                new ChatFormat.Message("system", "You are a kind, careful assistant for family caregivers of people living with dementia."
                        + " Answer plainly and warmly."),
                new ChatFormat.Message("user", "My father has Alzheimer's disease. He refuses to take a shower and gets angry when I insist."
                        + " What should I do?"));
        ChatFormat format = new ChatFormat(SharedFixtures.json(), ChatFormat.Style.LLAMA31);
        assertEquals(chat.get("text").textValue(), format.render(messages, true));
        assertArrayEquals(ids, format.encode(messages, true));
        // Without a system message the header still carries the dates, with an empty message.
        assertTrue(format.render(messages.subList(1, 2), false).startsWith(
                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n"
                        + "Today Date: 26 Jul 2024\n\n<|eot_id|><|start_header_id|>user"));
        assertEquals(ChatFormat.Style.LLAMA3, new ChatFormat(SharedFixtures.json()).style(), "the fixture carries Llama 3's short template");
    }

    /** cases.jsonl has two chat-formatted prompts (encoded by Hugging Face tokenizers). */
    @Test
    void chatFormatReproducesTheChatCases() throws IOException {
        List<Case> cases = cases();
        Case hi = cases.stream().filter(c -> c.text().endsWith("user<|end_header_id|>\n\nHi!<|eot_id|>")).findFirst().orElseThrow();
        Case withSystem = cases.stream().filter(c -> c.text().contains("dementia caregivers.<|eot_id|>")).findFirst().orElseThrow();
        ChatFormat format = new ChatFormat(SharedFixtures.json());
        List<ChatFormat.Message> dialog = List.of(new ChatFormat.Message("user", "Hi!"));
        assertEquals(hi.text(), format.render(dialog, false));
        assertArrayEquals(hi.ids(), format.encode(dialog, false));
        List<ChatFormat.Message> withSystemDialog = List.of(
                new ChatFormat.Message("system", "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nYou are a helpful assistant for dementia caregivers."),
                new ChatFormat.Message("user", "How do I talk to my mother about her diagnosis?"));
        assertEquals(withSystem.text(), format.render(withSystemDialog, true));
        assertArrayEquals(withSystem.ids(), format.encode(withSystemDialog, true));
    }

    /** The template ChatFormat implements is the one the fixture's tokenizer_config.json carries. */
    @Test
    void chatFormatImplementsTheConfiguredTemplate() throws IOException {
        TokenizerConfig config = TokenizerConfig.read(SharedFixtures.tokenizerDir().resolve("tokenizer_config.json"));
        assertEquals(ChatFormat.LLAMA3_TEMPLATE, config.chatTemplate());
        assertEquals("<|begin_of_text|>", config.bosToken());
        assertEquals("<|eot_id|>", config.eosToken());
        assertEquals(256, config.addedTokens().size());
        assertEquals("<|end_header_id|>", config.addedTokens().get(128007));
    }

    /** One piece of 200,000 bytes (a whitespace run, a run of letters) must not take quadratic time. */
    @Test
    @org.junit.jupiter.api.Timeout(20)
    void longPiecesAreFast() {
        Tokenizer t = SharedFixtures.json();
        for (String text : List.of(" ".repeat(200_000) + "x", "ab".repeat(100_000), "=".repeat(200_000))) {
            int[] ids = t.encode(text, false);
            assertEquals(text, t.decode(ids));
            assertTrue(ids.length <= text.length() / 2, "merges applied: " + ids.length + " tokens");
        }
    }

    @Test
    void pythonStripMatchesJinjaTrim() {
        // Python's str.isspace is true for \x1c-\x1f, \x85 and no-break spaces; false for zero-width space U+200B.
        assertEquals("a b", ChatFormat.pythonStrip("\u001c\u0085\u00a0\u3000 a b\t\n\u202f"));
        assertEquals("\u200ba\u200b", ChatFormat.pythonStrip("\u200ba\u200b"));
        assertEquals("", ChatFormat.pythonStrip(" \n "));
    }
}
