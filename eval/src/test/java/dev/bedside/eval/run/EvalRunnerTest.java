package dev.bedside.eval.run;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.dpo.data.DataException;
import dev.bedside.eval.Sample;
import dev.bedside.eval.readability.Readability;
import dev.bedside.eval.readability.ReadabilityMetric;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner: per-sample files, failures marked and left out of means, resuming after a kill. */
class EvalRunnerTest {
    @TempDir Path out;

    private final List<Sample> samples = FakeSystems.samples("Why do I forget names?", "Will this fail today?",
            "Is walking good for memory?", "What about boom days?");
    private static final Map<String, Object> SETTINGS = Map.of("generation", Map.of("seed", 42), "limit", 0);

    private EvalResults run(List<AnswerSystem> systems, Map<String, Object> settings) throws Exception {
        List<ActiveMetric> metrics = List.of(ActiveMetric.of("fk_grade", ReadabilityMetric.fkGrade()), ActiveMetric.of("words", new FakeSystems.WordCount()),
                ActiveMetric.ofCorpus("mentions", new FakeSystems.Mentions(), true));
        return new EvalRunner(new EvalRunner.Options(out, 42, 200, 0.95, 3, "topic", null)).run(samples, systems, metrics, settings);
    }

    @Test
    void failuresAreMarkedCountedAndLeftOutOfTheMean() throws Exception {
        FakeSystems.Echo echo = new FakeSystems.Echo("echo", "Sure:");
        EvalResults r = run(List.of(echo), SETTINGS);
        assertEquals(1, echo.opened);
        assertEquals(1, echo.closed);
        Answer failed = r.answers().get("echo").get("2");
        assertEquals("IOException: HTTP 503 after 4 retries", failed.failure());

        // fk_grade: the three answered samples, averaged; the unanswered one counted as a failure.
        double expected = (Readability.textstat().score("Sure: Why do I forget names? It helps.").fleschKincaidGrade()
                + Readability.textstat().score("Sure: Is walking good for memory? It helps.").fleschKincaidGrade()
                + Readability.textstat().score("Sure: What about boom days? It helps.").fleschKincaidGrade()) / 3;
        MetricSummary fk = r.summary().get("echo").get("fk_grade");
        assertEquals(expected, fk.mean(), 1e-12);
        assertEquals(3, fk.n());
        assertEquals(1, fk.failures());
        assertEquals("no answer: IOException: HTTP 503 after 4 retries", r.scores().get("echo").get("fk_grade").get("2").failure());

        // words: the metric threw on "boom": that sample alone fails, the batch around it is scored.
        MetricSummary words = r.summary().get("echo").get("words");
        assertEquals((8.0 + 8.0) / 2, words.mean(), 1e-12);   // "Sure: Why do I forget names? It helps." and the walking one: 8 words each
        assertEquals(2, words.n());
        assertEquals(2, words.failures());
        assertEquals("IllegalStateException: cannot count 4", r.scores().get("echo").get("words").get("4").failure());

        // The corpus metric over the answered samples: all three mention their question.
        assertEquals(1.0, r.summary().get("echo").get("mentions").mean(), 0);
        assertEquals(1, r.summary().get("echo").get("mentions").failures());

        // Groups: "even" holds samples 1 and 3, "odd" 2 (failed) and 4.
        assertEquals(2, r.groups().get("echo").get("even").get("fk_grade").n());
        assertEquals(1, r.groups().get("echo").get("odd").get("fk_grade").n());
        assertEquals(1, r.groups().get("echo").get("odd").get("fk_grade").failures());
    }

    @Test
    void aSecondRunAsksOnlyWhatIsMissingAndAKilledRunResumes() throws Exception {
        EvalResults first = run(List.of(new FakeSystems.Echo("echo", "Sure:")), SETTINGS);

        FakeSystems.Echo again = new FakeSystems.Echo("echo", "Sure:");
        EvalResults second = run(List.of(again), SETTINGS);
        assertEquals(List.of("Will this fail today?"), again.asked, "only the failed answer is asked again");
        assertEquals(first.summary(), second.summary());

        // Simulate a kill: the last two answers are gone and the line being written was cut short.
        Path answers = out.resolve("answers/echo.jsonl");
        List<String> lines = Files.readAllLines(answers);
        String kept = String.join("\n", lines.subList(0, 2)) + "\n" + lines.get(2).substring(0, 15);
        Files.writeString(answers, kept, StandardCharsets.UTF_8);
        Path scores = out.resolve("scores/echo/fk_grade.jsonl");
        Files.writeString(scores, Files.readAllLines(scores).getFirst() + "\n");

        FakeSystems.Echo resumed = new FakeSystems.Echo("echo", "Sure:");
        EvalResults third = run(List.of(resumed), SETTINGS);
        assertEquals(List.of("Will this fail today?", "Is walking good for memory?", "What about boom days?"), resumed.asked);
        assertEquals(first.summary(), third.summary());
        assertEquals(first.answers(), third.answers());
        assertEquals(5, Files.readAllLines(answers).size(), "2 kept + 3 asked again, the cut line removed");
    }

    @Test
    void answersDoNotDependOnOrderOrLimit() {
        assertEquals(EvalRunner.sampleSeed(42, "Why?"), EvalRunner.sampleSeed(42, "Why?"));
        assertNotEquals(EvalRunner.sampleSeed(42, "Why?"), EvalRunner.sampleSeed(43, "Why?"));
        assertNotEquals(EvalRunner.sampleSeed(42, "Why?"), EvalRunner.sampleSeed(42, "Why not?"));
    }

    @Test
    void aFolderFromAnotherRunIsRefused() throws Exception {
        run(List.of(new FakeSystems.Echo("echo", "Sure:")), SETTINGS);
        DataException settings = assertThrows(DataException.class,
                () -> run(List.of(new FakeSystems.Echo("echo", "Sure:")), Map.of("generation", Map.of("seed", 7))));
        assertTrue(settings.getMessage().contains("run.json: this folder holds a run with other settings (generation {\"seed\":42} → {\"seed\":7})"),
                settings.getMessage());

        Path answers = out.resolve("answers/echo.jsonl");
        Files.writeString(answers, Files.readString(answers).replace("Why do I forget names?", "Another question?"));
        DataException data = assertThrows(DataException.class, () -> run(List.of(new FakeSystems.Echo("echo", "Sure:")), SETTINGS));
        assertTrue(data.getMessage().contains("echo.jsonl: sample 1 was asked a different question"), data.getMessage());
    }

    @Test
    void aBrokenLineInTheMiddleIsAnErrorNamingIt() throws Exception {
        run(List.of(new FakeSystems.Echo("echo", "Sure:")), SETTINGS);
        Path scores = out.resolve("scores/echo/words.jsonl");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(scores));
        lines.set(1, "{broken");
        Files.writeString(scores, String.join("\n", lines) + "\n");
        DataException e = assertThrows(DataException.class, () -> run(List.of(new FakeSystems.Echo("echo", "Sure:")), SETTINGS));
        assertTrue(e.getMessage().contains("words.jsonl: line 2: not valid JSON"), e.getMessage());
    }

    @Test
    void systemsWhoseFilesWouldCollideAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(List.of(new FakeSystems.Echo("gpt 4", "a"), new FakeSystems.Echo("gpt/4", "b")), SETTINGS));
        assertTrue(e.getMessage().contains("two systems named 'gpt 4' and 'gpt/4'"), e.getMessage());
    }
}
