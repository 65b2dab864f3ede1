package dev.bedside.model.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's byte-level alphabet: each of the 256 byte values is written as one printable Unicode character, so
 * that BPE vocabularies can be stored as text. Printable Latin-1 bytes stand for themselves; the others
 * (control characters, space, 0x7F-0xA0, 0xAD) are moved to U+0100 upwards in byte order: space becomes 'Ġ',
 * newline 'Ċ'.
 */
final class ByteLevel {
    private ByteLevel() {}

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = (char) (printable ? b : next++);
        }
        Arrays.fill(CHAR_TO_BYTE, -1);
        for (int b = 0; b < 256; b++) CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
    }

    /** The character that stands for byte {@code b} (0..255). */
    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte that character {@code c} stands for, or -1 if {@code c} is not in the alphabet. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** {@code bytes} written in the alphabet: one character per byte. */
    static String encode(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) chars[i] = charOf(bytes[i]);
        return new String(chars);
    }

    /** The bytes a vocabulary entry stands for, or null if it holds a character outside the alphabet. */
    static byte[] decode(String token) {
        byte[] bytes = new byte[token.length()];
        for (int i = 0; i < bytes.length; i++) {
            int b = byteOf(token.charAt(i));
            if (b < 0) return null;
            bytes[i] = (byte) b;
        }
        return bytes;
    }
}
