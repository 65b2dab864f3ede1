package dev.bedside.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed crew of helper threads for {@link Parallel#forRange}, one call at a time. Decoding a token runs
 * about a hundred short matrix-vector products back to back (tens of microseconds each), so waking a parked
 * pool thread for each one costs as much as the work. Here helpers spin briefly after each round, catching the
 * next one without a wake-up, and park only after {@link #SPIN_NANOS} without work.
 */
final class Crew {
    /** How long an idle helper (or the waiting caller) spins before it parks or yields. */
    private static final long SPIN_NANOS = 200_000;

    private final Thread[] helpers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger unfinished = new AtomicInteger();
    /** Bumped once per round, after the round's task is set: helpers watch it. */
    private volatile long round;
    private volatile Parallel.RangeTask task;
    private volatile int n, per;
    private volatile Throwable failure;
    /** The thread running the current round's first chunk, null between rounds. */
    private volatile Thread caller;

    Crew(int helpers) {
        this.helpers = new Thread[helpers];
        for (int i = 0; i < helpers; i++) {
            int chunk = i + 1;   // the caller does chunk 0
            this.helpers[i] = Thread.ofPlatform().daemon().name("bedside-crew-" + chunk).start(() -> work(chunk));
        }
    }

    /**
     * Runs task over [0, n) in helpers+1 contiguous chunks of {@code per} items, the caller doing the first;
     * returns false (running nothing) when the crew is already busy, e.g. a nested or concurrent call.
     */
    boolean run(int n, int per, Parallel.RangeTask task) {
        if (!busy.compareAndSet(false, true)) return false;
        try {
            this.task = task;
            this.n = n;
            this.per = per;
            this.failure = null;
            this.caller = Thread.currentThread();
            unfinished.set(helpers.length);
            round++;
            for (Thread helper : helpers) LockSupport.unpark(helper);   // a spinning helper keeps a permit: harmless
            Throwable own = null;
            try {
                task.run(0, Math.min(n, per));
            } catch (Throwable t) {
                own = t;
            }
            long start = System.nanoTime();
            while (unfinished.get() > 0) {
                if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                else Thread.yield();
            }
            this.task = null;
            this.caller = null;
            Throwable failed = own != null ? own : failure;
            if (failed instanceof RuntimeException e) throw e;
            if (failed instanceof Error e) throw e;
            if (failed != null) throw new IllegalStateException(failed);
            return true;
        } finally {
            busy.set(false);
        }
    }

    /** True on the crew's own threads while they run a round: a call from there must run inline. */
    boolean isWorking() {
        Thread current = Thread.currentThread();
        if (current == caller) return true;
        for (Thread helper : helpers) if (current == helper) return true;
        return false;
    }

    private void work(int chunk) {
        long seen = 0;
        while (true) {
            long start = System.nanoTime();
            while (round == seen) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);   // the next round unparks every helper
                    start = System.nanoTime();
                }
            }
            seen = round;
            int from = chunk * per, to = Math.min(n, from + per);
            try {
                if (from < to) task.run(from, to);
            } catch (Throwable t) {
                failure = t;
            }
            unfinished.decrementAndGet();
        }
    }
}
