package dev.bedside.cli.serve;

import static dev.bedside.cli.serve.TestServer.JSON;
import static dev.bedside.cli.serve.TestServer.chat;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad requests get a 4xx with OpenAI's error object (never a 500 or a stack trace), and the server keeps serving. */
class ServeErrorsTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("--max-body-bytes", "2048", "--context", "64");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    /** Asserts the status and the error object's shape; returns the error. */
    private static JsonNode error(HttpResponse<String> response, int status) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertNotNull(error, response.body());
        for (String field : new String[] {"message", "type", "param", "code"}) assertTrue(error.has(field), field + " in " + response.body());
        assertFalse(response.body().contains("Exception") || response.body().contains("\tat "), response.body());
        return error;
    }

    private static JsonNode badChat(String body, String param) throws Exception {
        JsonNode e = error(server.post("/v1/chat/completions", body), 400);
        assertEquals("invalid_request_error", e.get("type").asText());
        if (param != null) assertEquals(param, e.get("param").asText(), e.toString());
        return e;
    }

    @Test
    void malformedJsonIs400() throws Exception {
        assertEquals("invalid_json", badChat("{\"messages\": [", null).get("code").asText());
        assertEquals("invalid_json", badChat("[1, 2]", null).get("code").asText());
        assertEquals("invalid_json", badChat("", null).get("code").asText());
    }

    @Test
    void wrongTypesAndValuesNameTheField() throws Exception {
        badChat(chat("tiny-llama31", "hi", 2, "\"temperature\":\"hot\"").replace(",\"temperature\":0,", ","), "temperature");
        badChat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":\"5\"}", "max_tokens");
        badChat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":0}", "max_tokens");
        badChat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"top_p\":1.5}", "top_p");
        badChat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":\"yes\"}", "stream");
        badChat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":[1]}", "stop");
        badChat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":2}", "n");
        badChat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"top_logprobs\":3}", "top_logprobs");
        badChat("{\"messages\":\"hi\"}", "messages");
        badChat("{\"messages\":[{\"role\":\"user\",\"content\":5}]}", "messages[0].content");
        badChat("{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", "messages[0].role");
        badChat("{\"model\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model");
        assertEquals("prompt", error(server.post("/v1/completions", "{\"prompt\":{\"a\":1}}"), 400).get("param").asText());
        assertEquals("prompt", error(server.post("/v1/completions", "{\"prompt\":[99999999]}"), 400).get("param").asText());
    }

    @Test
    void missingMessagesIs400() throws Exception {
        badChat("{\"model\":\"tiny-llama31\"}", "messages");
        badChat("{\"messages\":[]}", "messages");
        assertEquals("prompt", error(server.post("/v1/completions", "{\"max_tokens\":3}"), 400).get("param").asText());
    }

    @Test
    void unknownModelIs404() throws Exception {
        JsonNode e = error(server.post("/v1/chat/completions", chat("gpt-17", "hi", 2, "")), 404);
        assertEquals("model_not_found", e.get("code").asText());
        assertTrue(e.get("message").asText().contains("gpt-17"));
        assertEquals("model_not_found", error(server.get("/v1/models/gpt-17"), 404).get("code").asText());
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        JsonNode e = error(server.post("/v1/chat/completions", chat("tiny-llama31", "x".repeat(3000), 2, "")), 413);
        assertEquals("request_too_large", e.get("code").asText());
        assertTrue(e.get("message").asText().contains("2048"), e.toString());
    }

    @Test
    void overLongPromptIs400WithItsLengthAndTheLimit() throws Exception {
        String prompt = "one two three four five six seven eight nine ten ".repeat(8);   // far beyond 64 tokens
        HttpResponse<String> response = server.post("/v1/completions", "{\"prompt\":" + TestServer.quote(prompt) + ",\"max_tokens\":4}");
        JsonNode e = error(response, 400);
        assertEquals("context_length_exceeded", e.get("code").asText());
        int length = dev.bedside.model.tokenizer.Tokenizers.load(TestServer.tinyModel()).encode(prompt, true).length;
        assertTrue(e.get("message").asText().contains(length + " tokens"), e.toString());
        assertTrue(e.get("message").asText().contains("64"), e.toString());
    }

    @Test
    void generationStopsAtTheContextWindow() throws Exception {
        // 60 prompt tokens in a 64-token window: at most 4 can follow, however many are asked for.
        int[] ids = new int[60];
        ids[0] = 128000;
        for (int i = 1; i < ids.length; i++) ids[i] = 1000 + i;
        JsonNode r = server.postJson("/v1/completions", "{\"prompt\":" + java.util.Arrays.toString(ids) + ",\"max_tokens\":100,\"temperature\":0}");
        JsonNode usage = r.get("usage");
        assertEquals(60, usage.get("prompt_tokens").asInt());
        assertTrue(usage.get("total_tokens").asInt() <= 64, usage.toString());
        if (usage.get("completion_tokens").asInt() == 4) assertEquals("length", r.get("choices").get(0).get("finish_reason").asText());
    }

    @Test
    void unknownPathsAndMethodsAre404And405() throws Exception {
        assertEquals("not_found", error(server.get("/v2/everything"), 404).get("code").asText());
        HttpResponse<String> get = server.get("/v1/chat/completions");
        assertEquals("method_not_allowed", error(get, 405).get("code").asText());
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> delete = server.client.send(HttpRequest.newBuilder(server.uri("/health")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        error(delete, 405);
    }

    @Test
    void theServerKeepsServingAfterBadRequests() throws Exception {
        for (int i = 0; i < 5; i++) {
            server.post("/v1/chat/completions", "{oops");
            server.post("/v1/chat/completions", "x".repeat(5000));
        }
        JsonNode r = server.postJson("/v1/chat/completions", chat("tiny-llama31", "hi", 2, ""));
        assertEquals("chat.completion", r.get("object").asText());
    }

    @Test
    void withAnApiKeyEveryRequestNeedsTheBearerToken() throws Exception {
        try (TestServer secured = TestServer.start(Map.of("BEDSIDE_TEST_KEY", "s3cret-key"), "--api-key-env", "BEDSIDE_TEST_KEY")) {
            for (String path : new String[] {"/health", "/v1/models"}) {
                JsonNode e = error(secured.get(path), 401);
                assertEquals("invalid_api_key", e.get("code").asText());
            }
            error(secured.post("/v1/chat/completions", chat("tiny-llama31", "hi", 2, "")), 401);
            secured.withKey("s3cret-kez");
            error(secured.get("/v1/models"), 401);
            error(secured.post("/v1/chat/completions", chat("tiny-llama31", "hi", 2, "")), 401);
            secured.withKey("s3cret-key");
            assertEquals(200, secured.get("/v1/models").statusCode());
            assertEquals(200, secured.post("/v1/chat/completions", chat("tiny-llama31", "hi", 2, "")).statusCode());
        }
    }

    @Test
    void aMissingKeyVariableIsAUsageError() {
        assertThrows(dev.bedside.cli.UsageException.class, () -> TestServer.start(Map.of(), "--api-key-env", "BEDSIDE_NO_SUCH_VARIABLE"));
    }
}
