package dev.bedside.eval.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.eval.chat.FakeOpenAiServer.Answer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiChatClientTest {

    static final String REPLY_WITH_LOGPROBS = """
        {"id":"chatcmpl-1","object":"chat.completion","model":"judge",
         "choices":[{"index":0,"finish_reason":"stop",
           "message":{"role":"assistant","content":"Hi there"},
           "logprobs":{"content":[
             {"token":"Hi","logprob":-0.25,"bytes":[72,105],
              "top_logprobs":[{"token":"Hi","logprob":-0.25},{"token":"Hello","logprob":-1.5}]},
             {"token":" there","logprob":-0.75,"top_logprobs":[{"token":" there","logprob":-0.75}]}]}}]}
        """;

    static OpenAiChatClient client(FakeOpenAiServer server, String keyVar, Duration timeout, int retries) {
        return new OpenAiChatClient("fake", server.baseUrl(), "judge-model", keyVar, timeout, retries,
            Duration.ofMillis(20), Duration.ofMillis(100));
    }

    static final List<ChatMessage> HELLO = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hello?"));

    @Test
    void sendsTheRequestAndReadsTextAndLogprobs() throws Exception {
        try (var server = new FakeOpenAiServer(Answer.ok(REPLY_WITH_LOGPROBS))) {
            // PATH is set in every environment: it stands in for an API key variable.
            ChatReply reply = client(server, "PATH", Duration.ofSeconds(5), 0)
                .complete(HELLO, new ChatOptions(20, 0.0, 7, 2));

            assertEquals("Hi there", reply.text());
            assertEquals(REPLY_WITH_LOGPROBS, reply.raw());
            assertEquals(2, reply.tokens().size());
            assertEquals(new ChatReply.TokenLogprob("Hi", -0.25, List.of(new ChatReply.Alternative("Hi", -0.25),
                new ChatReply.Alternative("Hello", -1.5))), reply.tokens().get(0));
            assertEquals(" there", reply.tokens().get(1).token());

            var request = server.received.getFirst();
            assertEquals("/v1/chat/completions", request.path());
            assertEquals("Bearer " + System.getenv("PATH").strip(), request.header("Authorization"));
            JsonNode sent = new ObjectMapper().readTree(request.body());
            assertEquals("judge-model", sent.get("model").asText());
            assertEquals("system", sent.get("messages").get(0).get("role").asText());
            assertEquals("Hello?", sent.get("messages").get(1).get("content").asText());
            assertEquals(20, sent.get("max_tokens").asInt());
            assertEquals(7, sent.get("seed").asLong());
            assertTrue(sent.get("logprobs").asBoolean());
            assertEquals(2, sent.get("top_logprobs").asInt());
        }
    }

    @Test
    void noKeyVariableMeansNoAuthorizationAndNoLogprobsAskedFor() throws Exception {
        try (var server = new FakeOpenAiServer(Answer.ok(
            "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}]}"))) {
            ChatReply reply = client(server, null, Duration.ofSeconds(5), 0).complete(HELLO, ChatOptions.PAPER);
            assertEquals("ok", reply.text());
            assertTrue(reply.tokens().isEmpty());
            assertNull(server.received.getFirst().header("Authorization"));
            assertFalse(new ObjectMapper().readTree(server.received.getFirst().body()).has("logprobs"));
        }
    }

    @Test
    void baseUrlWithOrWithoutV1() {
        assertEquals(URI.create("http://h:1/v1/chat/completions"),
            OpenAiChatClient.chatCompletionsUri(URI.create("http://h:1")));
        assertEquals(URI.create("http://h:1/v1/chat/completions"),
            OpenAiChatClient.chatCompletionsUri(URI.create("http://h:1/v1/")));
        assertEquals(URI.create("https://api.example.com/openai/v1/chat/completions"),
            OpenAiChatClient.chatCompletionsUri(URI.create("https://api.example.com/openai")));
    }

    @Test
    void missingKeyVariableIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> new OpenAiChatClient("x",
            URI.create("http://127.0.0.1:1"), "m", "BEDSIDE_SURELY_UNSET_KEY_VAR", Duration.ofSeconds(1), 0));
        assertTrue(e.getMessage().contains("BEDSIDE_SURELY_UNSET_KEY_VAR"), e.getMessage());
    }

    @Test
    void retriesA500ThenSucceeds() throws Exception {
        try (var server = new FakeOpenAiServer(new Answer(500, Map.of(), "{\"error\":\"boom\"}", 0),
            Answer.ok(REPLY_WITH_LOGPROBS))) {
            ChatReply reply = client(server, null, Duration.ofSeconds(5), 2).complete(HELLO, ChatOptions.PAPER);
            assertEquals("Hi there", reply.text());
            assertEquals(2, server.received.size());
        }
    }

    @Test
    void a400IsNotRetriedAndSaysWhy() throws Exception {
        try (var server = new FakeOpenAiServer(new Answer(400, Map.of(),
            "{\"error\":{\"message\":\"model 'judge-model' does not exist\"}}", 0))) {
            var e = assertThrows(ChatHttpException.class,
                () -> client(server, null, Duration.ofSeconds(5), 3).complete(HELLO, ChatOptions.PAPER));
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains("HTTP 400") && e.getMessage().contains("does not exist"),
                e.getMessage());
            assertEquals(1, server.received.size());
        }
    }

    @Test
    void a429WaitsAsLongAsRetryAfterAsks() throws Exception {
        try (var server = new FakeOpenAiServer(new Answer(429, Map.of("Retry-After", "1"), "{}", 0),
            Answer.ok(REPLY_WITH_LOGPROBS))) {
            ChatReply reply = client(server, null, Duration.ofSeconds(5), 1).complete(HELLO, ChatOptions.PAPER);
            assertEquals("Hi there", reply.text());
            long waitedNanos = server.received.get(1).nanoTime() - server.received.get(0).nanoTime();
            // the back-off alone would wait at most 100 ms
            assertTrue(waitedNanos >= 950_000_000L, "waited only " + waitedNanos / 1e6 + " ms");
        }
    }

    @Test
    void aSlowServerTimesOutOnEveryAttempt() throws Exception {
        try (var server = new FakeOpenAiServer(new Answer(200, Map.of(), REPLY_WITH_LOGPROBS, 1500))) {
            long start = System.nanoTime();
            var e = assertThrows(IOException.class,
                () -> client(server, null, Duration.ofMillis(200), 1).complete(HELLO, ChatOptions.PAPER));
            assertTrue(e.getCause() instanceof HttpTimeoutException, e.toString());
            assertTrue(e.getMessage().contains("2 attempt"), e.getMessage());
            assertEquals(2, server.received.size());
            assertTrue(System.nanoTime() - start < 1_400_000_000L, "the client waited for the slow answer");
        }
    }

    @Test
    void anUnreachableServerIsRetriedThenReported() throws Exception {
        URI closed;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort()); // closed again when this block ends
        }
        var client = new OpenAiChatClient("gone", closed, "m", null, Duration.ofSeconds(2), 2, Duration.ofMillis(5),
            Duration.ofMillis(20));
        var e = assertThrows(IOException.class, () -> client.complete(HELLO, ChatOptions.PAPER));
        assertTrue(e.getMessage().contains("gave up after 3 attempt(s)") && e.getMessage().contains(closed.toString()),
            e.getMessage());
    }

    @Test
    void aBodyThatIsNotAChatCompletionIsAClearError() throws Exception {
        try (var server = new FakeOpenAiServer(Answer.ok("<html>gateway</html>"))) {
            var e = assertThrows(IOException.class,
                () -> client(server, null, Duration.ofSeconds(5), 0).complete(HELLO, ChatOptions.PAPER));
            assertTrue(e.getMessage().contains("not JSON") && e.getMessage().contains("gateway"), e.getMessage());
        }
    }
}
