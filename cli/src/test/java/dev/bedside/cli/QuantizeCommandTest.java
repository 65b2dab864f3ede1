package dev.bedside.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bedside quantize} end to end on the tiny fixture. */
class QuantizeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void q4_0OutputIsTheFileLlamaCppsToolsMake() throws Exception {
        Path fixtures = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures");
        Assumptions.assumeTrue(Files.isDirectory(fixtures.resolve("tiny-llama31")), "../shared/fixtures absent: skipping bedside quantize");
        Path out = tmp.resolve("tiny-q4_0.gguf");
        int code = Main.run(new String[] {"quantize", "--model", fixtures.resolve("tiny-llama31").toString(), "--to", "q4_0", "--out", out.toString()},
                System.err);
        assertEquals(0, code);
        // gguf-py's converter followed by llama-quantize --pure Q4_0 made the fixture from the same checkpoint.
        assertEquals(-1L, Files.mismatch(fixtures.resolve("tiny-llama31-gguf/tiny-llama31-q4_0.gguf"), out));
    }

    @Test
    void unknownTargetIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"quantize", "--model", tmp.toString(), "--to", "q5_k", "--out", tmp.resolve("x").toString()},
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--to expects nf4, q4_0, q8_0, f16 or f32"), err.toString(StandardCharsets.UTF_8));
    }
}
