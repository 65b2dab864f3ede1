package dev.bedside.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bedside embed}: one JSON array of 384 floats, equal to ONNX Runtime's embedding of the fixture's P01. */
class EmbedCommandTest {
    @TempDir Path dir;

    @Test
    void printsTheEmbeddingOfTextOrFile() throws Exception {
        Path file = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures/minilm/expected.json");
        Assumptions.assumeTrue(Files.isRegularFile(file), "../shared/fixtures/minilm absent: skipping embed command");
        JsonNode p01 = new ObjectMapper().readTree(file.toFile()).path("sentences").get(0);
        Path text = Files.writeString(dir.resolve("p01.txt"), p01.path("text").asText());
        for (String[] args : new String[][] {{"--text", p01.path("text").asText()}, {"--text-file", text.toString()}}) {
            JsonNode printed = new ObjectMapper().readTree(output(args));
            assertEquals(384, printed.size());
            for (int i = 0; i < 384; i++) {
                assertEquals(p01.path("embedding").get(i).asDouble(), printed.get(i).asDouble(), 1e-4, "element " + i);
            }
        }
    }

    @Test
    void needsExactlyOneInput() {
        assertThrows(UsageException.class, () -> output());
        assertThrows(UsageException.class, () -> output("--text", "a", "--text-file", "b"));
    }

    private static String output(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(0, EmbedCommand.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        String out = bytes.toString(StandardCharsets.UTF_8).strip();
        assertTrue(out.startsWith("[") && out.endsWith("]") && !out.contains("\n"), out);
        return out;
    }
}
