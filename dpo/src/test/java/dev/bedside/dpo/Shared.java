package dev.bedside.dpo;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The shared reference data (../shared); tests skip with a visible reason when it is absent. */
public final class Shared {
    private Shared() {}

    public static Path root() { return Path.of(System.getProperty("bedside.shared", "../shared")); }

    public static Path fixture(String name) {
        Path dir = root().resolve("fixtures").resolve(name);
        Assumptions.assumeTrue(Files.isDirectory(dir), "../shared/fixtures/" + name + " absent: skipping");
        return dir;
    }

    public static Path tinyModel() { return fixture("tiny-llama31"); }

    /** The paper's preference pairs, read in place. */
    public static Path empathyPairs() {
        Path file = root().resolve("data/empathy-by-design/pairs.jsonl");
        Assumptions.assumeTrue(Files.isRegularFile(file), "../shared/data/empathy-by-design/pairs.jsonl absent: skipping");
        return file;
    }
}
