package dev.bedside.eval.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import dev.bedside.eval.chat.ChatOptions;
import dev.bedside.eval.chat.LocalChatBackend;
import dev.bedside.eval.chat.TinyModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * G-Eval end to end with a Bedside model in this process as the judge. The tiny fixture model has random weights
 * and answers garbage: every sample must come back failed, with the judge's replies kept, never with a score.
 */
class LocalJudgeTest {

    static LocalChatBackend judge;

    static final Sample SAMPLE = new Sample("q1", "What is Alzheimer's disease?",
        "It is a brain disease that slowly damages memory and thinking.",
        "Alzheimer's is a progressive brain disorder that destroys memory and thinking skills.", Map.of());

    /** Short replies: the tiny model would only write more garbage. */
    static final GEvalMetric.JudgeSettings SHORT =
        new GEvalMetric.JudgeSettings(new ChatOptions(16, 0.0, 0, 0), new ChatOptions(16, 0.0, 0, 5));

    @BeforeAll
    static void load() {
        judge = TinyModel.backend();
    }

    @Test
    void garbageStepsMarkTheSampleFailed() {
        Score score = GEvalMetric.factualCorrectness(judge).withSettings(SHORT).score(SAMPLE);
        assertFalse(score.ok());
        assertTrue(Double.isNaN(score.value()));
        assertEquals("judge reply has no evaluation steps", score.failure());
        assertFalse(((String) score.details().get("steps_reply")).isEmpty());
    }

    @Test
    void aGarbageScoreReplyMarksTheSampleFailedAndKeepsTheReply() {
        Score score = GEvalMetric.empathy(judge).withSettings(SHORT)
            .withSteps(List.of("Check whether the answer acknowledges the asker's feelings.")).score(SAMPLE);
        assertFalse(score.ok());
        assertEquals("judge reply has no score", score.failure());
        String reply = (String) score.details().get("judge_reply");
        assertFalse(reply.isEmpty());
        assertTrue(((String) score.details().get("judge_raw")).contains("\"completion_tokens\":16"),
            (String) score.details().get("judge_raw"));
    }
}
