package dev.bedside.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.model.tokenizer.Tokenizers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** logprobs, generate and chat end to end on the tiny fixture model, against the float64 reference. */
class ModelCommandsTest {
    private static Path tiny;
    private static JsonNode hello;

    @BeforeAll
    static void fixtures() throws Exception {
        tiny = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures", "tiny-llama31");
        Assumptions.assumeTrue(Files.isDirectory(tiny), "../shared/fixtures/tiny-llama31 absent: skipping model command tests");
        hello = new ObjectMapper().readTree(tiny.resolve("expected.json").toFile()).get("sequences").get(0);
    }

    private static String capture(ThrowingConsumer<PrintStream> body) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            body.accept(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingConsumer<T> {
        void accept(T t) throws Exception;
    }

    @Test
    void logprobsPrintsTheTopTokensOfEveryPosition() throws Exception {
        String ids = hello.get("ids").toString().replaceAll("[\\[\\] ]", "");
        String json = capture(out -> assertEquals(0, LogprobsCommand.run(new String[] {"--model", tiny.toString(), "--ids", ids, "--top", "20"}, out)));
        JsonNode positions = new ObjectMapper().readTree(json);
        JsonNode reference = hello.get("reference");
        assertEquals(hello.get("ids").size(), positions.size());
        for (int t = 0; t < positions.size(); t++) {
            assertEquals(20, positions.get(t).size());
            for (int j = 0; j < 20; j++) {
                JsonNode entry = positions.get(t).get(j);
                // Ids agree where the reference's neighbours are not within float noise of each other.
                double theirs = reference.get("top_logprobs").get(t).get(j).asDouble();
                assertEquals(theirs, entry.get("logprob").asDouble(), 1e-4, "position " + t + " rank " + j);
                if (j == 0) assertEquals(reference.get("top_ids").get(t).get(0).asInt(), entry.get("id").asInt());
            }
        }
    }

    @Test
    void greedyGenerateEqualsTheReferenceContinuation() throws Exception {
        // Every greedy step of this sequence has a margin of at least 0.018 in the float64 reference.
        int[] want = hello.get("reference").get("greedy").get("ids").traverse(new ObjectMapper()).readValueAs(int[].class);
        String expected = Tokenizers.load(tiny).decode(want);
        String text = capture(out -> assertEquals(0, GenerateCommand.run(new String[] {"--model", tiny.toString(), "--prompt", "Hello world",
                "--max-tokens", String.valueOf(want.length), "--temperature", "0"}, out, new PrintStream(new ByteArrayOutputStream()))));
        assertEquals(expected + System.lineSeparator(), text);
    }

    @Test
    void chatAnswersEachLineUntilExit() throws Exception {
        String input = "Hello\nHow are you?\n/exit\n";
        String text = capture(out -> ChatCommand.run(new String[] {"--model", tiny.toString(), "--max-tokens", "4", "--temperature", "0"},
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out));
        assertEquals(2, text.split("assistant> ", -1).length - 1, text);
    }

    @Test
    void badArgumentsAreUsageErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[] {"logprobs", "--model", tiny.toString(), "--idz", "1"}, new PrintStream(err)));
        assertTrue(err.toString().contains("--ids") || err.toString().contains("--idz"), err.toString());
        err.reset();
        assertEquals(2, Main.run(new String[] {"logprobs", "--model", tiny.toString(), "--ids", "1,x"}, new PrintStream(err)));
        assertTrue(err.toString().contains("integers"), err.toString());
        err.reset();
        assertEquals(1, Main.run(new String[] {"logprobs", "--model", "/nonexistent/model", "--ids", "1"}, new PrintStream(err)));
        assertTrue(err.toString().contains("/nonexistent/model"), err.toString());
    }
}
