package dev.bedside.cli;

import dev.bedside.model.tokenizer.Tokenizer;
import dev.bedside.model.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code bedside tokenize --tokenizer PATH (--text TEXT | --text-file FILE) [--no-bos]}: prints the token ids as
 * one JSON array. PATH is a tokenizer folder, a tokenizer.json or a .gguf file. Special tokens written in the text
 * become their ids; BOS is added unless {@code --no-bos}. {@code --text-file} is read as exact UTF-8 (a trailing
 * newline is part of the text).
 */
final class TokenizeCommand {
    private TokenizeCommand() {}

    static final String HELP = "tokenize --tokenizer PATH (--text TEXT | --text-file FILE) [--no-bos] — token ids as a JSON array";

    static int run(String[] argv) throws IOException {
        return run(argv, System.out);
    }

    static int run(String[] argv, PrintStream out) throws IOException {
        Args args = new Args(argv, Set.of("no-bos"));
        Path tokenizerPath = Path.of(args.required("tokenizer"));
        String text = args.string("text", null);
        String textFile = args.string("text-file", null);
        boolean addBos = !args.flag("no-bos");
        args.finish();
        if (!args.positional().isEmpty()) throw new UsageException("unexpected argument '" + args.positional().getFirst() + "'");
        if ((text == null) == (textFile == null)) throw new UsageException("give exactly one of --text and --text-file");
        if (textFile != null) text = readUtf8(Path.of(textFile));

        Tokenizer tokenizer = Tokenizers.load(tokenizerPath);
        int[] ids = tokenizer.encode(text, addBos);
        StringBuilder json = new StringBuilder(ids.length * 7 + 2).append('[');
        for (int i = 0; i < ids.length; i++) json.append(i == 0 ? "" : ",").append(ids[i]);
        out.println(json.append(']'));
        out.flush();
        return 0;
    }

    private static String readUtf8(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not valid UTF-8 text", e);
        }
    }
}
