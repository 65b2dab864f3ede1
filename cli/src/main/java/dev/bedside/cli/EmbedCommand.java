package dev.bedside.cli;

import dev.bedside.model.bert.SentenceEncoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code bedside embed (--text TEXT | --text-file FILE) [--model PATH] [--max-tokens N]}: prints the sentence embedding
 * as one JSON array (384 floats for the default, the bundled all-MiniLM-L6-v2). {@code --model} takes a
 * sentence-transformers folder (BERT or MPNet) or an {@code .onnx} file with its tokenizer.json beside it.
 */
final class EmbedCommand {
    private EmbedCommand() {}

    static final String USAGE = "embed (--text TEXT | --text-file FILE) [--model PATH] [--max-tokens N]";

    static int run(String[] args) throws IOException {
        return run(args, System.out);
    }

    static int run(String[] args, PrintStream out) throws IOException {
        Args options = new Args(args, Set.of());
        String text = options.string("text", null), file = options.string("text-file", null), model = options.string("model", null);
        int maxTokens = options.integer("max-tokens", -1);
        options.finish();
        if (!options.positional().isEmpty()) throw new UsageException("unexpected argument '" + options.positional().getFirst() + "'; usage: " + USAGE);
        if ((text == null) == (file == null)) throw new UsageException("give exactly one of --text and --text-file; usage: " + USAGE);
        if (file != null) {
            try {
                text = Files.readString(Path.of(file));
            } catch (IOException e) {
                throw new IOException("cannot read --text-file " + file + ": " + e, e);
            }
        }
        SentenceEncoder encoder = model == null ? SentenceEncoder.miniLm() : SentenceEncoder.load(Path.of(model));
        if (maxTokens > 0) encoder = encoder.withMaxTokens(maxTokens);
        float[] embedding = encoder.embed(text);
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < embedding.length; i++) json.append(i == 0 ? "" : ",").append(embedding[i]);
        out.println(json.append(']'));
        return 0;
    }
}
