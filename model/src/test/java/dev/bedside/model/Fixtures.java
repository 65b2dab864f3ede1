package dev.bedside.model;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared reference data (../shared/fixtures); tests skip with a reason when it is absent. */
public final class Fixtures {
    private Fixtures() {}

    public static Path dir(String name) {
        Path dir = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures", name);
        Assumptions.assumeTrue(Files.isDirectory(dir), "../shared/fixtures/" + name + " absent: skipping");
        return dir;
    }

    public static Path tinyHf() { return dir("tiny-llama31"); }

    /** kind: f32, f16, q8_0 or q4_0. */
    public static Path tinyGguf(String kind) { return dir("tiny-llama31-gguf").resolve("tiny-llama31-" + kind + ".gguf"); }
}
