package dev.bedside.eval.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import dev.bedside.eval.chat.ChatBackend;
import dev.bedside.eval.chat.FakeOpenAiServer;
import dev.bedside.eval.chat.FakeOpenAiServer.Answer;
import dev.bedside.eval.chat.OpenAiChatClient;
import dev.bedside.eval.judge.OpenAiBodies.Tok;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** G-Eval end to end against a fake OpenAI endpoint that plays the judge. */
class GEvalMetricTest {

    static final Sample SAMPLE = new Sample("q1", "My mum forgets my name. Is that normal with dementia?",
        "I'm so sorry, that must hurt. Yes, in later stages people often forget names of loved ones.",
        "Forgetting names, even of close family, is common as dementia progresses.", Map.of());

    static final String STEPS = OpenAiBodies.text("""
        ```json
        {"steps": ["Read the Input and note the concern.", "Check each claim of the Actual Output against the \
        Expected Output.", "Lower the score for contradictions."]}
        ```""");

    static ChatBackend judge(FakeOpenAiServer server, Duration timeout, int retries) {
        return new OpenAiChatClient("fake-judge", server.baseUrl(), "judge", null, timeout, retries,
            Duration.ofMillis(10), Duration.ofMillis(50));
    }

    /** The score reply {"score": 8, "reason": "Correct."} with log-probs at the score token. */
    static String scoreReplyWithLogprobs() {
        Map<String, Double> atScore = new LinkedHashMap<>();
        atScore.put("8", 0.6);
        atScore.put("7", 0.3);
        atScore.put("9", 0.05);
        atScore.put(" ", 0.03);   // not a score: ignored
        atScore.put("10", 0.005); // below deepeval's 1% cut: ignored
        atScore.put("x", 0.002);
        return OpenAiBodies.withLogprobs(List.of(Tok.of("{\""), Tok.of("score"), Tok.of("\":"), Tok.of(" "),
            new Tok("8", atScore), Tok.of(","), Tok.of(" \""), Tok.of("reason"), Tok.of("\":"), Tok.of(" \""),
            Tok.of("Correct"), Tok.of(".\""), Tok.of("}")));
    }

    @Test
    void scoreIsTheProbabilityWeightedMeanOfTheScoreTokens() throws Exception {
        try (var server = new FakeOpenAiServer(Answer.ok(STEPS), Answer.ok(scoreReplyWithLogprobs()))) {
            Score score = GEvalMetric.factualCorrectness(judge(server, Duration.ofSeconds(5), 0)).score(SAMPLE);

            assertTrue(score.ok(), score.failure());
            // By hand: (8·0.6 + 7·0.3 + 9·0.05) / (0.6 + 0.3 + 0.05) = 7.35 / 0.95 = 7.7368…, over 10.
            assertEquals(0.77368421052631578, score.value(), 1e-12);
            assertEquals(8.0, score.details().get("score_written"));
            assertEquals("Correct.", score.details().get("reason"));
            assertEquals(3, ((List<?>) score.details().get("steps")).size());
            assertTrue(((String) score.details().get("steps_reply")).contains("\"steps\""));
            assertTrue(((String) score.details().get("judge_raw")).contains("top_logprobs"));

            // The scoring prompt carried the steps and all three fields; log-probs were asked for.
            String scoringRequest = server.received.get(1).body();
            assertTrue(scoringRequest.contains("Check each claim"), scoringRequest);
            assertTrue(scoringRequest.contains("Expected Output:\\n" + SAMPLE.reference()), scoringRequest);
            assertTrue(scoringRequest.contains("\"top_logprobs\":20"), scoringRequest);
        }
    }

    @Test
    void stepsAreAskedOnceForManySamples() throws Exception {
        try (var server = new FakeOpenAiServer(Answer.ok(STEPS), Answer.ok(OpenAiBodies.text(
            "Here is my grade: {'score': 6, 'reason': 'Mostly right',}")))) {
            var metric = GEvalMetric.empathy(judge(server, Duration.ofSeconds(5), 0));
            List<Score> scores = metric.scoreAll(List.of(SAMPLE, SAMPLE, SAMPLE));
            for (Score s : scores) {
                assertTrue(s.ok(), s.failure());
                assertEquals(0.6, s.value(), 1e-15); // no log-probs: the score as written, over 10
            }
            assertEquals(4, server.received.size());
        }
    }

