package dev.bedside.eval.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bedside.eval.chat.ChatReply;
import dev.bedside.eval.chat.ChatReply.Alternative;
import dev.bedside.eval.chat.ChatReply.TokenLogprob;
import java.util.List;
import org.junit.jupiter.api.Test;

class JudgeRepliesTest {

    @Test
    void readsScoresWrittenInManyWays() {
        assertEquals(7.0, JudgeReplies.score("{\"score\": 7, \"reason\": \"ok\"}").orElseThrow().value());
        assertEquals("ok", JudgeReplies.score("{\"score\": 7, \"reason\": \"ok\"}").orElseThrow().reason());
        assertEquals(9.0, JudgeReplies.score("```json\n{\"score\": \"9\", \"reason\": \"fine\"}\n```").orElseThrow().value());
        assertEquals(4.0, JudgeReplies.score("Sure! {'score': 4, 'reason': 'meh',}").orElseThrow().value());
        assertEquals(6.5, JudgeReplies.score("Score: 6.5 because it is fine").orElseThrow().value());
        assertEquals("pattern", JudgeReplies.score("{\"score\": 3, \"reason\": \"a \"quoted\" word\"}")
            .orElseThrow().foundBy());
    }

    @Test
    void findsNoScoreInTextWithoutOne() {
        assertTrue(JudgeReplies.score("I would give it 8 out of 10").isEmpty());
        assertTrue(JudgeReplies.score("{\"reason\": \"good\"}").isEmpty());
        assertTrue(JudgeReplies.score("").isEmpty());
        assertTrue(JudgeReplies.score("{\"score\": \"high\"}").isEmpty());
    }

    @Test
    void readsStepsAsJsonOrAsAList() {
        assertEquals(List.of("a", "b"), JudgeReplies.steps("{\"steps\": [\"a\", \" b \", \"\"]}").orElseThrow());
        assertEquals(List.of("Read it.", "Grade it."), JudgeReplies.steps("Steps:\n1. Read it.\n2) Grade it.\n")
            .orElseThrow());
        assertTrue(JudgeReplies.steps("just one line").isEmpty());
        assertTrue(JudgeReplies.steps("{\"steps\": []}").isEmpty());
    }

    static TokenLogprob tok(String token) {
        return new TokenLogprob(token, -0.01, List.of());
    }

    @Test
    void weightingFindsTheTokenAfterTheScoreKey() {
        // A "7" in a number before the score must not be taken for the score token.
        TokenLogprob atScore = new TokenLogprob(" 7", Math.log(0.5), List.of(new Alternative(" 7", Math.log(0.5)),
            new Alternative(" 3", Math.log(0.5))));
        ChatReply reply = new ChatReply("", List.of(tok("Step"), tok(" 7"), tok(": {\"score\":"), atScore, tok("}")), "");
        var weighted = ScoreWeighting.weighted(reply, 7, 0, 10).orElseThrow();
        assertEquals(3, weighted.tokenIndex());
        assertEquals(5.0, weighted.score(), 1e-12); // (7·0.5 + 3·0.5) / 1
    }

    @Test
    void noWeightingWithoutLogprobsOrForAFractionalScore() {
        assertTrue(ScoreWeighting.weighted(new ChatReply("{\"score\": 7}", List.of(), ""), 7, 0, 10).isEmpty());
        ChatReply reply = new ChatReply("", List.of(tok("{\"score\": "), tok("7"), tok(".5}")), "");
        assertTrue(ScoreWeighting.weighted(reply, 7.5, 0, 10).isEmpty());
    }
}
