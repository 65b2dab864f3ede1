package dev.bedside.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.tensor.Backends;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code --backend auto|cpu|tornado} is accepted by every command, anywhere on the line, and always says what it chose. */
class BackendOptionTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void restoreCpu() { Backends.use(Backends.select("cpu").backend()); }

    private int run(String... args) { return Main.run(args, new PrintStream(err, true)); }

    @Test
    void cpuIsUsedAndReported() {
        assertEquals(0, run("readability", "--backend", "cpu", "--text", "The cat sat on the mat."));
        assertTrue(err.toString().contains("bedside: backend: cpu-vector"), err.toString());
        assertEquals("cpu-vector", Backends.current().name());
    }

    @Test
    void autoSaysWhichItChoseAndTheCommandStillRuns() {
        assertEquals(0, run("--backend=auto", "readability", "--text", "The cat sat on the mat."));
        String said = err.toString();
        assertTrue(said.contains("bedside: backend: "), said);
        if (!said.contains("backend: tornado")) assertTrue(said.contains("cpu-vector (auto; "), said);
    }

    @Test
    void tornadoWithoutItsRuntimeIsOneLineAndExitCodeOne() {
        if (ModuleLayer.boot().findModule("tornado.runtime").isPresent()) return;   // this JVM has TornadoVM
        assertEquals(1, run("readability", "--backend", "tornado", "--text", "The cat sat."));
        String said = err.toString().strip();
        assertFalse(said.contains("\n"), said);
        assertTrue(said.startsWith("bedside: backend tornado is unavailable: TornadoVM"), said);
    }

    @Test
    void badValuesAreUsageErrors() {
        assertEquals(2, run("readability", "--backend", "cuda", "--text", "x"));
        assertTrue(err.toString().contains("--backend expects auto, cpu or tornado, got 'cuda'"), err.toString());
        err.reset();
        assertEquals(2, run("readability", "--text", "x", "--backend"));
        assertTrue(err.toString().contains("--backend needs a value"), err.toString());
    }
}
