package dev.bedside.model.bert;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Hugging Face's {@code BertNormalizer}, step by step in its order: clean the text (drop NUL, U+FFFD and control
 * or format characters, turn whitespace into a space), put spaces around CJK ideographs, strip accents (NFD, then
 * drop non-spacing marks), lowercase one code point at a time. {@code stripAccents} null means "as lowercase".
 */
public record BertNormalizer(boolean cleanText, boolean handleChineseChars, Boolean stripAccents, boolean lowercase) {

    public String normalize(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(c -> {
            if (cleanText) {
                if (c == 0 || c == 0xFFFD || isControl(c)) return;
                if (isWhitespace(c)) c = ' ';
            }
            if (handleChineseChars && isCjkIdeograph(c)) out.append(' ').appendCodePoint(c).append(' ');
            else out.appendCodePoint(c);
        });
        String s = out.toString();
        if (stripAccents == null ? lowercase : stripAccents) {
            StringBuilder stripped = new StringBuilder(s.length());
            Normalizer.normalize(s, Normalizer.Form.NFD).codePoints()
                    .filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
                    .forEach(stripped::appendCodePoint);
            s = stripped.toString();
        }
        if (lowercase) {
            // Per code point, like Rust's char::to_lowercase: no context rules (final sigma stays σ).
            StringBuilder lower = new StringBuilder(s.length());
            s.codePoints().forEach(c -> lower.append(Character.toString(c).toLowerCase(Locale.ROOT)));
            s = lower.toString();
        }
        return s;
    }

    /** Unicode White_Space (what Rust's char::is_whitespace tests); Java's isWhitespace omits no-break spaces. */
    static boolean isWhitespace(int c) {
        return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || Character.isSpaceChar(c);
    }

    /** "Other" categories (Cc, Cf, Cn, Co, Cs), except tab, newline and carriage return, which count as whitespace. */
    static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') return false;
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.PRIVATE_USE, Character.SURROGATE -> true;
            default -> false;
        };
    }

    /** The CJK Unified Ideographs blocks that BERT's tokenizer splits into single characters. */
    static boolean isCjkIdeograph(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }
}
