package dev.bedside.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP side: the JDK's server, one virtual thread per exchange, every path through {@link #handle} so
 * that authentication, routing and errors are the same everywhere. Routes: {@code GET /health},
 * {@code GET /v1/models[/{id}]}, {@code POST /v1/chat/completions}, {@code POST /v1/completions}.
 */
public final class OpenAiServer implements AutoCloseable {
    private final HttpServer http;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Engine engine;
    private final Scheduler scheduler;
    private final ServeOptions options;
    private final CompletionHandler completions;
    private final byte[] apiKeyHash;
    private final long created = System.currentTimeMillis() / 1000;

    private OpenAiServer(Engine engine, ServeOptions options) throws IOException {
        this.engine = engine;
        this.options = options;
        this.apiKeyHash = options.apiKey() == null ? null : sha256(options.apiKey());
        this.scheduler = new Scheduler(engine, options.maxConcurrent(), options.queueSize());
        this.completions = new CompletionHandler(engine, scheduler, options);
        this.http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 128);
        http.setExecutor(threads);
        http.createContext("/", this::handle);
        http.start();
    }

    static OpenAiServer start(Engine engine, ServeOptions options) throws IOException {
        return new OpenAiServer(engine, options);
    }

    /** The port it listens on (the one the system chose when started with port 0). */
    public int port() { return http.getAddress().getPort(); }

    public String host() { return http.getAddress().getHostString(); }

    /** The ids clients may name in "model": the base model's, then each adapter's. */
    public java.util.List<String> modelIds() { return options.modelIds(engine.adapters.names()); }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            try {
                authorize(exchange);
                route(exchange);
            } catch (ApiError e) {
                sendError(exchange, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client went away while we read or wrote: nothing to answer
            } catch (RuntimeException e) {
                System.err.println("bedside serve: " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " failed: " + e);
                sendError(exchange, new ApiError(500, "server_error", "the server failed on this request", null, "internal_error"));
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException, InterruptedException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        switch (path) {
            case "/health", "/v1/models" -> {
                requireMethod(exchange, "GET");
                sendJson(exchange, 200, path.equals("/health") ? health() : Wire.modelList(options.modelIds(engine.adapters.names()), created));
            }
            case "/v1/chat/completions", "/v1/completions" -> {
                requireMethod(exchange, "POST");
                completions.handle(exchange, readBody(exchange), path.equals("/v1/chat/completions"));
            }
            default -> {
                if (path.startsWith("/v1/models/") && method.equals("GET")) {
                    String id = path.substring("/v1/models/".length());
                    JsonNode model = null;
                    for (JsonNode m : Wire.modelList(options.modelIds(engine.adapters.names()), created).get("data")) {
                        if (m.get("id").asText().equals(id)) model = m;
                    }
                    if (model == null) throw new ApiError(404, "invalid_request_error", "the model '" + id + "' does not exist", "model", "model_not_found");
                    sendJson(exchange, 200, model);
                } else {
                    throw new ApiError(404, "invalid_request_error", "no route " + method + " " + path
                            + " (try POST /v1/chat/completions, POST /v1/completions, GET /v1/models, GET /health)", null, "not_found");
                }
            }
        }
    }

    private ObjectNode health() {
        ObjectNode health = Wire.JSON.createObjectNode();
        health.put("status", "ok");
        health.put("model", options.baseModelId());
        health.put("active", scheduler.active());
        health.put("queued", scheduler.queued());
        health.put("finished", scheduler.finished());
        health.put("cancelled", scheduler.cancelled());
        return health;
    }

    private static void requireMethod(HttpExchange exchange, String method) {
        if (!exchange.getRequestMethod().equals(method)) {
            exchange.getResponseHeaders().set("Allow", method);
            throw new ApiError(405, "invalid_request_error", exchange.getRequestURI().getPath() + " takes " + method + ", not "
                    + exchange.getRequestMethod(), null, "method_not_allowed");
        }
    }

    /** With an API key, the request must carry "Authorization: Bearer KEY"; compared in constant time (of equal-length hashes). */
    private void authorize(HttpExchange exchange) {
        if (apiKeyHash == null) return;
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : "";
        if (!MessageDigest.isEqual(apiKeyHash, sha256(given))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new ApiError(401, "invalid_request_error", header == null ? "missing API key: send the header 'Authorization: Bearer KEY'"
                    : "incorrect API key", null, "invalid_api_key");
        }
    }

    /** The body, refused with 413 past the configured limit (checked before reading when the length is declared). */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        int limit = options.maxBodyBytes();
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                throw ApiError.invalid("Content-Length '" + declared + "' is not a number", null);
            }
            if (length > limit) throw tooLarge(length + " bytes", limit);
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) throw tooLarge("more than " + limit + " bytes", limit);
            return body;
        }
    }

    private static ApiError tooLarge(String size, int limit) {
        return new ApiError(413, "invalid_request_error", "the request body is " + size + "; the limit is " + limit
                + " bytes (--max-body-bytes)", null, "request_too_large");
    }

    static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Wire.JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void sendError(HttpExchange exchange, ApiError e) {
        if (exchange.getResponseCode() != -1) return;   // headers already sent (a stream): nothing more can be said
        if (e.status == 429) exchange.getResponseHeaders().set("Retry-After", "1");
        try {
            sendJson(exchange, e.status, Wire.error(e));
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Stops accepting, fails what is still queued or generating, and waits for the scheduler. */
    @Override
    public void close() throws InterruptedException {  // also closes the model
        http.stop(0);
        scheduler.close();
        threads.shutdownNow();
        try {
            engine.model.close();
        } catch (Exception e) {
            System.err.println("bedside serve: closing the model: " + e);
        }
    }
}
