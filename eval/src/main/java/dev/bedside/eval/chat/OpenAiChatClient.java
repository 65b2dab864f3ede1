package dev.bedside.eval.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client for any OpenAI-compatible chat endpoint ({@code POST /v1/chat/completions}): OpenAI itself, vLLM,
 * llama.cpp's server, Ollama, {@code bedside serve}.
 *
 * <p>What it does per request:
 * <ol>
 *   <li>writes the messages and options as JSON ({@code max_tokens}, {@code temperature}, {@code seed}, and
 *       {@code logprobs}/{@code top_logprobs} when log-probs are asked for);</li>
 *   <li>sends them with a bearer key read from an environment variable (none when no variable is named), and
 *       gives up on an attempt after {@code timeout};</li>
 *   <li>retries a timeout, a lost connection, a 429 or a 5xx up to {@code maxRetries} times, waiting as long as
 *       the server's {@code Retry-After} asks, or else an exponential back-off with jitter;</li>
 *   <li>fails at once on any other 4xx, with the status and the start of the body in the message;</li>
 *   <li>reads {@code choices[0].message.content} and, when present, {@code choices[0].logprobs.content[*]}
 *       (token, log-prob, top alternatives), and keeps the whole body as {@link ChatReply#raw()}.</li>
 * </ol>
 */
public final class OpenAiChatClient implements ChatBackend {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXCERPT_CHARS = 500;
    /** A server asking to wait longer than this is not waited for longer. */
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(2);

    private final String name;
    private final URI endpoint;
    private final String model;
    private final String apiKey; // null: no Authorization header
    private final Duration timeout;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final HttpClient http;

    /**
     * @param baseUrl      the server, with or without a trailing {@code /v1} (both {@code http://host:8000} and
     *                     {@code https://api.openai.com/v1} work)
     * @param apiKeyEnvVar the environment variable holding the key, or null for an endpoint without one
     * @param timeout      how long one attempt may take, from sending to the last byte of the answer
     * @param maxRetries   attempts after the first one (0: no retry)
     */
    public OpenAiChatClient(String name, URI baseUrl, String model, String apiKeyEnvVar, Duration timeout,
                            int maxRetries) {
        this(name, baseUrl, model, apiKeyEnvVar, timeout, maxRetries, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /** As above, with the back-off's first wait and its cap (tests use short ones). */
    public OpenAiChatClient(String name, URI baseUrl, String model, String apiKeyEnvVar, Duration timeout,
                            int maxRetries, Duration initialBackoff, Duration maxBackoff) {
        this.name = Objects.requireNonNull(name, "name");
        this.endpoint = chatCompletionsUri(Objects.requireNonNull(baseUrl, "baseUrl"));
        this.model = Objects.requireNonNull(model, "model");
        this.apiKey = apiKeyEnvVar == null ? null : readKey(apiKeyEnvVar);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (maxRetries < 0) throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        this.maxRetries = maxRetries;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // plain HTTP/1.1: some servers mishandle the h2c upgrade
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    }

    private static String readKey(String envVar) {
        String key = System.getenv(envVar);
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("chat endpoint: environment variable " + envVar
                + " (the API key) is not set or empty");
        }
        return key.strip();
    }

    /** {@code {baseUrl}/v1/chat/completions}, whether or not {@code baseUrl} already ends in {@code /v1}. */
    static URI chatCompletionsUri(URI baseUrl) {
        String base = baseUrl.toString();
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        if (!base.endsWith("/v1")) base += "/v1";
        return URI.create(base + "/chat/completions");
    }

    @Override
    public String name() {
        return name;
    }

    /** The URL requests go to. */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public ChatReply complete(List<ChatMessage> messages, ChatOptions options) throws IOException {
        String body = requestBody(messages, options);
        IOException last = null;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            Duration wait;
            try {
                HttpResponse<String> response = http.send(request(body), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) return parseReply(response.body());
                String message = name + ": HTTP " + status + " from " + endpoint + ": " + excerpt(response.body());
                ChatHttpException error = new ChatHttpException(message, status, excerpt(response.body()));
                if (status != 429 && status / 100 != 5) throw error; // a bad request stays bad: do not retry
                last = error;
                int tries = attempt;
                wait = retryAfter(response).orElseGet(() -> backoff(tries));
            } catch (HttpTimeoutException e) {
                last = new HttpTimeoutException(name + ": no complete answer from " + endpoint + " within " + timeout);
                wait = backoff(attempt);
            } catch (ChatHttpException e) {
                throw e;
            } catch (IOException e) {
                last = new IOException(name + ": request to " + endpoint + " failed: " + e, e);
                wait = backoff(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(name + ": interrupted while waiting for " + endpoint);
            }
            if (attempt < maxRetries) sleep(wait);
        }
        throw new IOException(name + ": gave up after " + (maxRetries + 1) + " attempt(s): " + last.getMessage(), last);
    }

    private HttpRequest request(String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) builder.header("Authorization", "Bearer " + apiKey);
        return builder.build();
    }

    String requestBody(List<ChatMessage> messages, ChatOptions options) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", model);
        ArrayNode array = root.putArray("messages");
        for (ChatMessage m : messages) array.addObject().put("role", m.role()).put("content", m.content());
        root.put("max_tokens", options.maxTokens());
        root.put("temperature", options.temperature());
        root.put("seed", options.seed());
        if (options.topLogprobs() > 0) {
            root.put("logprobs", true);
            root.put("top_logprobs", options.topLogprobs());
        }
        return root.toString();
    }

    /** The answer text and per-token log-probs of an OpenAI chat completion body. */
    ChatReply parseReply(String body) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new IOException(name + ": answer from " + endpoint + " is not JSON: " + excerpt(body), e);
        }
        JsonNode choice = root == null ? null : root.path("choices").path(0);
        if (choice == null || choice.isMissingNode()) {
            throw new IOException(name + ": answer from " + endpoint + " has no choices[0]: " + excerpt(body));
        }
        JsonNode content = choice.path("message").path("content");
        if (!content.isTextual() && !content.isNull()) {
            throw new IOException(name + ": choices[0].message.content is not text: " + excerpt(body));
        }
        String text = content.isTextual() ? content.asText() : "";
        List<ChatReply.TokenLogprob> tokens = new ArrayList<>();
        for (JsonNode t : choice.path("logprobs").path("content")) {
            List<ChatReply.Alternative> top = new ArrayList<>();
            for (JsonNode alt : t.path("top_logprobs")) {
                top.add(new ChatReply.Alternative(alt.path("token").asText(), alt.path("logprob").asDouble()));
            }
            tokens.add(new ChatReply.TokenLogprob(t.path("token").asText(), t.path("logprob").asDouble(), top));
        }
        return new ChatReply(text, tokens, body);
    }

    /** The wait a 429 or 503 asks for: {@code Retry-After} in seconds or as an HTTP date; capped. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) return Optional.empty();
        String value = header.get().strip();
        Duration wait;
        try {
            wait = Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                wait = Duration.between(ZonedDateTime.now(when.getZone()), when);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
        if (wait.isNegative()) wait = Duration.ZERO;
        return Optional.of(wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait);
    }

    /** {@code initial · 2^attempt}, capped, times a random factor in [0.5, 1) so that clients do not retry in step. */
    private Duration backoff(int attempt) {
        double exponential = initialBackoff.toMillis() * Math.pow(2, Math.min(attempt, 30));
        double capped = Math.min(exponential, maxBackoff.toMillis());
        return Duration.ofMillis(Math.round(capped * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble())));
    }

    private static void sleep(Duration wait) throws InterruptedIOException {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during retry back-off");
        }
    }

    private static String excerpt(String body) {
        if (body == null) return "(no body)";
        String flat = body.replaceAll("\\s+", " ").strip();
        return flat.length() <= EXCERPT_CHARS ? flat : flat.substring(0, EXCERPT_CHARS) + "…";
    }
}
