package dev.bedside.eval.pairs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.dpo.caregiver.CaregiverCorpus;
import dev.bedside.dpo.caregiver.GeneratedPair;
import dev.bedside.dpo.caregiver.PairGenerator;
import dev.bedside.dpo.pairs.NearDuplicates;
import dev.bedside.dpo.pairs.TextPair;
import dev.bedside.eval.Metric;
import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import dev.bedside.eval.readability.Readability;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairValidationTest {
    @TempDir
    Path temp;

    /** Counts "you", any case (a stand-in empathy score), in the answer. */
    private static final Metric YOU_COUNT = new Metric() {
        public String name() { return "you_count"; }
        public boolean higherIsBetter() { return true; }
        public Score score(Sample s) { return Score.of(s.answer().toLowerCase(java.util.Locale.ROOT).split("\\byou\\b", -1).length - 1); }
    };

    /** 1 when answer and reference have the same number of words, else 0 (a stand-in similarity). */
    private static final Metric SAME_LENGTH = new Metric() {
        public String name() { return "same_length"; }
        public boolean higherIsBetter() { return true; }
        public Score score(Sample s) { return Score.of(s.answer().split(" ").length == s.reference().split(" ").length ? 1 : 0); }
    };

    @Test
    void generatedPairsAreEasierToReadOnTheChosenSide() {
        List<TextPair> pairs = new PairGenerator(CaregiverCorpus.bundled(), new NearDuplicates(0.8)).generate(1000, 42)
                .pairs().stream().map(GeneratedPair::text).toList();
        List<PairCheck> checks = new PairValidation(null, null).check(pairs);
        Map<String, Object> s = PairValidation.summary(checks);
        System.out.printf("1000 generated pairs (seed 42): chosen lower FK grade in %.1f%%, FK %.2f vs %.2f, reading ease %.1f vs %.1f, min FK gap %.1f%n",
                100 * (double) s.get("chosen_lower_fk_grade_share"), s.get("fk_grade_chosen_mean"), s.get("fk_grade_rejected_mean"),
                s.get("reading_ease_chosen_mean"), s.get("reading_ease_rejected_mean"), s.get("fk_grade_gap_min"));
        assertTrue((double) s.get("chosen_lower_fk_grade_share") >= 0.95);
        assertTrue((double) s.get("chosen_higher_reading_ease_share") >= 0.95);
        assertNull(s.get("empathy_gap_mean"));
        assertNull(s.get("similarity_mean"));
    }

    @Test
    void gapsAreChosenMinusRejectedInTheDirectionThePaperWants() throws Exception {
        String chosen = "You are kind. Thank you for asking. Are you well?", rejected = "Comprehensive pharmacological intervention necessitates multidisciplinary evaluation.";
        List<PairCheck> checks = new PairValidation(YOU_COUNT, SAME_LENGTH).check(List.of(new TextPair("Q?", chosen, rejected, "t", "c")));
        PairCheck c = checks.getFirst();
        var readability = Readability.textstat();
        assertEquals(readability.score(rejected).fleschKincaidGrade() - readability.score(chosen).fleschKincaidGrade(), c.fkGap());
        assertEquals(readability.score(chosen).fleschReadingEase() - readability.score(rejected).fleschReadingEase(), c.easeGap());
        assertTrue(c.fkGap() > 0 && c.easeGap() > 0);
        assertEquals(3.0, c.empathyChosen());
        assertEquals(0.0, c.empathyRejected());
        assertEquals(3.0, c.empathyGap());
        assertEquals(0.0, c.similarity());

        Path report = temp.resolve("v.json");
        PairValidation.writeReport(report, Map.of("source", "test"), checks);
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals("test", json.at("/summary/source").asText());
        assertEquals(1.0, json.at("/summary/chosen_higher_empathy_share").asDouble());
        assertEquals(3.0, json.at("/pairs/0/empathy_gap").asDouble());
        assertEquals("t", json.at("/pairs/0/topic_id").asText());
    }
}