    @Test
    void garbageIsMarkedFailedWithTheRawReply() throws Exception {
        String garbage = "ĠprocesshaveLOCK 9 utm borrowed{{$ spécifique";
        try (var server = new FakeOpenAiServer(Answer.ok(STEPS), Answer.ok(OpenAiBodies.text(garbage)))) {
            Score score = GEvalMetric.readability(judge(server, Duration.ofSeconds(5), 0)).score(SAMPLE);
            assertFalse(score.ok());
            assertTrue(Double.isNaN(score.value()));
            assertEquals("judge reply has no score", score.failure());
            assertEquals(garbage, score.details().get("judge_reply"));
        }
    }

    @Test
    void aReplyWithoutAScoreIsMarkedFailed() throws Exception {
        try (var server = new FakeOpenAiServer(Answer.ok(STEPS),
            Answer.ok(OpenAiBodies.text("{\"reason\": \"The answer is kind and accurate.\"}")))) {
            Score score = GEvalMetric.empathy(judge(server, Duration.ofSeconds(5), 0)).score(SAMPLE);
            assertEquals("judge reply has no score", score.failure());
        }
    }

    @Test
    void aScoreOutOfRangeIsMarkedFailed() throws Exception {
        try (var server = new FakeOpenAiServer(Answer.ok(STEPS),
            Answer.ok(OpenAiBodies.text("{\"score\": 85, \"reason\": \"good\"}")))) {
            Score score = GEvalMetric.empathy(judge(server, Duration.ofSeconds(5), 0)).score(SAMPLE);
            assertFalse(score.ok());
            assertTrue(score.failure().contains("outside 0–10"), score.failure());
        }
    }

    @Test
    void garbageStepsFailEverySampleAndAreAskedAgain() throws Exception {
        try (var server = new FakeOpenAiServer(Answer.ok(OpenAiBodies.text("steps? what steps")))) {
            var metric = GEvalMetric.empathy(judge(server, Duration.ofSeconds(5), 0));
            for (Score s : metric.scoreAll(List.of(SAMPLE, SAMPLE))) {
                assertEquals("judge reply has no evaluation steps", s.failure());
                assertEquals("steps? what steps", s.details().get("steps_reply"));
            }
            assertEquals(2, server.received.size());
        }
    }

    @Test
    void aServerErrorIsRetriedThenScored() throws Exception {
        try (var server = new FakeOpenAiServer(Answer.ok(STEPS), new Answer(500, Map.of(), "{\"error\":\"busy\"}", 0),
            Answer.ok(scoreReplyWithLogprobs()))) {
            Score score = GEvalMetric.factualCorrectness(judge(server, Duration.ofSeconds(5), 2)).score(SAMPLE);
            assertTrue(score.ok(), score.failure());
            assertEquals(3, server.received.size());
        }
    }

    @Test
    void aTimeoutIsMarkedFailed() throws Exception {
        try (var server = new FakeOpenAiServer(Answer.ok(STEPS),
            new Answer(200, Map.of(), scoreReplyWithLogprobs(), 1000))) {
            Score score = GEvalMetric.factualCorrectness(judge(server, Duration.ofMillis(300), 0)).score(SAMPLE);
            assertFalse(score.ok());
            assertTrue(score.failure().startsWith("judge request failed") && score.failure().contains("within"),
                score.failure());
        }
    }

    @Test
    void rateLimitedJudgeWaitsThenScores() throws Exception {
        try (var server = new FakeOpenAiServer(new Answer(429, Map.of("Retry-After", "0"), "{}", 0), Answer.ok(STEPS),
            Answer.ok(scoreReplyWithLogprobs()))) {
            Score score = GEvalMetric.factualCorrectness(judge(server, Duration.ofSeconds(5), 1)).score(SAMPLE);
            assertTrue(score.ok(), score.failure());
        }
    }

    @Test
    void correctnessWithoutAReferenceIsMarkedWithoutAskingTheJudge() throws Exception {
        try (var server = new FakeOpenAiServer(Answer.ok(STEPS))) {
            Sample noReference = new Sample("q2", SAMPLE.question(), SAMPLE.answer(), "", Map.of());
            Score score = GEvalMetric.factualCorrectness(judge(server, Duration.ofSeconds(5), 0)).score(noReference);
            assertEquals("no Expected Output to show the judge", score.failure());
            assertEquals(0, server.received.size());
        }
    }

    @Test
    void givenStepsSkipTheStepsRequest() throws Exception {
        try (var server = new FakeOpenAiServer(Answer.ok(scoreReplyWithLogprobs()))) {
            Score score = GEvalMetric.factualCorrectness(judge(server, Duration.ofSeconds(5), 0))
                .withSteps(List.of("Compare the facts.")).score(SAMPLE);
            assertTrue(score.ok(), score.failure());
            assertEquals(1, server.received.size());
            assertTrue(server.received.getFirst().body().contains("1. Compare the facts."));
        }
    }
}
