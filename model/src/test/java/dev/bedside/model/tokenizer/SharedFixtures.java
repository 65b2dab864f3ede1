package dev.bedside.model.tokenizer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/** The shared reference files (../shared beside the checkout), loaded once per test JVM. */
final class SharedFixtures {
    private SharedFixtures() {}

    static Path shared() {
        return Path.of(System.getProperty("bedside.shared", "../shared"));
    }

    static Path tokenizerDir() {
        Path dir = shared().resolve("fixtures/llama31-tokenizer");
        assumeTrue(Files.isDirectory(dir), "../shared/fixtures/llama31-tokenizer absent: skipping tokenizer fixture tests");
        return dir;
    }

    /** A file or folder under ../shared; the calling test is skipped, with the reason, when it is absent. */
    static Path require(String relative) {
        Path path = shared().resolve(relative);
        assumeTrue(Files.exists(path), "../shared/" + relative + " absent: skipping");
        return path;
    }

    static boolean present() {
        return Files.isDirectory(shared().resolve("fixtures/llama31-tokenizer"));
    }

    /** The tokenizer from tokenizer.json + tokenizer_config.json (the Hugging Face files). */
    static Tokenizer json() {
        tokenizerDir();
        return Holder.JSON;
    }

    /** The tokenizer from llama.cpp's vocabulary-only GGUF. */
    static Tokenizer gguf() {
        tokenizerDir();
        return Holder.GGUF;
    }

    private static final class Holder {
        static final Tokenizer JSON = load(shared().resolve("fixtures/llama31-tokenizer"));
        static final Tokenizer GGUF = load(shared().resolve("fixtures/llama31-tokenizer/ggml-vocab-llama-bpe.gguf"));

        static Tokenizer load(Path p) {
            try {
                return Tokenizers.load(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Skips a jqwik property, with the reason, when the tokenizer files are absent (jqwik's own Assume would fail it). */
    public static final class Required implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            return present() ? SkipResult.doNotSkip() : SkipResult.skip("../shared/fixtures/llama31-tokenizer absent: skipping");
        }
    }
}
