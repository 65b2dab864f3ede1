package dev.bedside.autograd;

import java.util.SplittableRandom;

/**
 * Randomness for ops that draw during the forward pass (dropout masks), made replayable. Each draw gets a
 * generator that is a pure function of the caller's seed and a per-thread counter, so:
 * <ul>
 *   <li>{@link Checkpoint} rewinds the counter when it recomputes a block, and the block draws the very same
 *       masks again (otherwise its gradients would belong to different masks than its output);</li>
 *   <li>a training checkpoint saves {@link #position()} and a resumed run {@link #seek}s to it, so a resumed
 *       run draws what the uninterrupted one would have.</li>
 * </ul>
 */
public final class RandomStream {
    private static final ThreadLocal<long[]> COUNTER = ThreadLocal.withInitial(() -> new long[1]);

    private RandomStream() {}

    /** A generator for one draw, seeded from {@code seed} and the next counter value. */
    public static SplittableRandom next(long seed) {
        long[] counter = COUNTER.get();
        long position = counter[0]++;
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (position + 1)));
    }

    /** Draws made so far on this thread. */
    public static long position() { return COUNTER.get()[0]; }

    /** Rewinds (or advances) the counter, e.g. to replay a block or to resume a run. */
    public static void seek(long position) { COUNTER.get()[0] = position; }
}
