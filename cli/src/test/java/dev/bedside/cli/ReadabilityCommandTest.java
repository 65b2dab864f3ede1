package dev.bedside.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bedside readability} against {@code ../shared/fixtures/readability/expected.json}: its JSON must equal the
 * reference tools' values written as JavaScript writes them. Floats are read as BigDecimal and whole numbers as
 * integers, so {@code 4.0} does not equal the fixture's {@code 4}.
 */
class ReadabilityCommandTest {
    private static final ObjectMapper JSON =
        new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final List<String> FIELDS =
        List.of("sentences", "words", "syllables", "flesch_reading_ease", "flesch_kincaid_grade");

    private static JsonNode passages() throws Exception {
        Path dir = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures", "readability");
        Assumptions.assumeTrue(Files.isDirectory(dir), "../shared/fixtures absent: skipping readability command");
        return JSON.readTree(dir.resolve("expected.json").toFile()).get("passages");
    }

    private static String output(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = ReadabilityCommand.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The five fields, in order, from {@code counts} (sentences, words, syllables) and {@code scores}. */
    private static ObjectNode expected(JsonNode counts, JsonNode scores) {
        ObjectNode node = JSON.createObjectNode();
        for (String field : FIELDS) {
            node.set(field, field.startsWith("flesch") ? scores.get(field) : counts.get(field));
        }
        return node;
    }

    private static void assertPrints(ObjectNode expected, String printed, String what) throws Exception {
        assertTrue(printed.endsWith("\n") && printed.indexOf('\n') == printed.length() - 1, what + ": one line");
        JsonNode got = JSON.readTree(printed);
        assertEquals(expected, got, what + " printed " + printed);
        assertEquals(FIELDS, iterableToList(got.fieldNames()), what + ": field order");
    }

    private static List<String> iterableToList(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    @Test
    void defaultIsTheTextstatPort() throws Exception {
        for (JsonNode p : passages()) {
            JsonNode port = p.get("textstat_port");
            assertPrints(expected(port, port), output("--text", p.get("text").asText()), p.get("id").asText());
        }
    }

    @Test
    void exactUsesThePortCountsWithUnroundedFormulas() throws Exception {
        for (JsonNode p : passages()) {
            ObjectNode want = expected(p.get("textstat_port"), p.get("exact_formula_on_textstat_counts"));
            assertPrints(want, output("--text", p.get("text").asText(), "--exact"), p.get("id").asText());
        }
    }

    @Test
    void simpleCountsGiveTheExactFormulaSide() throws Exception {
        for (JsonNode p : passages()) {
            JsonNode exact = p.get("exact_formula");
            String printed = output("--exact", "--simple-counts", "--text", p.get("text").asText());
            assertPrints(expected(exact, exact), printed, p.get("id").asText());
        }
    }

    @Test
    void readsATextFile(@TempDir Path tmp) throws Exception {
        for (JsonNode p : passages()) {
            Path file = tmp.resolve(p.get("id").asText() + ".txt");
            Files.writeString(file, p.get("text").asText(), StandardCharsets.UTF_8);
            JsonNode port = p.get("textstat_port");
            assertPrints(expected(port, port), output("--text-file", file.toString()), p.get("id").asText());
        }
    }

    @Test
    void refusesBadCommandLines() {
        PrintStream silent = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(2, Main.run(new String[] {"readability"}, silent), "no text");
        assertEquals(2, Main.run(new String[] {"readability", "--text", "a", "--text-file", "b"}, silent), "both");
        assertEquals(2, Main.run(new String[] {"readability", "--text", "a", "--simple-counts"}, silent), "no --exact");
        assertEquals(2, Main.run(new String[] {"readability", "--text", "a", "--grade"}, silent), "unknown option");
        assertEquals(1, Main.run(new String[] {"readability", "--text-file", "/nonexistent/x.txt"}, silent), "no file");
    }
}
