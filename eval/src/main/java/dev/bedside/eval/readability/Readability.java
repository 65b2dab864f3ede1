package dev.bedside.eval.readability;

/**
 * Readability of a text: Flesch reading ease and Flesch–Kincaid grade, with the counts behind them.
 *
 * <ul>
 *   <li>{@link #textstat()} (Bedside's default) equals the npm {@code text-readability} 1.1.1 port of Python
 *       {@code textstat} exactly: its counts, its rounded averages, its rounded scores.</li>
 *   <li>{@link #exactFormula()} takes the same counts and applies the formulas unrounded, so it differs from the
 *       default only by the port's rounding.</li>
 *   <li>{@link #exactFormulaSimpleCounts()} applies the unrounded formulas to the counts of a plain splitter
 *       ({@link ExactFormula}): every {@code .!?} before a space ends a sentence, {@code 1,250} is two numbers.</li>
 * </ul>
 */
@FunctionalInterface
public interface Readability {

    /** Counts and scores of {@code text}. */
    ReadabilityScores score(String text);

    /** The textstat port: what Bedside reports by default. */
    static Readability textstat() {
        return text -> {
            int sentences = TextstatPort.sentenceCount(text);
            int words = TextstatPort.wordCount(text);
            int syllables = TextstatPort.syllableCount(text);
            return new ReadabilityScores(sentences, words, syllables,
                TextstatPort.fleschReadingEase(sentences, words, syllables),
                TextstatPort.fleschKincaidGrade(sentences, words, syllables));
        };
    }

    /** The textstat port's counts with the unrounded formulas. */
    static Readability exactFormula() {
        return text -> exactScores(TextstatPort.sentenceCount(text), TextstatPort.wordCount(text),
            TextstatPort.syllableCount(text));
    }

    /** The plain splitter's counts with the unrounded formulas. */
    static Readability exactFormulaSimpleCounts() {
        return text -> exactScores(ExactFormula.sentenceCount(text), ExactFormula.words(text).size(),
            ExactFormula.syllableCount(text));
    }

    private static ReadabilityScores exactScores(int sentences, int words, int syllables) {
        return new ReadabilityScores(sentences, words, syllables,
            ExactFormula.fleschReadingEase(sentences, words, syllables),
            ExactFormula.fleschKincaidGrade(sentences, words, syllables));
    }
}
