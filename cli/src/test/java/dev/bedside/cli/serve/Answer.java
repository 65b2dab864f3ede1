package dev.bedside.cli.serve;

import static dev.bedside.cli.serve.TestServer.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** A greedy chat answer as text and tokens, with each token's log-probability and its margin over the runner-up. */
record Answer(String text, List<String> tokens, List<Double> logprobs, List<Double> margins) {

    /**
     * Top-two log-probabilities closer than this are a near tie: a batched decode step sums in another order than
     * a single row (float rounding, about 1e-6 relative), which may pick the other token there.
     */
    static final double NEAR_TIE = 1e-3;

    /** Asks the server (greedy, log-probs with the top 2), whole or streamed. */
    static Answer of(TestServer server, String model, String question, int maxTokens, boolean stream) throws Exception {
        HttpResponse<String> r = server.post("/v1/chat/completions", TestServer.chat(model, question, maxTokens,
                "\"logprobs\":true,\"top_logprobs\":2" + (stream ? ",\"stream\":true" : "")));
        assertEquals(200, r.statusCode(), r.body());
        StringBuilder text = new StringBuilder();
        List<JsonNode> entries = new ArrayList<>();
        if (stream) {
            List<String> events = TestServer.events(r.body());
            assertEquals("[DONE]", events.getLast());
            for (String e : events.subList(0, events.size() - 1)) {
                JsonNode choice = JSON.readTree(e).get("choices").get(0);
                if (choice.get("delta").has("content")) text.append(choice.get("delta").get("content").asText());
                if (!choice.get("logprobs").isNull()) choice.get("logprobs").get("content").forEach(entries::add);
            }
        } else {
            JsonNode choice = JSON.readTree(r.body()).get("choices").get(0);
            text.append(choice.get("message").get("content").asText());
            choice.get("logprobs").get("content").forEach(entries::add);
        }
        List<String> tokens = new ArrayList<>();
        List<Double> logprobs = new ArrayList<>(), margins = new ArrayList<>();
        for (JsonNode t : entries) {
            tokens.add(t.get("token").asText());
            logprobs.add(t.get("logprob").asDouble());
            margins.add(t.get("top_logprobs").get(0).get("logprob").asDouble() - t.get("top_logprobs").get(1).get("logprob").asDouble());
        }
        return new Answer(text.toString(), tokens, logprobs, margins);
    }

    /**
     * Null when {@code other} is this answer; otherwise what differs. The two may part ways only at a near tie of
     * this answer; up to there every token and log-prob must agree (to {@link #NEAR_TIE}).
     */
    String differenceFrom(Answer other) {
        int n = Math.min(tokens.size(), other.tokens.size());
        for (int i = 0; i < n; i++) {
            if (Math.abs(logprobs.get(i) - other.logprobs.get(i)) > NEAR_TIE) {
                return "token " + i + " log-prob " + other.logprobs.get(i) + " instead of " + logprobs.get(i);
            }
            if (!tokens.get(i).equals(other.tokens.get(i))) {
                return margins.get(i) < NEAR_TIE ? null : "token " + i + " '" + other.tokens.get(i) + "' instead of '" + tokens.get(i)
                        + "' (margin " + margins.get(i) + ")";
            }
        }
        return text.equals(other.text) ? null : "'" + other.text + "' instead of '" + text + "'";
    }
}
