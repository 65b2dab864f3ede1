package dev.bedside.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import dev.bedside.eval.chat.ChatMessage;
import dev.bedside.eval.chat.ChatOptions;
import dev.bedside.eval.chat.ChatReply;
import dev.bedside.eval.chat.LocalChatBackend;
import dev.bedside.eval.chat.OpenAiChatClient;
import dev.bedside.eval.judge.GEvalMetric;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The evaluation's judge client against the real {@code bedside serve}: what the client reads over HTTP is what
 * the same model answers in process, and a judge that cannot produce a score marks the sample instead of
 * scoring it.
 */
class JudgeClientAgainstServeTest {

    @Test
    void clientOverHttpAgreesWithTheModelInProcess() throws Exception {
        List<ChatMessage> messages = List.of(ChatMessage.system("You are kind."), ChatMessage.user("How do I help my mother sleep?"));
        ChatOptions greedy = new ChatOptions(8, 0.0, 1, 3);
        ChatReply local;
        LocalChatBackend inProcess = LocalChatBackend.load(TestServer.tinyModel(), 2048);
        try {
            local = inProcess.complete(messages, greedy);
        } finally {
            inProcess.model().close();
        }
        try (TestServer server = TestServer.start()) {
            OpenAiChatClient client = new OpenAiChatClient("serve", URI.create("http://127.0.0.1:" + server.server.port()),
                    "tiny-llama31", null, Duration.ofSeconds(60), 1);
            ChatReply remote = client.complete(messages, greedy);
            assertEquals(local.text(), remote.text(), "greedy text over HTTP vs in process");
            assertEquals(local.tokens().size(), remote.tokens().size(), "generated tokens with log-probs");
            for (int i = 0; i < local.tokens().size(); i++) {
                ChatReply.TokenLogprob a = local.tokens().get(i), b = remote.tokens().get(i);
                assertEquals(a.token(), b.token(), "token " + i);
                assertEquals(a.logprob(), b.logprob(), 1e-3, "log-prob of token " + i);
                assertEquals(a.top().size(), b.top().size(), "alternatives at token " + i);
            }
        }
    }

    @Test
    void aJudgeThatAnswersNonsenseMarksTheSample() throws Exception {
        try (TestServer server = TestServer.start()) {
            OpenAiChatClient client = new OpenAiChatClient("serve", URI.create("http://127.0.0.1:" + server.server.port()),
                    "tiny-llama31", null, Duration.ofSeconds(60), 1);
            Sample sample = new Sample("q1", "My father forgets my name. What should I do?",
                    "It hurts when that happens. Stay calm, introduce yourself gently, and tell him you love him.",
                    "Memory loss of names is common; a gentle reintroduction helps.", Map.of());
            Score score = GEvalMetric.empathy(client).score(sample);
            // The tiny fixture model writes random tokens: no valid score can come back, so the sample is marked.
            assertFalse(score.ok(), "a nonsense judge must not produce a score: " + score);
            assertTrue(Double.isNaN(score.value()));
            assertTrue(score.details().containsKey("judge_raw") || score.details().containsKey("steps_reply")
                    || score.details().containsKey("steps_raw"), "the judge's raw reply is kept: " + score.details().keySet());
        }
    }
}
