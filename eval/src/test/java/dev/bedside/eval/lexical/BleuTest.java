package dev.bedside.eval.lexical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.bedside.eval.Sample;
import dev.bedside.eval.lexical.Bleu.Smoothing;
import dev.bedside.eval.lexical.Bleu.Tokenization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Expected values are sacreBLEU's own, from its test suite (github.com/mjpost/sacrebleu, {@code test/test_bleu.py}
 * and {@code test/test_sentence_bleu.py}), with the tolerances used there (1e-8 for corpus BLEU and the raw cases,
 * 1e-3 for sentence BLEU). sacreBLEU's tests divide some scores by 100; here every score is on sacreBLEU's 0–100
 * scale.
 */
class BleuTest {

    // sacreBLEU's README example: three answers, two reference streams.
    static final List<String> HYPS = List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
    static final List<List<String>> REFS = List.of(
        List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
        List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));

    @Test
    void corpusBleuWithDefaults() {
        assertEquals(48.530827, new Bleu().corpus(HYPS, REFS).score(), 1e-8);
        assertEquals(48.530827, new Bleu(Tokenization.THIRTEEN_A, Smoothing.NONE, Double.NaN, false)
            .corpus(HYPS, REFS).score(), 1e-8);
        assertEquals(49.1919566, new Bleu(Tokenization.NONE, Smoothing.EXP, Double.NaN, false)
            .corpus(HYPS, REFS).score(), 1e-8);
    }

    @Test
    void emptyAnswersScoreZeroAndAreKept() {
        assertEquals(0.0, new Bleu().corpus(List.of("", "", ""), REFS).score());
    }

    // sacreBLEU issue #98: a Romanian sentence with a reference in another encoding of ţ/ț.
    static final String REF = "producţia de zahăr brut se exprimă în zahăr alb;";
    static final String SYS = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";

    static double sentence(Tokenization tokenization, Smoothing smoothing, double value) {
        return new Bleu(tokenization, smoothing, value, false).sentence(SYS, List.of(REF)).score();
    }

    @Test
    void sentenceBleuWithEachSmoothing() {
        assertEquals(8.493, sentence(Tokenization.THIRTEEN_A, Smoothing.EXP, Double.NaN), 1e-3);
        assertEquals(0.0, sentence(Tokenization.THIRTEEN_A, Smoothing.NONE, Double.NaN), 1e-3);
        assertEquals(4.51688, sentence(Tokenization.THIRTEEN_A, Smoothing.FLOOR, Double.NaN), 1e-3);
        assertEquals(4.51688, sentence(Tokenization.THIRTEEN_A, Smoothing.FLOOR, 0.1), 1e-3);
        assertEquals(10.10, sentence(Tokenization.THIRTEEN_A, Smoothing.FLOOR, 0.5), 1e-3);
        assertEquals(14.882, sentence(Tokenization.THIRTEEN_A, Smoothing.ADD_K, Double.NaN), 1e-3);
        assertEquals(14.882, sentence(Tokenization.THIRTEEN_A, Smoothing.ADD_K, 1), 1e-3);
        assertEquals(21.389, sentence(Tokenization.THIRTEEN_A, Smoothing.ADD_K, 2), 1e-3);
        assertEquals(7.347, sentence(Tokenization.NONE, Smoothing.EXP, Double.NaN), 1e-3);
    }

    @Test
    void sentenceWithoutAnyMatchIsZero() { // sacreBLEU issue #141
        for (Smoothing smoothing : Smoothing.values()) {
            assertEquals(0.0, new Bleu(Tokenization.THIRTEEN_A, smoothing, Double.NaN, false)
                .sentence("this is a cat", List.of("okay thanks")).score(), smoothing.name());
        }
    }

    /** sacreBLEU's raw_corpus_bleu: no tokenization, floor smoothing, effective order. */
    static Bleu.Result raw(List<String> hyps, List<String> refs, double floor) {
        return new Bleu(Tokenization.NONE, Smoothing.FLOOR, floor, false).corpus(hyps, List.of(refs), true);
    }

    @Test
    void rawCorpusBleuCases() {
        // No n-gram matches at all: 0 since sacreBLEU's fix of its issue #141 (the suite's value changed to 0.0).
        assertEquals(0.0, raw(List.of("this is a test", "another test"), List.of("ref1", "ref2"), .01).score());
        assertEquals(100.0, raw(List.of("this is a test"), List.of("this is a test"), .01).score(), 1e-6);
        assertEquals(22.3606797749979, raw(List.of("this is a fest"), List.of("this is a test"), .01).score(), 1e-6);
        assertEquals(36.78794411714425, raw(List.of("test"), List.of("a test"), .01).score(), 1e-6);
        assertEquals(100.0, raw(List.of("a test"), List.of("a test"), .01).score(), 1e-6);
        assertEquals(3.218297948685433, raw(List.of("a little test"), List.of("a test"), .01).score(), 1e-6);
    }

    @Test
    void statisticsAndFloorOffset() {
        List<String> hyp = List.of("am I am a character sequence");
        List<String> ref = List.of("I am a symbol string sequence a a");
        Bleu.Result r = raw(hyp, ref, 0.1);
        assertArrayEquals(new double[] {4, 2, 1, 0}, r.correct());
        assertArrayEquals(new double[] {6, 5, 4, 3}, r.total());
        assertEquals(15.55722182, r.score(), 1e-6);
        assertEquals(0.0, raw(hyp, ref, 0.0).score(), 1e-6);
    }

    @Test
    void scoreFromStatistics() {
        Bleu bleu = new Bleu(Tokenization.NONE, Smoothing.NONE, Double.NaN, false);
        assertEquals(83.75922397, bleu.compute(new double[] {9, 7, 5, 3}, new double[] {10, 8, 6, 4}, 11, 11, false)
            .score(), 1e-6);
    }

    @Test
    void degenerateStatisticsScoreZero() {
        double[][][] stats = {{{0, 0, 0, 0}, {4, 4, 2, 1}}, {{0, 0, 0, 0}, {10, 11, 12, 0}}, {{0, 0, 0, 0}, {0, 0, 0, 0}},
            {{6, 5, 4, 0}, {6, 5, 4, 3}}, {{0, 0, 0, 0}, {0, 0, 0, 0}}, {{0, 0, 0, 0}, {0, 0, 0, 0}}};
        int[][] lengths = {{0, 1}, {14, 10}, {0, 0}, {6, 6}, {0, 0}, {1, 5}};
        double[] floors = {0.0, 0.0, 0.0, 0.0, 0.1, 0.01};
        for (int i = 0; i < stats.length; i++) {
            Bleu floor = new Bleu(Tokenization.NONE, Smoothing.FLOOR, floors[i], false);
            assertEquals(0.0, floor.compute(stats[i][0], stats[i][1], lengths[i][0], lengths[i][1], false).score(),
                "case " + i);
        }
    }

    @Test
    void tokenizer13aSplitsSymbolsButKeepsNumbers() {
        // mteval-v13a rules, applied by hand: the apostrophe (0x27) is not among the split symbols; periods and
        // commas stay inside numbers; a dash after a digit is split; entities are unescaped first.
        assertEquals("It wasn't 3.5 % of 1,000 - 2 people ( e . g . \" x \" ) .",
            Tokenizer13a.tokenize("It wasn't 3.5% of 1,000-2 people (e.g. &quot;x&quot;)."));
    }

    @Test
    void metricOverSamples() {
        Bleu bleu = new Bleu();
        List<Sample> samples = List.of(
            new Sample("1", "q", HYPS.get(0), REFS.get(0).get(0), Map.of()),
            new Sample("2", "q", HYPS.get(1), REFS.get(0).get(1), Map.of()),
            new Sample("3", "q", HYPS.get(2), REFS.get(0).get(2), Map.of()),
            new Sample("4", "q", "no reference here", "", Map.of()));
        assertEquals(bleu.corpus(HYPS, List.of(REFS.get(0))).score(), bleu.corpusScore(samples));
        assertEquals(100.0, bleu.score(samples.get(0)).value(), 1e-9);
        assertFalse(bleu.score(samples.get(3)).ok());
    }
}
