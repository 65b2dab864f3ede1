package dev.bedside.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a range of independent work items over the cores, sized to the machine ({@code -Dbedside.threads=N}
 * overrides): a {@link Crew} of spinning helpers when free, else a shared pool; small ranges and calls from
 * inside a parallel task run on the calling thread.
 */
public final class Parallel {
    private static final int THREADS = Integer.getInteger("bedside.threads", Runtime.getRuntime().availableProcessors());
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;
    /** Spinning helpers for the common case, one call at a time; concurrent calls use the pool. */
    private static final Crew CREW = THREADS > 1 && !Boolean.getBoolean("bedside.noCrew") ? new Crew(THREADS - 1) : null;

    private Parallel() {}

    /** Work over items [start, end). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    public static int threads() { return THREADS; }

    /**
     * Runs {@code task} over [0, n) in at most {@link #threads()} contiguous chunks; chunks are multiples of
     * {@code grain} (except the last) so each covers enough work to be worth a thread.
     */
    public static void forRange(int n, int grain, RangeTask task) {
        if (n <= 0) return;
        int chunks = Math.min(THREADS, (n + grain - 1) / Math.max(grain, 1));
        if (chunks <= 1 || POOL == null || ForkJoinTask.inForkJoinPool() || CREW != null && CREW.isWorking()) {
            task.run(0, n);
            return;
        }
        int per = (n + chunks - 1) / chunks;
        if (CREW != null && CREW.run(n, per, task)) return;
        List<ForkJoinTask<?>> tasks = new ArrayList<>(chunks);
        for (int c = 1; c < chunks; c++) {
            int start = c * per, end = Math.min(n, start + per);
            if (start < end) tasks.add(POOL.submit(() -> task.run(start, end)));
        }
        task.run(0, Math.min(n, per));   // the caller does the first chunk itself
        for (ForkJoinTask<?> t : tasks) t.join();
    }
}
