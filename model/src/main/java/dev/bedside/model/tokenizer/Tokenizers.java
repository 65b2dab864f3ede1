package dev.bedside.model.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Loads a {@link Tokenizer} from whatever file a model came with. */
public final class Tokenizers {
    private Tokenizers() {}

    /**
     * Loads from:
     * <ul>
     *   <li>a folder holding {@code tokenizer.json} (and optionally {@code tokenizer_config.json} for BOS/EOS and the
     *       chat template, and {@code generation_config.json} whose {@code eos_token_id}s are added to the EOS ids);</li>
     *   <li>a {@code tokenizer.json} file (those two files are read from beside it when present);</li>
     *   <li>a {@code .gguf} file (its {@code tokenizer.ggml.*} metadata).</li>
     * </ul>
     * Missing files throw {@link NoSuchFileException}; malformed or unsupported contents throw
     * {@link IllegalArgumentException} whose message starts with the file.
     */
    public static Tokenizer load(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            Path json = path.resolve("tokenizer.json");
            if (!Files.isRegularFile(json)) throw new NoSuchFileException(json.toString(), null, "folder " + path + " has no tokenizer.json");
            return fromJson(json);
        }
        if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "no tokenizer file or folder here");
        if (path.getFileName().toString().toLowerCase().endsWith(".gguf") || startsWithGgufMagic(path)) return GgufTokenizer.load(path);
        return fromJson(path);
    }

    private static Tokenizer fromJson(Path json) throws IOException {
        return HuggingFaceTokenizerFile.load(json,
                HuggingFaceTokenizerFile.sibling(json, "tokenizer_config.json"),
                HuggingFaceTokenizerFile.sibling(json, "generation_config.json"));
    }

    private static boolean startsWithGgufMagic(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'G' && magic[1] == 'G' && magic[2] == 'U' && magic[3] == 'F';
        }
    }
}
