package dev.bedside.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events as OpenAI streams them: one {@code data: <json>} event per chunk, each flushed at once,
 * and {@code data: [DONE]} at the end. A write that fails means the client went away.
 */
final class SseWriter {
    private final OutputStream out;

    SseWriter(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);   // 0: chunked, length unknown
        this.out = exchange.getResponseBody();
    }

    void send(JsonNode event) throws IOException {
        write("data: " + Wire.JSON.writeValueAsString(event) + "\n\n");
    }

    /** A comment line: ignored by clients, it keeps the connection busy and shows whether the client is still there. */
    void comment(String text) throws IOException {
        write(": " + text + "\n\n");
    }

    void done() throws IOException {
        write("data: [DONE]\n\n");
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
