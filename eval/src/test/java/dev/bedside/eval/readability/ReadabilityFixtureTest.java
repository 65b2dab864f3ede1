package dev.bedside.eval.readability;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Every field of every passage in {@code ../shared/fixtures/readability/expected.json}, produced by the npm
 * reference tools (text-readability 1.1.1; flesch and flesch-kincaid 2.0.1 on syllable 5.0.1 counts). Scores are
 * compared exactly: {@code assertEquals(double, double)} compares the bits.
 */
class ReadabilityFixtureTest {

    static Path fixture() {
        Path dir = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures", "readability");
        Assumptions.assumeTrue(Files.isDirectory(dir), "../shared/fixtures absent: skipping readability fixtures");
        return dir.resolve("expected.json");
    }

    static JsonNode passages() throws IOException {
        return new ObjectMapper().readTree(fixture().toFile()).get("passages");
    }

    @TestFactory
    Stream<DynamicTest> textstatPort() throws IOException {
        return perPassage(p -> {
            String text = p.get("text").asText();
            JsonNode want = p.get("textstat_port");
            ReadabilityScores got = Readability.textstat().score(text);
            return List.of(
                () -> assertEquals(want.get("sentences").asInt(), got.sentences(), "sentences"),
                () -> assertEquals(want.get("words").asInt(), got.words(), "words"),
                () -> assertEquals(want.get("syllables").asInt(), got.syllables(), "syllables"),
                () -> assertEquals(want.get("avg_sentence_length").asDouble(),
                    TextstatPort.averageSentenceLength(got.sentences(), got.words()), "avg_sentence_length"),
                () -> assertEquals(want.get("avg_syllables_per_word").asDouble(),
                    TextstatPort.averageSyllablesPerWord(got.words(), got.syllables()), "avg_syllables_per_word"),
                () -> assertEquals(want.get("flesch_reading_ease").asDouble(), got.fleschReadingEase(),
                    "flesch_reading_ease"),
                () -> assertEquals(want.get("flesch_kincaid_grade").asDouble(), got.fleschKincaidGrade(),
                    "flesch_kincaid_grade"));
        });
    }

    @TestFactory
    Stream<DynamicTest> textstatPortDetail() throws IOException {
        return perPassage(p -> {
            String text = p.get("text").asText();
            JsonNode detail = p.get("textstat_port_detail");
            return List.of(
                () -> assertEquals(strings(detail.get("sentence_pieces")), TextstatPort.sentencePieces(text),
                    "sentence_pieces"),
                () -> assertEquals(strings(detail.get("words")), TextstatPort.words(text), "words"));
        });
    }

    @TestFactory
    Stream<DynamicTest> exactFormulaOnTextstatCounts() throws IOException {
        return perPassage(p -> {
            JsonNode port = p.get("textstat_port");
            JsonNode want = p.get("exact_formula_on_textstat_counts");
            ReadabilityScores got = Readability.exactFormula().score(p.get("text").asText());
            return List.of(
                () -> assertEquals(port.get("sentences").asInt(), got.sentences(), "sentences"),
                () -> assertEquals(port.get("words").asInt(), got.words(), "words"),
                () -> assertEquals(port.get("syllables").asInt(), got.syllables(), "syllables"),
                () -> assertEquals(score(want.get("flesch_reading_ease")), got.fleschReadingEase(),
                    "flesch_reading_ease"),
                () -> assertEquals(score(want.get("flesch_kincaid_grade")), got.fleschKincaidGrade(),
                    "flesch_kincaid_grade"));
        });
    }

    @TestFactory
    Stream<DynamicTest> exactFormulaSimpleCounts() throws IOException {
        return perPassage(p -> {
            JsonNode want = p.get("exact_formula");
            ReadabilityScores got = Readability.exactFormulaSimpleCounts().score(p.get("text").asText());
            return List.of(
                () -> assertEquals(want.get("sentences").asInt(), got.sentences(), "sentences"),
                () -> assertEquals(want.get("words").asInt(), got.words(), "words"),
                () -> assertEquals(want.get("syllables").asInt(), got.syllables(), "syllables"),
                () -> assertEquals(score(want.get("flesch_reading_ease")), got.fleschReadingEase(),
                    "flesch_reading_ease"),
                () -> assertEquals(score(want.get("flesch_kincaid_grade")), got.fleschKincaidGrade(),
                    "flesch_kincaid_grade"));
        });
    }

    /** {@code count_differences} names exactly the counts where the two sides disagree. */
    @TestFactory
    Stream<DynamicTest> countDifferences() throws IOException {
        return perPassage(p -> {
            String text = p.get("text").asText();
            ReadabilityScores port = Readability.textstat().score(text);
            ReadabilityScores simple = Readability.exactFormulaSimpleCounts().score(text);
            JsonNode want = p.get("count_differences");
            List<Executable> checks = new ArrayList<>();
            checkDifference(checks, want, "sentences", port.sentences(), simple.sentences());
            checkDifference(checks, want, "words", port.words(), simple.words());
            checkDifference(checks, want, "syllables", port.syllables(), simple.syllables());
            return checks;
        });
    }

    private static void checkDifference(List<Executable> checks, JsonNode want, String count, int port, int simple) {
        JsonNode entry = want.get(count);
        checks.add(() -> assertEquals(entry != null, port != simple, count + " listed as differing"));
        if (entry != null) {
            checks.add(() -> assertEquals(entry.get("textstat_port").asInt(), port, count + " (port)"));
            checks.add(() -> assertEquals(entry.get("exact_formula").asInt(), simple, count + " (exact)"));
        }
    }

    /** A score; {@code null} in the fixture (a count of 0) is NaN here. */
    private static double score(JsonNode node) {
        return node.isNull() ? Double.NaN : node.asDouble();
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    private interface Checks {
        List<Executable> of(JsonNode passage);
    }

    private static Stream<DynamicTest> perPassage(Checks checks) throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode p : passages()) {
            String id = p.get("id").asText() + " (" + p.get("feature").asText() + ")";
            tests.add(DynamicTest.dynamicTest(id, () -> assertAll(id, checks.of(p).stream())));
        }
        return tests.stream();
    }
}
