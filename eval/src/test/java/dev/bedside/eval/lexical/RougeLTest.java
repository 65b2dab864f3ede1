package dev.bedside.eval.lexical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.bedside.eval.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Expected values are those of Google's rouge-score test suite (github.com/google-research/google-research,
 * {@code rouge/rouge_scorer_test.py}); the "against ROUGE-1.5.5" values come from runs of the original Perl
 * ROUGE on the suite's {@code testdata/target.txt} and {@code prediction.txt}, whose first two lines are quoted
 * below (random strings; the tests compare to 5 decimals, as there).
 */
class RougeLTest {

    static final String[] TARGETS = {
        "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr "
            + "q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n",
        "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer "
            + "HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion "
            + "gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n"};
    static final String[] PREDICTIONS = {
        "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n",
        "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed "
            + "nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n"};

    @Test
    void againstRouge155() {
        RougeL.Result first = RougeL.compute(TARGETS[0], PREDICTIONS[0]);
        assertEquals(0.40741, first.recall(), 5e-6);
        assertEquals(0.68750, first.precision(), 5e-6);
        assertEquals(0.51163, first.fmeasure(), 5e-6);
        RougeL.Result second = RougeL.compute(TARGETS[1], PREDICTIONS[1]);
        assertEquals(0.40476, second.recall(), 5e-6);
        assertEquals(0.65385, second.precision(), 5e-6);
        assertEquals(0.50000, second.fmeasure(), 5e-6);
    }

    @Test
    void consecutiveAndNonConsecutiveMatches() {
        for (String prediction : List.of("testing one", "testing two")) {
            RougeL.Result r = RougeL.compute("testing one two", prediction);
            assertEquals(1.0, r.precision(), 1e-12);
            assertEquals(2.0 / 3, r.recall(), 1e-12);
            assertEquals(4.0 / 5, r.fmeasure(), 1e-12);
        }
    }

    @Test
    void emptyTextsScoreZero() {
        RougeL.Result r = RougeL.compute("testing one two", "");
        assertEquals(0.0, r.fmeasure());
        assertEquals(0.0, RougeL.compute("testing one two", "/").fmeasure());
    }

    @Test
    void tokenizerKeepsOnlyLowerCaseAsciiLettersAndDigits() {
        // By hand: lower-case, every run outside [a-z0-9] (here ', :, é, .) becomes a space.
        assertEquals(List.of("don", "t", "panic", "caf", "3", "5mg"), RougeL.tokenize("Don't PANIC: café 3.5mg"));
    }

    @Test
    void metricOverASample() {
        RougeL rouge = new RougeL();
        assertEquals(0.8, rouge.score(new Sample("1", "q", "testing one", "testing one two", Map.of())).value(), 1e-12);
        assertFalse(rouge.score(new Sample("2", "q", "an answer", " ", Map.of())).ok());
    }
}
