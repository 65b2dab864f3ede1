package dev.bedside.model.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bedside.model.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tokenizer's pieces on a small hand-written vocabulary (the rules of the fixture README: accents stripped,
 * CJK spaced, punctuation split, symbols kept, greedy longest match, [UNK] for long or unsegmentable words,
 * specials in the text), and files that are not usable tokenizers.
 */
class WordPieceTokenizerTest {
    @TempDir Path dir;

    private static final String VOCAB = """
            {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "zoe": 4, "cafe": 5, "st": 6, "##raße": 7, "220": 8, "##°": 9,
             "##c": 10, "!": 11, "中": 12, "un": 13, "##aff": 14, "##able": 15, "##affable": 16, "a": 17, "σ": 18, "≥": 19, "##2": 20}""";

    private Path tokenizer(String vocab, String normalizer, String post) throws IOException {
        return Files.writeString(dir.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [{"id": 2, "content": "[CLS]", "special": true}, {"id": 3, "content": "[SEP]", "special": true}],
                 "normalizer": %s, "pre_tokenizer": {"type": "BertPreTokenizer"}, "post_processor": %s,
                 "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                           "max_input_chars_per_word": 12, "vocab": %s}}""".formatted(normalizer, post, vocab));
    }

    private static final String BERT_NORMALIZER = """
            {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true}""";
    private static final String TEMPLATE = """
            {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
             {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
             "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}}""";

    @Test
    void followsTheBertRules() throws IOException {
        WordPieceTokenizer t = WordPieceTokenizer.load(tokenizer(VOCAB, BERT_NORMALIZER, TEMPLATE));
        assertArrayEquals(new int[] {2, 4, 5, 3}, t.encode("Zoë\u00a0CAFÉ"), "accents stripped, no-break space splits");
        assertArrayEquals(new int[] {2, 6, 7, 3}, t.encode("Straße"), "ß is not an accent");
        assertArrayEquals(new int[] {2, 8, 9, 10, 11, 3}, t.encode("220°C!"), "° is a symbol, ! is punctuation");
        assertArrayEquals(new int[] {2, 19, 20, 3}, t.encode("≥2"));
        assertArrayEquals(new int[] {2, 17, 12, 17, 3}, t.encode("a中a"), "CJK ideographs stand alone");
        assertArrayEquals(new int[] {2, 13, 16, 3}, t.encode("unaffable"), "longest match first (##affable, not ##aff ##able)");
        assertArrayEquals(new int[] {2, 1, 3}, t.encode("unaffableun"), "12 characters allowed, but no segmentation of the rest");
        assertArrayEquals(new int[] {2, 1, 17, 3}, t.encode("aaaaaaaaaaaaa a"), "13 characters: [UNK]");
        assertArrayEquals(new int[] {2, 1, 3}, t.encode("😊"));
        assertArrayEquals(new int[] {2, 17, 3, 17, 3}, t.encode("a[SEP]a"), "special tokens in the text are kept whole");
        assertArrayEquals(new int[] {2, 17, 17, 3}, t.encode("a\u200b\u0000 a"), "zero-width space and NUL dropped");
        assertArrayEquals(new int[] {2, 18, 3}, t.encode("Σ"), "lowercase per character");
        assertArrayEquals(new int[] {2, 3}, t.encode(""));
        assertArrayEquals(new int[] {2, 13, 3}, t.truncate(new int[] {2, 13, 16, 3}, 3));
        assertEquals("##affable", t.token(16));
    }

    @Test
    void robertaProcessingPutsItsSpecialsAround() throws IOException {
        String post = "{\"type\": \"RobertaProcessing\", \"sep\": [\"[SEP]\", 3], \"cls\": [\"[CLS]\", 2], \"trim_offsets\": true}";
        WordPieceTokenizer t = WordPieceTokenizer.load(tokenizer(VOCAB, BERT_NORMALIZER, post));
        assertArrayEquals(new int[] {2, 5, 3}, t.encode("cafe"));
    }

    @Test
    void unusableFilesAreNamed() throws IOException {
        Path bad = Files.writeString(dir.resolve("broken-tokenizer.json"), "{\"model\": {\"type\": \"WordPiece\", ");
        assertNamed(assertThrows(CheckpointException.class, () -> WordPieceTokenizer.load(bad)), "broken-tokenizer.json", "JSON");
        Path bpe = Files.writeString(dir.resolve("bpe.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}");
        assertNamed(assertThrows(CheckpointException.class, () -> WordPieceTokenizer.load(bpe)), "bpe.json", "BPE");
        Path noUnk = tokenizer("{\"a\": 0}", BERT_NORMALIZER, TEMPLATE);
        assertNamed(assertThrows(CheckpointException.class, () -> WordPieceTokenizer.load(noUnk)), "tokenizer.json", "[UNK]");
        Path lowercaseOnly = tokenizer(VOCAB, "{\"type\": \"Lowercase\"}", TEMPLATE);
        assertNamed(assertThrows(CheckpointException.class, () -> WordPieceTokenizer.load(lowercaseOnly)), "tokenizer.json", "Lowercase");
        assertNamed(assertThrows(IOException.class, () -> WordPieceTokenizer.load(dir.resolve("absent.json"))), "absent.json");
    }

    private static void assertNamed(Exception e, String... parts) {
        for (String p : List.of(parts)) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention " + p);
    }
}
