package dev.bedside.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.model.tokenizer.BpeTrainer;
import dev.bedside.model.tokenizer.TrainedTokenizerFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code bedside tokenizer-train --data FILE[,FILE...] --vocab-size N --out DIR [--max-length L]}: trains a byte-level
 * BPE tokenizer ({@link BpeTrainer}) and writes {@code DIR/tokenizer.json} and {@code DIR/tokenizer_config.json}.
 * A {@code .jsonl} file contributes every string value of every row (prompt, chosen, rejected, completion, ...);
 * any other file is read as UTF-8 text, one text per line.
 */
final class TokenizerTrainCommand {
    static final String USAGE = "tokenizer-train --data FILE[,FILE...] --vocab-size N --out DIR [--max-length L]";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerTrainCommand() {}

    static int run(String[] argv, PrintStream err) throws IOException {
        Args args = new Args(argv, Set.of());
        List<Path> files = new ArrayList<>();
        for (String value : args.all("data")) Arrays.stream(value.split(",")).filter(s -> !s.isBlank()).map(Path::of).forEach(files::add);
        if (files.isEmpty()) throw new UsageException("missing --data FILE");
        int vocabSize = args.integer("vocab-size", 0);
        if (vocabSize <= 0) throw new UsageException("missing or bad --vocab-size N");
        Path out = Path.of(args.required("out"));
        int maxLength = args.integer("max-length", 2048);
        args.finish();
        long start = System.nanoTime();
        List<String> texts = texts(files);
        BpeTrainer.Vocabulary vocabulary = BpeTrainer.train(texts, vocabSize);
        TrainedTokenizerFiles.write(vocabulary, out, maxLength);
        err.printf("bedside tokenizer-train: %d texts, %d ids (%d merges, %d special) in %.1f s → %s%n", texts.size(),
                vocabulary.size(), vocabulary.merges().size(), vocabulary.specialCount(), (System.nanoTime() - start) / 1e9, out);
        return 0;
    }

    /** The texts of the files, as described above. */
    static List<String> texts(List<Path> files) throws IOException {
        List<String> texts = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) throw new UsageException("--data " + file + ": no such file");
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (!file.getFileName().toString().endsWith(".jsonl")) {
                lines.stream().filter(l -> !l.isBlank()).forEach(texts::add);
                continue;
            }
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                JsonNode row;
                try {
                    row = JSON.readTree(lines.get(i));
                } catch (IOException e) {
                    throw new UsageException(file + " line " + (i + 1) + ": not valid JSON");
                }
                collectStrings(row, texts);
            }
        }
        return texts;
    }

    private static void collectStrings(JsonNode node, List<String> texts) {
        if (node.isTextual()) texts.add(node.textValue());
        else node.forEach(child -> collectStrings(child, texts));
    }
}
