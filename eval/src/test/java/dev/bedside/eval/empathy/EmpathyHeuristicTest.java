package dev.bedside.eval.empathy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class EmpathyHeuristicTest {

    static final String WARM = "I'm so sorry you're going through this; it sounds like a really hard time. It's "
        + "completely normal to feel tired and worried, and you're not alone. You can try a calm, short routine "
        + "before bed. Please feel free to ask me more, and talk to your doctor if it gets worse.";

    static final String COLD = "Obviously, this is basic stuff. The pathophysiology is neurodegenerative: amyloid "
        + "plaques and neurofibrillary tangles cause cortical atrophy. You must start cholinesterase inhibitors "
        + "immediately. It is imperative that you comply.";

    @Test
    void aWarmAnswerScoresHighAndNamesItsCues() {
        EmpathyHeuristic.Result r = EmpathyHeuristic.evaluate(WARM);
        assertEquals(List.of("i'm so sorry", "it sounds like", "really hard"), r.cues().get("acknowledgement"));
        assertEquals(List.of("it's completely normal to", "you're not alone"), r.cues().get("validation"));
        assertEquals(List.of("feel free to", "talk to your doctor"), r.cues().get("follow_up"));
        assertTrue(r.cues().get("jargon").isEmpty() && r.cues().get("cold").isEmpty(), r.cues().toString());
        assertEquals(0.0, r.coldness());
        assertTrue(r.score() > 0.5, "score " + r.score());
    }

    @Test
    void aColdClinicalAnswerScoresBelowZero() {
        EmpathyHeuristic.Result r = EmpathyHeuristic.evaluate(COLD);
        assertEquals(List.of("pathophysiology", "neurodegenerative", "amyloid", "neurofibrillary", "cortical",
            "atrophy", "cholinesterase"), r.cues().get("jargon"));
        assertEquals(List.of("you must", "immediately", "it is imperative"), r.cues().get("prescriptive"));
        assertEquals(List.of("obviously", "basic stuff"), r.cues().get("cold"));
        assertEquals(1.0, r.subScores().get("jargon"));
        assertTrue(r.score() < -0.4, "score " + r.score());
    }

    @Test
    void scoreStaysInRangeAndCuesAreInDetails() {
        EmpathyHeuristic metric = new EmpathyHeuristic();
        for (String text : List.of(WARM, COLD, "ok", "You must. You must. Obviously! Obviously!")) {
            Score s = metric.score(new Sample("1", "q", text, "", Map.of()));
            assertTrue(s.ok() && s.value() >= -1 && s.value() <= 1, text + " → " + s.value());
            assertTrue(s.details().containsKey("cues"));
        }
        assertFalse(metric.score(new Sample("2", "q", " ", "", Map.of())).ok());
    }

    @Test
    void curlyApostrophesMatchToo() {
        assertEquals(List.of("i'm so sorry"), EmpathyHeuristic.evaluate("I’m so sorry.").cues().get("acknowledgement"));
    }

    /**
     * The paper's preference pairs: chosen answers were written to be warm and plain, rejected ones technical and
     * often condescending. The heuristic should rank the chosen answer higher for at least 90% of them.
     */
    @Test
    void separatesThePapersChosenFromRejectedAnswers() throws Exception {
        Path pairs = Path.of(System.getProperty("bedside.shared", "../shared"), "data", "empathy-by-design",
            "pairs.jsonl");
        Assumptions.assumeTrue(Files.isRegularFile(pairs), "../shared/data absent: skipping the pairs separation");
        ObjectMapper json = new ObjectMapper();
        int n = 0, higher = 0, ties = 0;
        double chosenSum = 0, rejectedSum = 0;
        try (BufferedReader reader = Files.newBufferedReader(pairs)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) continue;
                JsonNode pair = json.readTree(line);
                double chosen = EmpathyHeuristic.evaluate(pair.get("chosen").asText()).score();
                double rejected = EmpathyHeuristic.evaluate(pair.get("rejected").asText()).score();
                n++;
                chosenSum += chosen;
                rejectedSum += rejected;
                if (chosen > rejected) higher++;
                else if (chosen == rejected) ties++;
            }
        }
        double fraction = (double) higher / n;
        System.out.printf("empathy_heuristic on %d pairs: chosen > rejected for %d (%.1f%%), ties %d; "
            + "mean chosen %.3f, mean rejected %.3f%n", n, higher, 100 * fraction, ties, chosenSum / n, rejectedSum / n);
        assertTrue(fraction >= 0.90, "chosen > rejected for only " + higher + " of " + n);
    }
}
