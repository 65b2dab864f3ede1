package dev.bedside.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** The real server on a free loopback port with the tiny fixture model, and an HTTP client that talks to it. */
public final class TestServer implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    public final OpenAiServer server;
    public final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String apiKey;

    public static Path tinyModel() {
        Path tiny = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures", "tiny-llama31");
        Assumptions.assumeTrue(Files.isDirectory(tiny), "../shared/fixtures/tiny-llama31 absent: skipping server tests");
        return tiny;
    }

    /** Starts on port 0 with {@code options} after --model; {@code env} feeds --api-key-env. */
    public static TestServer start(Map<String, String> env, String... options) throws Exception {
        List<String> argv = new ArrayList<>(List.of("--model", tinyModel().toString(), "--port", "0"));
        argv.addAll(List.of(options));
        return new TestServer(ServeCommand.start(argv.toArray(String[]::new), env));
    }

    public static TestServer start(String... options) throws Exception {
        return start(Map.of(), options);
    }

    private TestServer(OpenAiServer server) { this.server = server; }

    public TestServer withKey(String key) {
        this.apiKey = key;
        return this;
    }

    public URI uri(String path) { return URI.create("http://127.0.0.1:" + server.port() + path); }

    public HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) request.header("Authorization", "Bearer " + apiKey);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).GET();
        if (apiKey != null) request.header("Authorization", "Bearer " + apiKey);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public JsonNode postJson(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = post(path, body);
        if (response.statusCode() != 200) throw new AssertionError(response.statusCode() + ": " + response.body());
        return JSON.readTree(response.body());
    }

    public JsonNode health() throws IOException, InterruptedException {
        return JSON.readTree(get("/health").body());
    }

    /** The events of a server-sent-event body: each "data: ..." payload in order ("[DONE]" included); comments skipped. */
    public static List<String> events(String body) {
        List<String> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isBlank() || block.startsWith(":")) continue;
            if (!block.startsWith("data: ")) throw new AssertionError("not an SSE data event: " + block);
            events.add(block.substring("data: ".length()));
        }
        return events;
    }

    /** A chat request body: one user message, greedy, {@code extra} JSON members appended. */
    public static String chat(String model, String user, int maxTokens, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":" + quote(user) + "}],\"max_tokens\":" + maxTokens
                + ",\"temperature\":0" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    public static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
