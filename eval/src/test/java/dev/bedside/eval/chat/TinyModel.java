package dev.bedside.eval.chat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The tiny Llama 3.1 fixture as a chat backend, loaded once per test JVM and shared by the test classes that need
 * it (loading it costs more than using it). Skips the calling test when {@code ../shared} is absent.
 */
public final class TinyModel {
    private TinyModel() {}

    private static LocalChatBackend backend;

    public static Path dir() {
        Path dir = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures", "tiny-llama31");
        Assumptions.assumeTrue(Files.isDirectory(dir), "../shared/fixtures absent: skipping tests on the tiny model");
        return dir;
    }

    public static synchronized LocalChatBackend backend() {
        Path dir = dir();
        if (backend == null) {
            try {
                backend = LocalChatBackend.load(dir, 1024);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return backend;
    }
}
