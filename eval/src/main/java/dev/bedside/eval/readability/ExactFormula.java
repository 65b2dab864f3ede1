package dev.bedside.eval.readability;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Flesch formulas as published, unrounded, as the npm packages {@code flesch} 2.0.1 and {@code flesch-kincaid}
 * 2.0.1 (MIT, wooorm) compute them, plus a plain splitter for counting. Used two ways: on the port's counts (which
 * isolates the port's rounding) and on the splitter's counts.
 */
public final class ExactFormula {
    private ExactFormula() {}

    /** A word: runs of letters and digits joined by single {@code '}, {@code ’} or {@code -} ("don't", "x-ray"). */
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:['’-][\\p{L}\\p{N}]+)*");

    /** JavaScript's {@code \s} (with the u flag): Java's own {@code \s} knows only the ASCII spaces. */
    private static final String JS_SPACE = "[\\t\\n\\u000B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F"
        + "\\u205F\\u3000\\uFEFF]";

    /** A sentence end: a run of {@code .!?}, optional closing quotes or brackets, then a space or the end. */
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?]+['\"’”)\\]]*(?=" + JS_SPACE + "|\\z)");

    /** The words of {@code text}, by {@link #WORD}. */
    public static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher matcher = WORD.matcher(text);
        while (matcher.find()) words.add(matcher.group());
        return words;
    }

    /** Sentence ends in {@code text}; at least 1, so that a text without a final full stop is one sentence. */
    public static int sentenceCount(String text) {
        Matcher matcher = SENTENCE_END.matcher(text);
        int ends = 0;
        while (matcher.find()) ends++;
        return Math.max(ends, 1);
    }

    /** Syllables of each {@link #words word}, added up. */
    public static int syllableCount(String text) {
        int syllables = 0;
        for (String word : words(text)) syllables += SyllableCounter.count(word);
        return syllables;
    }

    /** {@code 206.835 − 1.015·words/sentences − 84.6·syllables/words}; NaN when a count is 0. */
    public static double fleschReadingEase(int sentences, int words, int syllables) {
        if (sentences == 0 || words == 0 || syllables == 0) return Double.NaN;
        return 206.835 - 1.015 * ((double) words / sentences) - 84.6 * ((double) syllables / words);
    }

    /** {@code 0.39·words/sentences + 11.8·syllables/words − 15.59}; NaN when a count is 0. */
    public static double fleschKincaidGrade(int sentences, int words, int syllables) {
        if (sentences == 0 || words == 0 || syllables == 0) return Double.NaN;
        return 0.39 * ((double) words / sentences) + 11.8 * ((double) syllables / words) - 15.59;
    }
}
