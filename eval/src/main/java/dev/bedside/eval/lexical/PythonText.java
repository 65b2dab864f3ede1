package dev.bedside.eval.lexical;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code str.split()} and {@code str.rstrip()} without arguments, which the reference tools use: they
 * treat every character for which Python's {@code str.isspace()} is true as white space, a wider set than Java's
 * {@code \s} (it includes U+00A0, U+2000–U+200A, U+3000, and the separators U+001C–U+001F and U+0085).
 */
final class PythonText {
    private PythonText() {}

    /** Python's {@code str.isspace()} for one character (all such characters are in the BMP). */
    static boolean isSpace(char c) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
            || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    /** {@code text.split()}: the runs of non-space characters. */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int i = 0, n = text.length();
        while (i < n) {
            while (i < n && isSpace(text.charAt(i))) i++;
            int start = i;
            while (i < n && !isSpace(text.charAt(i))) i++;
            if (i > start) words.add(text.substring(start, i));
        }
        return words;
    }

    /** {@code text.rstrip()}. */
    static String rstrip(String text) {
        int end = text.length();
        while (end > 0 && isSpace(text.charAt(end - 1))) end--;
        return text.substring(0, end);
    }
}
