package dev.bedside.eval.readability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The counts and scores of the npm package {@code text-readability} 1.1.1 (ISC, Utkarsh Raj), a JavaScript port of
 * an older Python {@code textstat}. Every quirk is kept on purpose, because Bedside's default readability must equal
 * that tool's output exactly: a sentence must start with a capital A–Z, pieces of two words or fewer are not
 * sentences, the averages are rounded to one decimal before the formulas, and {@link #legacyRound} rounds negative
 * numbers one unit down.
 */
public final class TextstatPort {
    private TextstatPort() {}

    /**
     * A sentence ends at {@code .?!}, optional closing quotes or brackets, then a space, {@code |} or newline, and
     * only where an upper-case ASCII letter follows (the spaces before the mark go with it).
     */
    private static final Pattern SENTENCE_END = Pattern.compile(" *[.?!]['\")\\]]*[ |\\n](?=[A-Z])");

    /** The ASCII punctuation that {@link #removePunctuation} deletes (all 32 characters). */
    private static final String ASCII_PUNCTUATION = "\\'!\"#$%&()*+,-./:;<=>?@[]^_`{|}~";

    /**
     * {@code text} without ASCII punctuation and without anything in the General Punctuation (U+2000–U+206F) and
     * Supplemental Punctuation (U+2E00–U+2E7F) blocks: curly quotes, dashes, {@code …}, {@code •}, and also the
     * typographic spaces U+2000–U+200A, which therefore join the words around them.
     */
    public static String removePunctuation(String text) {
        StringBuilder kept = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean punctuation = (c >= '\u2000' && c <= '\u206F') || (c >= '\u2E00' && c <= '\u2E7F')
                || ASCII_PUNCTUATION.indexOf(c) >= 0;
            if (!punctuation) kept.append(c);
        }
        return kept.toString();
    }

    /**
     * The words: punctuation removed, then split on comma, space, {@code \n} and {@code \r} (not on tabs or other
     * spaces), empty pieces dropped. So {@code don't}, {@code well-being}, {@code 1,250} and {@code a.m.} are one
     * word each, and a number is a word.
     */
    public static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (char c : (removePunctuation(text) + " ").toCharArray()) {
            if (c == ',' || c == ' ' || c == '\n' || c == '\r') {
                if (!word.isEmpty()) words.add(word.toString());
                word.setLength(0);
            } else {
                word.append(c);
            }
        }
        return words;
    }

    /** Number of {@link #words}. */
    public static int wordCount(String text) {
        return words(text).size();
    }

    /** The text cut at every {@link #SENTENCE_END}, before short pieces are dropped (empty pieces kept). */
    public static List<String> sentencePieces(String text) {
        return Arrays.asList(SENTENCE_END.split(text, -1));
    }

    /** Pieces with more than two words; at least 1, even for an empty text. */
    public static int sentenceCount(String text) {
        int sentences = 0;
        for (String piece : sentencePieces(text)) if (wordCount(piece) > 2) sentences++;
        return Math.max(sentences, 1);
    }

    /** Lower-cased (en-US), punctuation removed, then {@link SyllableCounter#count} on the whole text. */
    public static int syllableCount(String text) {
        return SyllableCounter.count(removePunctuation(text.toLowerCase(Locale.US)));
    }

    /** Words per sentence, rounded to one decimal with {@link #legacyRound}; 0 where undefined. */
    public static double averageSentenceLength(int sentences, int words) {
        return zeroIfNaN(legacyRound((double) words / sentences, 1));
    }

    /** Syllables per word, rounded to one decimal with {@link #legacyRound}; 0 for a text without words. */
    public static double averageSyllablesPerWord(int words, int syllables) {
        return zeroIfNaN(legacyRound((double) syllables / words, 1));
    }

    /** Flesch reading ease from the rounded averages, itself rounded to two decimals. */
    public static double fleschReadingEase(int sentences, int words, int syllables) {
        double asl = averageSentenceLength(sentences, words);
        double asw = averageSyllablesPerWord(words, syllables);
        return legacyRound(206.835 - 1.015 * asl - 84.6 * asw, 2);
    }

    /** Flesch–Kincaid grade from the rounded averages, itself rounded to one decimal. */
    public static double fleschKincaidGrade(int sentences, int words, int syllables) {
        double asl = averageSentenceLength(sentences, words);
        double asw = averageSyllablesPerWord(words, syllables);
        return legacyRound(0.39 * asl + 11.8 * asw - 15.59, 1);
    }

    /**
     * {@code floor(x·10^d + copySign(0.5, x)) / 10^d}, where copySign gives 0 for {@code x == 0}: rounds half away
     * from zero for positive numbers, but one unit too low for negative ones (−154.915… → −154.92, and also
     * −47.98 → −47.99). Python textstat's {@code legacy_round} has the same quirk; the port keeps it, so do we.
     */
    public static double legacyRound(double x, int decimals) {
        double scale = Math.pow(10, decimals); // exact for these small powers, like JavaScript's 10 ** d
        double half = x == 0 ? 0 : 0.5 * (x / Math.abs(x));
        return Math.floor(x * scale + half) / scale;
    }

    private static double zeroIfNaN(double x) {
        return Double.isNaN(x) ? 0.0 : x;
    }
}
