package dev.bedside.model.tokenizer;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer against a hand-worked example, and its files through Bedside's own loader (round trips, merges as trained). */
class BpeTrainerTest {

    private static final List<String> CORPUS = List.of(
            "It is normal to feel tired when you care for someone with dementia.",
            "Sundowning means that confusion and restlessness get worse in the late afternoon or evening.",
            "Keep a calm routine: meals, a walk, and bed at the same times each day.",
            "Ask the doctor whether any medicine could be making the confusion worse.",
            "Wandering is common; a medical ID bracelet and locks placed high on doors can help.",
            "Über 50 % der Angehörigen fühlen sich erschöpft — das ist normal. 中文 😀 'll 've\n\n  tabs\tand  spaces  ",
            "Respite care gives caregivers a break; it's OK to ask for help. Call 1-800-272-3900 any time.");

    private static Tokenizer trained(Path dir, int vocabSize) throws IOException {
        BpeTrainer.Vocabulary vocabulary = BpeTrainer.train(CORPUS, vocabSize);
        TrainedTokenizerFiles.write(vocabulary, dir, 256);
        return Tokenizers.load(dir);
    }

    @Test
    void mergesFollowPairFrequencyWithTiesToTheSmallestIds() {
        // Pieces "ab", " ab", " ab", " cd": (a,b) occurs 3 times, then (Ġ,ab) twice, then (Ġ,c) and (c,d) once
        // each, where (Ġ = byte 32, c = 99) comes before (c = 99, d = 100); then (Ġc, d).
        BpeTrainer.Vocabulary v = BpeTrainer.train(List.of("ab ab ab cd"), 256 + 4 + 5);
        List<String> merges = v.merges().stream().map(m -> m[0] + " " + m[1]).toList();
        assertEquals(List.of("a b", "Ġ ab", "Ġ c", "Ġc d"), merges);
        assertEquals(List.of("ab", "Ġab", "Ġc", "Ġcd"), v.tokens().subList(256, 260));
        assertEquals(BpeTrainer.SPECIAL_TOKENS, v.tokens().subList(260, 265));
    }

    @Test
    void stopsWhenNothingIsLeftToMerge() {
        BpeTrainer.Vocabulary v = BpeTrainer.train(List.of("aaaa"), 1000);
        // "aaaa" → (a,a) twice → "aa aa" → (aa,aa) once → "aaaa": two merges, then one token.
        assertEquals(List.of("a a", "aa aa"), v.merges().stream().map(m -> m[0] + " " + m[1]).toList());
        assertEquals(256 + 2 + 5, v.size());
    }

    @Test
    void refusesAVocabularyTooSmallForTheBytes() {
        var e = assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(CORPUS, 100));
        assertTrue(e.getMessage().contains("vocab size 100"), e.getMessage());
    }

    @Test
    void trainingIsDeterministic(@TempDir Path a, @TempDir Path b) throws IOException {
        trained(a, 400);
        trained(b, 400);
        assertEquals(Files.readString(a.resolve("tokenizer.json")), Files.readString(b.resolve("tokenizer.json")));
    }

    @Test
    void loaderReadsTheFilesWithTheChatTokens(@TempDir Path dir) throws IOException {
        Tokenizer t = trained(dir, 400);
        assertEquals(400, t.vocabSize());
        assertEquals(t.id("<|begin_of_text|>"), t.bosId());
        assertEquals(List.of(t.id("<|eot_id|>")), t.eosIds());
        assertEquals(ChatFormat.LLAMA3_TEMPLATE, t.chatTemplate().orElseThrow());
        int[] chat = new ChatFormat(t).encode(List.of(new ChatFormat.Message("user", "Is it normal to feel tired?")), true);
        assertEquals(t.bosId(), chat[0]);
        assertEquals(t.id("<|start_header_id|>"), chat[1]);
        assertEquals("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nIs it normal to feel tired?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", t.decode(chat));
        assertEquals(t.bosId(), t.encode("hello", true)[0]);
    }

    /** Every training text encodes to the segmentation training itself reached, piece by piece. */
    @Test
    void theLoadedTokenizerAppliesTheMergesAsTrained(@TempDir Path dir) throws IOException {
        BpeTrainer.Vocabulary vocabulary = BpeTrainer.train(CORPUS, 420);
        TrainedTokenizerFiles.write(vocabulary, dir, 256);
        Tokenizer t = Tokenizers.load(dir);
        for (String text : CORPUS) {
            List<Integer> expected = new ArrayList<>();
            for (String piece : Llama3Split.split(text)) for (int id : BpeTrainer.segment(vocabulary, piece)) expected.add(id);
            assertEquals(expected, IntStream.of(t.encode(text, false)).boxed().toList(), text);
        }
        // Merges do compress: the corpus takes far fewer tokens than bytes.
        int tokens = CORPUS.stream().mapToInt(s -> t.encode(s, false).length).sum();
        int bytes = CORPUS.stream().mapToInt(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
        assertTrue(tokens < 0.6 * bytes, tokens + " tokens for " + bytes + " bytes");
    }

    private static Tokenizer shared;

    private static synchronized Tokenizer sharedTokenizer() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("bpe-trainer");
                shared = trained(dir, 380);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    @Provide
    Arbitrary<String> unicode() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of("the", " care", "'s", "  ", "\n", "\r\n", "😀", "é", "中", "<|eot_id|>", "1234", " ..."),
                Arbitraries.integers().between(0, 0x10FFFF).filter(c -> c < 0xD800 || c > 0xDFFF).map(Character::toString));
        return piece.list().ofMinSize(0).ofMaxSize(30).map(l -> String.join("", l));
    }

    @Property(tries = 100)
    void decodeOfEncodeGivesTheTextBack(@ForAll("unicode") String text) {
        Tokenizer t = sharedTokenizer();
        assertEquals(text, t.decode(t.encode(text, false)));
        assertEquals(text, t.decode(t.encode(text, false, false)));
    }
}
