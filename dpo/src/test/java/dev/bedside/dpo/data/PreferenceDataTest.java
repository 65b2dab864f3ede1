package dev.bedside.dpo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.dpo.Shared;
import dev.bedside.model.tokenizer.Tokenizer;
import dev.bedside.model.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreferenceDataTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Tokenizer tokenizer;
    private static List<JsonNode> fixtureRows;

    @TempDir
    Path temp;

    @BeforeAll
    static void load() throws IOException {
        Path dpo = Shared.fixture("dpo");
        tokenizer = Tokenizers.load(Shared.tinyModel());
        fixtureRows = new ArrayList<>();
        for (String line : Files.readAllLines(dpo.resolve("pairs.jsonl"))) if (!line.isBlank()) fixtureRows.add(JSON.readTree(line));
    }

    private static int[] ints(JsonNode list) {
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = list.get(i).intValue();
        return ids;
    }

    private Path write(List<String> lines) throws IOException {
        Path file = temp.resolve("rows.jsonl");
        Files.write(file, lines);
        return file;
    }

    /** TRL's pre-tokenized ids in the fixture (made by TRL's tokenization in Python) are the target. */
    @Test
    void textRowsTokenizeToTheFixturesIds() throws IOException {
        List<String> textOnly = new ArrayList<>();
        for (JsonNode row : fixtureRows) {
            ObjectNode text = JSON.createObjectNode();
            text.set("prompt", row.get("prompt"));
            text.set("chosen", row.get("chosen"));
            text.set("rejected", row.get("rejected"));
            textOnly.add(text.toString());
        }
        var loaded = PreferenceData.load(write(textOnly), tokenizer, PromptTemplate.NONE, Truncation.NONE, true);
        assertEquals(fixtureRows.size(), loaded.pairs().size());
        int eot = tokenizer.id("<|eot_id|>");
        for (int i = 0; i < fixtureRows.size(); i++) {
            JsonNode row = fixtureRows.get(i);
            PreferencePair pair = loaded.pairs().get(i);
            assertEquals(i + 1, pair.line());
            assertArrayEquals(ints(row.get("prompt_input_ids")), pair.chosen().prompt(), "prompt ids, row " + i);
            assertArrayEquals(ints(row.get("prompt_input_ids")), pair.rejected().prompt(), "prompt ids, row " + i);
            assertArrayEquals(ints(row.get("chosen_input_ids")), pair.chosen().completion(), "chosen ids, row " + i);
            assertArrayEquals(ints(row.get("rejected_input_ids")), pair.rejected().completion(), "rejected ids, row " + i);
            // As the fixture README states: equal to the completion tokenized alone, plus <|eot_id|>.
            int[] alone = tokenizer.encode(row.get("chosen").asText(), false);
            int[] withEos = Arrays.copyOf(alone, alone.length + 1);
            withEos[alone.length] = eot;
            assertArrayEquals(withEos, pair.chosen().completion());
        }
    }

    @Test
    void preTokenizedRowsAreUsedAsTheyAre() throws IOException {
        List<String> lines = fixtureRows.stream().map(JsonNode::toString).toList();   // both forms present: ids win
        var loaded = PreferenceData.load(write(lines), tokenizer, PromptTemplate.NONE, Truncation.NONE, true);
        JsonNode row = fixtureRows.get(1);
        assertArrayEquals(ints(row.get("rejected_input_ids")), loaded.pairs().get(1).rejected().completion());
    }

    @Test
    void conversationalRowsUseTheChatTemplateWithTheAssistantHeader() throws IOException {
        String row = "{\"prompt\":[{\"role\":\"system\",\"content\":\"Be kind.\"},{\"role\":\"user\",\"content\":\"Hello?\"}],"
                + "\"chosen\":[{\"role\":\"assistant\",\"content\":\"Hi there.\"}],\"rejected\":[{\"role\":\"assistant\",\"content\":\"What.\"}]}";
        PreferencePair pair = PreferenceData.load(write(List.of(row)), tokenizer, PromptTemplate.NONE, Truncation.NONE, true).pairs().getFirst();
        String prompt = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe kind.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHello?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
        assertArrayEquals(tokenizer.encode(prompt, false), pair.chosen().prompt());
        assertArrayEquals(tokenizer.encode("Hi there.<|eot_id|>", false), pair.chosen().completion());
        assertArrayEquals(tokenizer.encode("What.<|eot_id|>", false), pair.rejected().completion());
    }

    @Test
    void paperTemplateWrapsThePromptAndSeparatesTheAnswer() throws IOException {
        String row = "{\"prompt\":\"What is dementia?\",\"chosen\":\"A loss of memory.\",\"rejected\":\"Read a book.\"}";
        PreferencePair pair = PreferenceData.load(write(List.of(row)), tokenizer, PromptTemplate.PAPER, Truncation.NONE, true).pairs().getFirst();
        String prompt = PromptTemplate.CLINICAL_SYSTEM_PROMPT + "\n\nQuestion: What is dementia?\nAnswer:";
        assertArrayEquals(tokenizer.encode(prompt, true), pair.chosen().prompt());
        assertArrayEquals(tokenizer.encode(" A loss of memory.<|eot_id|>", false), pair.chosen().completion());
    }

    @Test
    void badRowsAreReportedWithTheirLineNumbers() throws IOException {
        List<String> lines = List.of(
                "{\"prompt\":\"Q1\",\"chosen\":\" yes\",\"rejected\":\" no\"}",     // 1 good
                "{\"prompt\":\"Q2\",\"chosen\":\" yes\"}",                          // 2 missing rejected
                "",                                                                  // 3 blank: ignored
                "{\"prompt\":\"Q4\",\"chosen\":\"\",\"rejected\":\" no\"}",         // 4 empty completion
                "{\"prompt\":\"Q5\",\"chosen\":\" same\",\"rejected\":\" same\"}",  // 5 identical
                "{not json",                                                         // 6
                "{\"prompt\":\"" + "word ".repeat(40) + "\",\"chosen\":\" a\",\"rejected\":\" b\"}",  // 7 prompt too long
                "{\"prompt\":\"Q8\",\"chosen\":\" fine\",\"rejected\":\" also\"}"); // 8 good
        Path file = write(lines);
        Truncation limits = new Truncation(20, null, Truncation.Mode.KEEP_START);
        var loaded = PreferenceData.load(file, tokenizer, PromptTemplate.NONE, limits, false);
        assertEquals(List.of(1, 8), loaded.pairs().stream().map(PreferencePair::line).toList());
        assertEquals(List.of(2, 4, 5, 6, 7), loaded.skipped().stream().map(RowProblem::line).toList());
        assertTrue(loaded.skipped().get(0).reason().contains("missing 'rejected'"), loaded.skipped().get(0).reason());
        assertTrue(loaded.skipped().get(1).reason().contains("empty 'chosen'"));
        assertTrue(loaded.skipped().get(2).reason().contains("identical"));
        assertTrue(loaded.skipped().get(3).reason().contains("not valid JSON"));
        assertTrue(loaded.skipped().get(4).reason().contains("no room"));

        DataException strict = assertThrows(DataException.class, () -> PreferenceData.load(file, tokenizer, PromptTemplate.NONE, limits, true));
        assertTrue(strict.getMessage().contains(file.toString()) && strict.getMessage().contains("line 2: missing 'rejected'"), strict.getMessage());
    }

    @Test
    void truncationFollowsTrl() {
        int[] prompt = {1, 2, 3, 4, 5};
        int[] completion = {6, 7, 8, 9};
        Sequence start = new Truncation(7, null, Truncation.Mode.KEEP_START).apply(prompt, completion);
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7}, start.ids());
        assertArrayEquals(new int[] {6, 7}, start.completion());
        Sequence end = new Truncation(7, null, Truncation.Mode.KEEP_END).apply(prompt, completion);
        assertArrayEquals(new int[] {3, 4, 5, 6, 7, 8, 9}, end.ids());
        assertArrayEquals(new int[] {6, 7, 8, 9}, end.completion());
        // Prompt cut first, keeping its last tokens (older TRL's max_prompt_length), then the sequence.
        Truncation both = new Truncation(5, 2, Truncation.Mode.KEEP_START);
        assertArrayEquals(new int[] {4, 5}, both.prompt(prompt));
        assertArrayEquals(new int[] {4, 5, 6, 7, 8}, both.apply(both.prompt(prompt), completion).ids());
        assertTrue(new Truncation(5, null, Truncation.Mode.KEEP_START).promptTooLong(prompt));
    }
}
