package dev.bedside.model.tokenizer;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The hand-written split against java.util.regex running the tokenizer.json pattern itself (with
 * UNICODE_CHARACTER_CLASS, so that \s is White_Space like Oniguruma's), and decode(encode(s)) == s.
 */
class TokenizerProperties {

    private static final Pattern REGEX = Pattern.compile(Llama3Split.PATTERN, Pattern.UNICODE_CHARACTER_CLASS);

    /** Characters around every branch boundary of the regex, plus special-token text and near-misses. */
    private static final List<String> PIECES = List.of(
            "a", "Z", "é", "ß", "ǅ", "ʰ", "中", "ก", "ั", "\u0301", "я", "'", "'s", "'S", "'t", "'re", "'RE", "'ve", "'m", "'ll",
            "'d", "'x", "'ſ", "s", "t", "re", "ll", "0", "7", "²", "Ⅻ", "٣", "½", " ", "  ", "\t", "\n", "\r", "\r\n", "\u000b",
            "\u0085", "\u00a0", "\u2003", "\u3000", "\u200b", "\u2028", "!", ".", "...", "-", "_", "#", "@", "\"", "(", ")",
            "😀", "🦙", "👍🏽", "\u200d", "️", "\u0000", "\u007f", "<|eot_id|>", "<|begin_of_text|>", "<|eot_id", "<|", "|>");

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> piece = Arbitraries.oneOf(Arbitraries.of(PIECES),
                // any code point except surrogates (UTF-8 cannot carry a lone surrogate)
                Arbitraries.integers().between(0, 0x10FFFF).filter(c -> c < 0xD800 || c > 0xDFFF).map(Character::toString));
        return piece.list().ofMinSize(0).ofMaxSize(24).map(l -> String.join("", l));
    }

    static List<String> regexSplit(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = REGEX.matcher(text);
        int at = 0;
        while (m.find()) {
            assertEquals(at, m.start(), "the regex covers every character of " + text);
            pieces.add(m.group());
            at = m.end();
        }
        assertEquals(text.length(), at);
        return pieces;
    }

    @Property(tries = 300)
    void handWrittenSplitEqualsTheRegex(@ForAll("texts") String text) {
        assertEquals(regexSplit(text), Llama3Split.split(text));
    }

    @AddLifecycleHook(SharedFixtures.Required.class)
    @Property(tries = 100)
    void decodeOfEncodeGivesTheTextBack(@ForAll("texts") String text) {
        Tokenizer json = SharedFixtures.json();
        int[] ids = json.encode(text, false);
        assertEquals(text, json.decode(ids));
        int[] plain = json.encode(text, false, false);
        assertEquals(text, json.decode(plain));
        assertTrue(Arrays.stream(plain).noneMatch(json::isSpecial));
        // The GGUF vocabulary is the same tokenizer.
        assertArrayEquals(ids, SharedFixtures.gguf().encode(text, false));
    }

    /** The O(n log n) merge loop used for long pieces gives what the plain loop gives. */
    @AddLifecycleHook(SharedFixtures.Required.class)
    @Property(tries = 100)
    void heapMergesEqualPlainMerges(@ForAll("texts") String text, @ForAll("repeats") int repeat) {
        BpeTokenizer t = (BpeTokenizer) SharedFixtures.json();
        byte[] bytes = text.repeat(repeat).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertArrayEquals(t.mergeShort(t.byteSymbols(bytes)), t.mergeLong(t.byteSymbols(bytes)));
    }

    @Provide
    Arbitrary<Integer> repeats() {
        return Arbitraries.integers().between(1, 8);
    }

    @AddLifecycleHook(SharedFixtures.Required.class)
    @Property(tries = 50)
    void randomUnicodeRoundTrips(@ForAll String text) {
        Assume.that(text.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF)); // lone surrogates are not text
        Tokenizer json = SharedFixtures.json();
        assertEquals(text, json.decode(json.encode(text, true)).substring("<|begin_of_text|>".length()));
    }
}
