package dev.bedside.cli.serve;

import dev.bedside.autograd.Autograd;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Continuous batching on one thread. Requests wait in a bounded FIFO queue (full: {@link #submit} refuses, the
 * handler answers 429); up to {@code maxActive} of them generate at once, each with its own KV cache. Every
 * round the scheduler first admits waiting requests into free slots (prefilling their prompts), then takes one
 * decode step for every active sequence, grouped by adapter so each group runs with its own weights. A
 * finished or cancelled sequence leaves at the next round and its slot is taken by the next in line.
 */
final class Scheduler implements AutoCloseable {
    private final Engine engine;
    private final int maxActive;
    private final BlockingQueue<Sequence> queue;
    private final List<Sequence> active = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile int activeCount;
    private final AtomicLong finished = new AtomicLong(), cancelled = new AtomicLong();

    Scheduler(Engine engine, int maxActive, int queueSize) {
        this.engine = engine;
        this.maxActive = maxActive;
        this.queue = new ArrayBlockingQueue<>(queueSize, true);
        this.thread = Thread.ofPlatform().name("bedside-scheduler").daemon().start(this::loop);
    }

    /** Queues a request; false when the queue is full. */
    boolean submit(Sequence s) {
        return !closed && queue.offer(s);
    }

    /** Takes a request back out of the queue (its client left before it started): its place is free at once. */
    void withdraw(Sequence s) {
        s.cancel();
        if (queue.remove(s)) cancelled.incrementAndGet();
    }

    int active() { return activeCount; }

    int queued() { return queue.size(); }

    long finished() { return finished.get(); }

    long cancelled() { return cancelled.get(); }

    private void loop() {
        try (var scope = Autograd.noGrad()) {
            while (!closed) {
                try {
                    admit();
                    step();
                } catch (InterruptedException e) {
                    break;
                } catch (RuntimeException | OutOfMemoryError e) {
                    // Outside any one sequence (or out of memory): fail what is running, free its caches, keep serving.
                    System.err.println("bedside serve: scheduler step failed: " + e);
                    for (Sequence s : active) s.fail(new ApiError(500, "server_error", "generation failed inside the server", null, "internal_error"));
                    active.clear();
                    activeCount = 0;
                }
            }
        }
        for (Sequence s : active) s.fail(new ApiError(503, "server_error", "the server is shutting down", null, "shutting_down"));
        for (Sequence s; (s = queue.poll()) != null; ) s.fail(new ApiError(503, "server_error", "the server is shutting down", null, "shutting_down"));
    }

    /** Fills free slots from the queue, oldest first; waits for work when nothing is active. */
    private void admit() throws InterruptedException {
        while (active.size() < maxActive) {
            Sequence s = active.isEmpty() ? queue.poll(100, TimeUnit.MILLISECONDS) : queue.poll();
            if (s == null) break;
            if (s.cancelled()) {
                cancelled.incrementAndGet();
                continue;
            }
            try {
                engine.prefill(s);
                active.add(s);
            } catch (RuntimeException e) {
                fail(s, e);
            }
        }
        activeCount = active.size();
    }

    /** Samples one token for every active sequence, then feeds those tokens to the model, one batch per adapter. */
    private void step() {
        Map<String, List<Sequence>> byAdapter = new LinkedHashMap<>();
        for (Sequence s : List.copyOf(active)) {
            boolean goesOn;
            if (s.cancelled()) {
                cancelled.incrementAndGet();
                s.release();
                goesOn = false;
            } else {
                try {
                    goesOn = s.advance(engine.tokenizer, engine.eosIds);
                    if (!goesOn) finished.incrementAndGet();
                } catch (RuntimeException e) {
                    fail(s, e);
                    goesOn = false;
                }
            }
            if (goesOn) byAdapter.computeIfAbsent(s.adapter == null ? "" : s.adapter, k -> new ArrayList<>()).add(s);
            else active.remove(s);
        }
        activeCount = active.size();
        for (List<Sequence> group : byAdapter.values()) {
            try {
                engine.decode(group);
            } catch (RuntimeException e) {
                for (Sequence s : group) {
                    fail(s, e);
                    active.remove(s);
                }
            }
        }
    }

    /** A failure inside the model is the server's fault: logged here, a 500 without internals for the client. */
    private static void fail(Sequence s, RuntimeException e) {
        System.err.println("bedside serve: generation failed: " + e);
        s.fail(new ApiError(500, "server_error", "generation failed inside the server", null, "internal_error"));
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(10_000);
    }
}
