package dev.bedside.cli;

import dev.bedside.eval.readability.Readability;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code bedside readability (--text TEXT | --text-file FILE) [--exact [--simple-counts]]}: prints one JSON object,
 * {@code {"sentences":3,"words":35,"syllables":51,"flesch_reading_ease":68.06,"flesch_kincaid_grade":6.7}}.
 *
 * <p>By default the counts and scores are those of the textstat port ({@link Readability#textstat()}). With
 * {@code --exact} the same counts go through the unrounded formulas ({@link Readability#exactFormula()}); adding
 * {@code --simple-counts} counts with the plain splitter instead ({@link Readability#exactFormulaSimpleCounts()}).
 *
 * <p>Numbers are printed as JavaScript prints them, the shortest decimal that reads back to the same double:
 * a whole-number score is {@code 4}, not {@code 4.0}, and no score uses an exponent unless JavaScript would. So the
 * output is text-identical to the reference tools' JSON. An undefined score (an exact formula with no words) is
 * {@code null}.
 */
final class ReadabilityCommand {
    private ReadabilityCommand() {}

    static final String USAGE = "readability (--text TEXT | --text-file FILE) [--exact [--simple-counts]]";

    static int run(String[] args) throws IOException {
        return run(args, System.out);
    }

    static int run(String[] args, PrintStream out) throws IOException {
        Args options = new Args(args, Set.of("exact", "simple-counts"));
        String text = options.string("text", null);
        String file = options.string("text-file", null);
        boolean exact = options.flag("exact");
        boolean simpleCounts = options.flag("simple-counts");
        options.finish();
        if (!options.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + options.positional().getFirst() + "'; usage: " + USAGE);
        }
        if ((text == null) == (file == null)) {
            throw new UsageException("give exactly one of --text and --text-file; usage: " + USAGE);
        }
        if (simpleCounts && !exact) {
            throw new UsageException("--simple-counts needs --exact (the textstat port has its own counts)");
        }
        if (file != null) text = readText(Path.of(file));

        Readability readability = !exact ? Readability.textstat()
            : simpleCounts ? Readability.exactFormulaSimpleCounts() : Readability.exactFormula();
        out.println(readability.score(text).toJson());
        return 0;
    }

    private static String readText(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IOException("cannot read --text-file " + file + ": " + e, e);
        }
    }
}
