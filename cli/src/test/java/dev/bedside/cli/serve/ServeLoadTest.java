package dev.bedside.cli.serve;

import static dev.bedside.cli.serve.TestServer.JSON;
import static dev.bedside.cli.serve.TestServer.chat;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Many clients at once, a full queue, and clients that walk away mid-stream. */
class ServeLoadTest {

    /** A streaming chat request on a raw socket, read up to its first event: the client holds a slot until it closes. */
    private static Socket openStream(TestServer server, int maxTokens) throws Exception {
        Socket socket = new Socket("127.0.0.1", server.server.port());
        byte[] body = chat("tiny-llama31", "Go on forever", maxTokens, "\"stream\":true").getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }

    private static void awaitFirstEvent(Socket socket) throws Exception {
        socket.setSoTimeout(60_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String line = in.readLine();
        assertTrue(line.startsWith("HTTP/1.1 200"), line);
        while ((line = in.readLine()) != null && !line.startsWith("data: ")) { /* headers, chunk sizes */ }
        assertNotNull(line, "the stream ended before its first event");
    }

    private static void await(String what, BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) fail("not within " + millis + " ms: " + what);
            Thread.sleep(10);
        }
    }

    private static int health(TestServer server, String field) {
        try {
            return server.health().get(field).asInt();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFullQueueAnswers429AndADisconnectFreesItsSlotAtOnce() throws Exception {
        try (TestServer server = TestServer.start("--max-concurrent", "1", "--queue-size", "1", "--context", "32768")) {
            Socket first = openStream(server, 30000);
            awaitFirstEvent(first);                              // generating: the one slot is taken
            Socket second = openStream(server, 30000);
            await("the second request waits in the queue", () -> health(server, "queued") == 1, 10_000);

            HttpResponse<String> refused = server.post("/v1/chat/completions", chat("tiny-llama31", "hi", 2, ""));
            assertEquals(429, refused.statusCode(), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
            assertEquals("queue_full", JSON.readTree(refused.body()).get("error").get("code").asText());

            // A queued client that leaves gives its place back before it ever started (the stream's keep-alive finds it gone).
            second.close();
            await("the queued request is withdrawn", () -> health(server, "queued") == 0 && health(server, "cancelled") == 1, 10_000);
            Socket third = openStream(server, 30000);
            await("the third request waits in the queue", () -> health(server, "queued") == 1, 10_000);

            // 30000 tokens take far longer than this: the slot is freed because the client left, not because it finished.
            first.close();
            awaitFirstEvent(third);                              // the queued request gets the slot
            await("the first request is counted as cancelled", () -> health(server, "cancelled") == 2, 5_000);
            third.close();
            await("the slot is free again", () -> health(server, "active") == 0 && health(server, "cancelled") == 3, 5_000);
            assertEquals(0, health(server, "finished"));
            assertEquals(200, server.post("/v1/chat/completions", chat("tiny-llama31", "hi", 2, "")).statusCode());
        }
    }

    @Test
    void thirtyTwoClientsGetEveryAnswerAndNoneMixedUp() throws Exception {
        int clients = 32, perClient = 8, prompts = 16, maxTokens = 5;
        try (TestServer server = TestServer.start("--max-concurrent", "8", "--queue-size", "64")) {
            // Each prompt served alone first: what it must answer under load too.
            List<Answer> alone = new ArrayList<>();
            for (int p = 0; p < prompts; p++) alone.add(Answer.of(server, "tiny-llama31", question(p), maxTokens, false));
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            List<String> problems = Collections.synchronizedList(new ArrayList<>());
            ConcurrentHashMap<Integer, Integer> served = new ConcurrentHashMap<>();
            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> futures = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    futures.add(pool.submit(() -> {
                        for (int k = 0; k < perClient; k++) {
                            int p = (client * 7 + k * 3) % prompts;
                            long t0 = System.nanoTime();
                            try {
                                Answer answer = Answer.of(server, "tiny-llama31", question(p), maxTokens, (client + k) % 4 == 0);
                                latencies.add(System.nanoTime() - t0);
                                String problem = alone.get(p).differenceFrom(answer);
                                if (problem != null) problems.add("prompt " + p + ": " + problem);
                                served.merge(p, 1, Integer::sum);
                            } catch (Exception | AssertionError e) {
                                problems.add("client " + client + " request " + k + ": " + e);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(List.of(), problems);
            assertEquals(clients * perClient, latencies.size());
            assertEquals(clients * perClient, served.values().stream().mapToInt(Integer::intValue).sum());
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            System.out.printf("serve load: %d clients, %d requests of %d tokens in %.1f s (%.1f req/s); latency ms p50 %.0f, p95 %.0f, p99 %.0f, max %.0f%n",
                    clients, sorted.size(), maxTokens, seconds, sorted.size() / seconds, ms(sorted, 0.50), ms(sorted, 0.95), ms(sorted, 0.99),
                    sorted.getLast() / 1e6);
            assertEquals(0, health(server, "active"));
        }
    }

    private static String question(int p) {
        return "Question " + p + ": what helps on a hard day number " + (p * 37 % 11) + "?";
    }

    private static double ms(List<Long> sorted, double q) {
        int index = (int) Math.ceil(q * sorted.size()) - 1;   // nearest-rank percentile
        return sorted.get(Math.max(0, index)) / 1e6;
    }
}
