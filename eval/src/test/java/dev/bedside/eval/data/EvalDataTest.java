package dev.bedside.eval.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.dpo.data.DataException;
import dev.bedside.eval.Sample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data readers on the four public data sets as they are (row counts from Python's csv/json modules), and on
 * malformed files: every error names the file and the line.
 */
class EvalDataTest {
    @TempDir Path dir;

    private static Path shared(String file) {
        Path data = Path.of(System.getProperty("bedside.shared", "../shared"), "data");
        Assumptions.assumeTrue(Files.isDirectory(data), "../shared/data absent: skipping the public data sets");
        return data.resolve(file);
    }

    @Test
    void readsThePapersTestSplit() throws Exception {
        EvalData.Loaded loaded = EvalData.read(shared("empathy-by-design/test.csv"), Columns.DEFAULT, true);
        assertEquals(523, loaded.samples().size());
        assertEquals(List.of(), loaded.skipped());
        Sample first = loaded.samples().getFirst();
        assertEquals("1", first.id());
        assertEquals("What are potential roles of anti-inflammatory diets in Alzheimer\u2019s prevention?", first.question());
        assertTrue(first.reference().startsWith("I'm so glad you're looking into ways to prevent Alzheimer's."));
        assertEquals("How can caregivers build positive moments even on challenging days?", loaded.samples().getLast().question());
    }

    @Test
    void readsMedQuadJsonLinesWithItsOtherFields() throws Exception {
        EvalData.Loaded loaded = EvalData.read(shared("medquad-dementia/qa.jsonl"), new Columns(null, null, "qid", "qtype"), true);
        assertEquals(97, loaded.samples().size());
        Sample first = loaded.samples().getFirst();
        assertEquals("0000269-1", first.id());
        assertEquals("What is (are) Alzheimer disease ?", first.question());
        assertEquals("information", first.columns().get("qtype"));
        assertFalse(first.columns().containsKey("question"));
    }

    @Test
    void readsRag2WithCapitalisedColumnsQuotedLineBreaksAndItsCategories() throws Exception {
        EvalData.Loaded loaded = EvalData.read(shared("rag2-caregiver/ground_truth_answers.csv"), new Columns(null, null, "Question ID", "Category"), true);
        assertEquals(499, loaded.samples().size());
        Sample first = loaded.samples().getFirst();
        assertEquals("AA001", first.id());
        assertTrue(first.reference().startsWith("Mild Cognitive Impairment (MCI) often manifests in symptoms such as:\n\n1. Noticea"));
        assertEquals("AA499", loaded.samples().getLast().id());
        assertEquals(63, loaded.samples().stream().map(s -> s.columns().get("Category")).collect(Collectors.toSet()).size());
    }

    @Test
    void readsCounselChatLeavingOutRowsWithoutQuestionOrAnswer() throws Exception {
        Path file = shared("counsel-chat/counsel_chat.csv");
        EvalData.Loaded loaded = EvalData.read(file, new Columns("questionText", "answerText", null, "topic"), false);
        assertEquals(2612, loaded.samples().size());
        assertEquals(163, loaded.skipped().size());
        assertEquals(139, loaded.skipped().stream().filter(p -> p.reason().equals("empty question ('questionText')")).count());
        assertEquals(24, loaded.skipped().stream().filter(p -> p.reason().equals("empty reference answer ('answerText')")).count());
        DataException strict = assertThrows(DataException.class,
                () -> EvalData.read(file, new Columns("questionText", "answerText", null, null), true));
        assertTrue(strict.getMessage().contains("counsel_chat.csv: line "), strict.getMessage());
    }

    // ------------------------------------------------------------------ well-formed corner cases

    @Test
    void csvWithBomCrlfEmbeddedCommasQuotesAndLineBreaks() throws Exception {
        Path file = write("q.csv", "\uFEFFquestion,answer,topic\r\n"
                + "\"Why, and how?\",\"She said \"\"rest\"\".\r\nThen sleep.\",sleep\r\n"
                + "\r\n"
                + "Plain question,plain answer,\r\n");
        EvalData.Loaded loaded = EvalData.read(file, new Columns(null, null, null, "topic"), true);
        assertEquals(2, loaded.samples().size());
        assertEquals(new Sample("1", "Why, and how?", "", "She said \"rest\".\r\nThen sleep.", Map.of("topic", "sleep")), loaded.samples().get(0));
        assertEquals(new Sample("2", "Plain question", "", "plain answer", Map.of("topic", "")), loaded.samples().get(1));
    }

    @Test
    void jsonLinesWithPromptAndReference() throws Exception {
        Path file = write("p.jsonl", "{\"prompt\": \"Q1?\", \"reference\": \"A1.\", \"n\": 3}\n\n{\"prompt\": \"Q2?\", \"reference\": \"A2.\"}\n");
        EvalData.Loaded loaded = EvalData.read(file, Columns.DEFAULT, true);
        assertEquals(List.of("Q1?", "Q2?"), loaded.samples().stream().map(Sample::question).toList());
        assertEquals("3", loaded.samples().getFirst().columns().get("n"));
    }

    // ------------------------------------------------------------------ malformed files

    @Test
    void anUnclosedQuoteNamesTheLineItOpensOn() throws Exception {
        assertError(write("a.csv", "question,answer\nq1,a1\nq2,\"never\nclosed\n"), "a.csv: line 3: quoted field never closes");
    }

    @Test
    void aQuoteInsideAnUnquotedField() throws Exception {
        assertError(write("b.csv", "question,answer\nq1,say \"hi\"\n"), "b.csv: line 2: a quote inside an unquoted field");
    }

    @Test
    void textAfterAClosingQuote() throws Exception {
        assertError(write("c.csv", "question,answer\nq1,\"a\"b\n"), "c.csv: line 2: text after a closing quote");
    }

    @Test
    void aRowWithTheWrongNumberOfFieldsAfterAMultiLineRow() throws Exception {
        assertError(write("d.csv", "question,answer\nq1,\"two\nlines\"\nq2,a2,extra\n"), "d.csv: line 4: 3 fields where the header has 2");
    }

    @Test
    void aLineThatIsNotJson() throws Exception {
        assertError(write("e.jsonl", "{\"question\":\"q\",\"answer\":\"a\"}\n{\"question\": oops}\n"), "e.jsonl: line 2: not valid JSON");
        assertError(write("f.jsonl", "[1, 2]\n"), "f.jsonl: line 1: not a JSON object");
        assertError(write("g.jsonl", "{\"question\":[\"q\"],\"answer\":\"a\"}\n"), "g.jsonl: line 1: field 'question' is a list");
    }

    @Test
    void aMissingColumnListsTheColumnsThereAre() throws Exception {
        Path file = write("h.csv", "Query,Response\nq,a\n");
        DataException e = assertThrows(DataException.class, () -> EvalData.read(file, Columns.DEFAULT, false));
        assertTrue(e.getMessage().contains("no column 'question' or 'prompt' (columns: Query, Response); name the right one with --question-col"), e.getMessage());
        assertEquals(1, EvalData.read(file, new Columns("Query", "Response", null, null), true).samples().size());
        assertError(file, new Columns("Query", "Response", null, "topic"), "no column 'topic' for --group-by (columns: Query, Response)");
    }

    @Test
    void aRepeatedIdNamesBothLines() throws Exception {
        assertError(write("i.csv", "id,question,answer\nx,q1,a1\ny,q2,a2\nx,q3,a3\n"), new Columns(null, null, "id", null),
                "i.csv: line 4: id 'x' repeats the row on line 2");
    }

    @Test
    void aRepeatedHeaderColumnAndAnEmptyFile() throws Exception {
        assertError(write("j.csv", "question,answer,question\nq,a,b\n"), "j.csv: line 1: column 'question' appears twice");
        assertError(write("k.csv", ""), "k.csv: empty file");
    }

    @Test
    void predictionsAreMatchedByQuestionAndConflictsRefused() throws Exception {
        Path ok = write("p.csv", "question,answer,system\n  Q1?  ,A,gpt\nQ1?,B,claude\nQ1?,A,gpt\n");
        Map<String, Map<String, String>> read = Predictions.read(ok);
        assertEquals(Set.of("gpt", "claude"), read.keySet());
        assertEquals("A", read.get("gpt").get(Predictions.key("Q1?")));
        Path bad = write("p2.csv", "question,answer,system\nQ1?,A,gpt\nQ1?,B,gpt\n");
        DataException e = assertThrows(DataException.class, () -> Predictions.read(bad));
        assertTrue(e.getMessage().contains("p2.csv: line 3: system 'gpt' answers this question differently on line 2"), e.getMessage());
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static void assertError(Path file, String expected) {
        assertError(file, Columns.DEFAULT, expected);
    }

    private static void assertError(Path file, Columns columns, String expected) {
        DataException e = assertThrows(DataException.class, () -> EvalData.read(file, columns, false));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
