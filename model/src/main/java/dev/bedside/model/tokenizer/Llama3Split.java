package dev.bedside.model.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The Llama 3 pre-tokenizer: splits text into the pieces that BPE then encodes one by one. It is the regex
 * <pre>
 * (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 * </pre>
 * written out by hand, one branch per alternative, tried in order at each position (the first that matches
 * wins, as in a backtracking regex engine). Character classes are Unicode's: {@code \p{L}} letters,
 * {@code \p{N}} numbers, {@code \s} the White_Space property (as in Oniguruma and Rust's regex; not Java's
 * {@link Character#isWhitespace}). Works on code points; indices are char offsets into the string.
 */
public final class Llama3Split {
    private Llama3Split() {}

    /** The regex above, as it appears in tokenizer.json. */
    public static final String PATTERN =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** The pieces of {@code text}, in order; concatenated they give back {@code text}. */
    public static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = matchAt(text, start);
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }

    /** The end of the match that starts at {@code i}; some branch always matches at least one character. */
    static int matchAt(String s, int i) {
        int n = s.length();
        int c = s.codePointAt(i);
        int i1 = i + Character.charCount(c);
        int c1 = i1 < n ? s.codePointAt(i1) : -1;

        // (?i:'s|'t|'re|'ve|'m|'ll|'d): case-insensitive, so 'ſ (long s, which folds to s) counts too
        if (c == '\'' && c1 >= 0) {
            int l1 = Character.toLowerCase(c1);
            if (l1 == 's' || l1 == 't' || l1 == 'm' || l1 == 'd' || c1 == 'ſ') return i1 + Character.charCount(c1);
            int i2 = i1 + Character.charCount(c1);
            int c2 = i2 < n ? Character.toLowerCase(s.codePointAt(i2)) : -1;
            if ((l1 == 'r' && c2 == 'e') || (l1 == 'v' && c2 == 'e') || (l1 == 'l' && c2 == 'l')) return i2 + 1;
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (!isNewline(c) && !isLetter(c) && !isNumber(c) && isLetter(c1)) return endOfLetters(s, i1);
        if (isLetter(c)) return endOfLetters(s, i);
        // \p{N}{1,3}
        if (isNumber(c)) {
            int end = i1;
            for (int k = 1; k < 3 && end < n && isNumber(s.codePointAt(end)); k++) end += Character.charCount(s.codePointAt(end));
            return end;
        }
        // ' '?[^\s\p{L}\p{N}]+[\r\n]*
        int symbolsFrom = c == ' ' && isSymbol(c1) ? i1 : isSymbol(c) ? i : -1;
        if (symbolsFrom >= 0) {
            int end = symbolsFrom;
            while (end < n && isSymbol(s.codePointAt(end))) end += Character.charCount(s.codePointAt(end));
            while (end < n && isNewline(s.charAt(end))) end++;
            return end;
        }
        // The rest start with whitespace: find the run [i, runEnd) and the last \r or \n inside it.
        int runEnd = i, lastNewlineEnd = -1;
        while (runEnd < n && isWhitespace(s.codePointAt(runEnd))) {
            int cp = s.codePointAt(runEnd);
            runEnd += Character.charCount(cp);
            if (isNewline(cp)) lastNewlineEnd = runEnd;
        }
        // \s*[\r\n]+: \s* backtracks until a newline follows, so the match ends after the run's last newline
        if (lastNewlineEnd > 0) return lastNewlineEnd;
        // \s+(?!\S): the whole run at the end of text, else the run minus its last character (which is then
        // followed by whitespace, not \S)
        if (runEnd == n) return runEnd;
        int beforeLast = s.offsetByCodePoints(runEnd, -1);
        if (beforeLast > i) return beforeLast;
        // \s+
        return runEnd;
    }

    private static int endOfLetters(String s, int from) {
        int end = from;
        while (end < s.length() && isLetter(s.codePointAt(end))) end += Character.charCount(s.codePointAt(end));
        return end;
    }

    static boolean isNewline(int c) {
        return c == '\r' || c == '\n';
    }

    /** \p{L}: the general categories Lu, Ll, Lt, Lm, Lo. */
    static boolean isLetter(int c) {
        return c >= 0 && Character.isLetter(c);
    }

    /** \p{N}: the general categories Nd, Nl, No. */
    static boolean isNumber(int c) {
        if (c < 0) return false;
        int type = Character.getType(c);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }

    /** \s: Unicode's White_Space property (includes U+0085 and no-break spaces, unlike Character.isWhitespace). */
    static boolean isWhitespace(int c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    /** [^\s\p{L}\p{N}]: anything else (punctuation, symbols, marks, controls...). */
    static boolean isSymbol(int c) {
        return c >= 0 && !isWhitespace(c) && !isLetter(c) && !isNumber(c);
    }
}
