package dev.bedside.cli.serve;

import static dev.bedside.cli.serve.TestServer.JSON;
import static dev.bedside.cli.serve.TestServer.chat;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedside.model.tokenizer.ChatFormat;
import dev.bedside.model.tokenizer.Tokenizer;
import dev.bedside.model.tokenizer.Tokenizers;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI wire format over real HTTP: chat and text completions, whole and streamed, log-probs, stop strings, models. */
class ServeWireTest {
    private static TestServer server;
    private static Tokenizer tokenizer;
    private static JsonNode hello;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("--max-concurrent", "4");
        tokenizer = Tokenizers.load(TestServer.tinyModel());
        hello = JSON.readTree(TestServer.tinyModel().resolve("expected.json").toFile()).get("sequences").get(0);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    @Test
    void chatCompletionHasTheOpenAiShapeAndCounts() throws Exception {
        JsonNode r = server.postJson("/v1/chat/completions", chat("tiny-llama31", "How are you?", 6, ""));
        assertEquals("chat.completion", r.get("object").asText());
        assertTrue(r.get("id").asText().startsWith("chatcmpl-"));
        assertEquals("tiny-llama31", r.get("model").asText());
        assertTrue(r.get("created").isIntegralNumber());
        JsonNode choice = r.get("choices").get(0);
        assertEquals(0, choice.get("index").asInt());
        assertEquals("assistant", choice.get("message").get("role").asText());
        assertTrue(choice.get("message").get("content").isTextual());
        assertTrue(choice.get("logprobs").isNull());
        int prompt = new ChatFormat(tokenizer).encode(List.of(new ChatFormat.Message("user", "How are you?")), true).length;
        JsonNode usage = r.get("usage");
        assertEquals(prompt, usage.get("prompt_tokens").asInt());
        int completion = usage.get("completion_tokens").asInt();
        assertEquals(prompt + completion, usage.get("total_tokens").asInt());
        // length: all 6 tokens; stop: an EOS came first (not counted)
        assertEquals(completion == 6 ? "length" : "stop", choice.get("finish_reason").asText());
    }

    @Test
    void greedyTextCompletionEqualsTheFloat64ReferenceContinuation() throws Exception {
        int[] want = JSON.treeToValue(hello.get("reference").get("greedy").get("ids"), int[].class);
        JsonNode r = server.postJson("/v1/completions", "{\"model\":\"tiny-llama31\",\"prompt\":\"Hello world\",\"max_tokens\":" + want.length
                + ",\"temperature\":0}");
        assertEquals("text_completion", r.get("object").asText());
        assertEquals(tokenizer.decode(want), r.get("choices").get(0).get("text").asText());
        assertEquals("length", r.get("choices").get(0).get("finish_reason").asText());
        assertEquals(3, r.get("usage").get("prompt_tokens").asInt());   // BOS, "Hello", " world"
        assertEquals(want.length, r.get("usage").get("completion_tokens").asInt());
    }

