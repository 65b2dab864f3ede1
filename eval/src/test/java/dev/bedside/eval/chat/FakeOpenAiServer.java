package dev.bedside.eval.chat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible endpoint on localhost that plays back scripted answers, one per request, in order, and
 * records what it was sent. The last scripted answer repeats once the script runs out.
 */
public final class FakeOpenAiServer implements AutoCloseable {

    /** One scripted answer: wait {@code delayMillis}, then answer {@code status} with these headers and body. */
    public record Answer(int status, Map<String, String> headers, String body, long delayMillis) {
        public static Answer ok(String body) {
            return new Answer(200, Map.of(), body, 0);
        }
    }

    /** What the server received. */
    public record Received(String path, Map<String, List<String>> headers, String body, long nanoTime) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.getFirst();
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private volatile Answer lastAnswer;
    public final List<Received> received = new CopyOnWriteArrayList<>();

    public FakeOpenAiServer(Answer... answers) throws IOException {
        script.addAll(List.of(answers));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body,
            System.nanoTime()));
        Answer answer = script.poll();
        if (answer == null) answer = lastAnswer;
        lastAnswer = answer;
        try {
            if (answer.delayMillis() > 0) Thread.sleep(answer.delayMillis());
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientGone) {
            // the client timed out and closed the connection: nothing to answer
        } finally {
            exchange.close();
        }
    }

    /** The server's root, e.g. {@code http://127.0.0.1:40123}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