    @Test
    void logprobsOfTheFirstTokenMatchTheFloat64Reference() throws Exception {
        // Prompt as token ids; the first generated token's distribution is the reference's at the last position.
        JsonNode ids = hello.get("ids");
        int last = ids.size() - 1;
        JsonNode top = hello.get("reference").get("top_logprobs").get(last), topIds = hello.get("reference").get("top_ids").get(last);
        JsonNode legacy = server.postJson("/v1/completions", "{\"prompt\":" + ids + ",\"max_tokens\":1,\"temperature\":0,\"logprobs\":5}");
        JsonNode lp = legacy.get("choices").get(0).get("logprobs");
        assertEquals(tokenizer.decode(new int[] {topIds.get(0).asInt()}), lp.get("tokens").get(0).asText());
        assertEquals(top.get(0).asDouble(), lp.get("token_logprobs").get(0).asDouble(), 1e-4);
        JsonNode alternatives = lp.get("top_logprobs").get(0);
        for (int j = 0; j < 5; j++) {
            String token = tokenizer.decode(new int[] {topIds.get(j).asInt()});
            assertEquals(top.get(j).asDouble(), alternatives.get(token).asDouble(), 1e-4, "rank " + j);
        }
        assertEquals(0, lp.get("text_offset").get(0).asInt());

        JsonNode chat = server.postJson("/v1/chat/completions", chat("tiny-llama31", "Hi", 3, "\"logprobs\":true,\"top_logprobs\":4"));
        JsonNode content = chat.get("choices").get(0).get("logprobs").get("content");
        assertEquals(chat.get("usage").get("completion_tokens").asInt(), content.size());
        for (JsonNode t : content) {
            JsonNode alts = t.get("top_logprobs");
            assertEquals(4, alts.size());
            assertEquals(alts.get(0).get("token").asText(), t.get("token").asText());   // greedy: the chosen token is the top one
            assertEquals(alts.get(0).get("logprob").asDouble(), t.get("logprob").asDouble());
            double mass = 0;
            for (int j = 0; j < 4; j++) {
                assertTrue(alts.get(j).get("logprob").asDouble() <= 0);
                if (j > 0) assertTrue(alts.get(j).get("logprob").asDouble() <= alts.get(j - 1).get("logprob").asDouble());
                mass += Math.exp(alts.get(j).get("logprob").asDouble());
            }
            assertTrue(mass <= 1 + 1e-9, "probabilities sum to " + mass);
            byte[] bytes = new byte[t.get("bytes").size()];
            for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) t.get("bytes").get(i).asInt();
            assertEquals(t.get("token").asText(), new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void streamingSendsTheSameTextAsChunksEndingWithDone() throws Exception {
        String body = chat("tiny-llama31", "Tell me a story", 12, "");
        String whole = server.postJson("/v1/chat/completions", body).get("choices").get(0).get("message").get("content").asText();
        HttpResponse<String> response = server.post("/v1/chat/completions",
                chat("tiny-llama31", "Tell me a story", 12, "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> events = TestServer.events(response.body());
        assertEquals("[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (int i = 0; i < events.size() - 1; i++) {
            JsonNode chunk = JSON.readTree(events.get(i));
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            if (chunk.has("usage")) {
                usage = chunk.get("usage");
                assertEquals(0, chunk.get("choices").size());
                continue;
            }
            JsonNode choice = chunk.get("choices").get(0);
            if (i == 0) assertEquals("assistant", choice.get("delta").get("role").asText());
            if (choice.get("delta").has("content")) text.append(choice.get("delta").get("content").asText());
            if (!choice.get("finish_reason").isNull()) finish = choice.get("finish_reason").asText();
        }
        assertEquals(whole, text.toString());
        assertNotNull(finish);
        assertNotNull(usage);
        assertEquals(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt(), usage.get("total_tokens").asInt());
    }

    @Test
    void textCompletionStreamsToo() throws Exception {
        String body = "{\"prompt\":\"Hello world\",\"max_tokens\":8,\"temperature\":0";
        String whole = server.postJson("/v1/completions", body + "}").get("choices").get(0).get("text").asText();
        List<String> events = TestServer.events(server.post("/v1/completions", body + ",\"stream\":true}").body());
        assertEquals("[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = JSON.readTree(e);
            assertEquals("text_completion", chunk.get("object").asText());
            text.append(chunk.get("choices").get(0).get("text").asText());
        }
        assertEquals(whole, text.toString());
    }

    @Test
    void stopStringsCutTheTextBeforeThem() throws Exception {
        String body = "{\"prompt\":\"Hello world\",\"max_tokens\":8,\"temperature\":0";
        String whole = server.postJson("/v1/completions", body + "}").get("choices").get(0).get("text").asText();
        String stop = whole.substring(whole.length() / 2, whole.length() / 2 + 2);
        for (String stream : List.of("false", "true")) {
            HttpResponse<String> r = server.post("/v1/completions", body + ",\"stop\":[" + TestServer.quote(stop) + "],\"stream\":" + stream + "}");
            String text;
            String finish;
            if (stream.equals("false")) {
                JsonNode choice = JSON.readTree(r.body()).get("choices").get(0);
                text = choice.get("text").asText();
                finish = choice.get("finish_reason").asText();
            } else {
                StringBuilder sb = new StringBuilder();
                finish = null;
                List<String> events = TestServer.events(r.body());
                for (String e : events.subList(0, events.size() - 1)) {
                    JsonNode choice = JSON.readTree(e).get("choices").get(0);
                    sb.append(choice.get("text").asText());
                    if (!choice.get("finish_reason").isNull()) finish = choice.get("finish_reason").asText();
                }
                text = sb.toString();
            }
            assertEquals(whole.substring(0, whole.indexOf(stop)), text, "stream " + stream);
            assertEquals("stop", finish);
        }
    }

    @Test
    void modelsListsTheBaseModelAndHealthAnswers() throws Exception {
        JsonNode models = JSON.readTree(server.get("/v1/models").body());
        assertEquals("list", models.get("object").asText());
        assertEquals("tiny-llama31", models.get("data").get(0).get("id").asText());
        assertEquals("model", models.get("data").get(0).get("object").asText());
        assertEquals(200, server.get("/v1/models/tiny-llama31").statusCode());
        assertEquals("ok", server.health().get("status").asText());
    }
}
