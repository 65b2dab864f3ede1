package dev.bedside.tornado;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The compiled graphs of a backend's kernels. A kernel's graph is built for buffer sizes rounded up to powers of two,
 * one graph per size class, so what crosses on a call is at most twice what the call needs and a training run with
 * varying sequence lengths compiles each kernel a handful of times, not once per length. A graph that keeps a model's
 * data (the RoPE tables) is keyed weakly by it and closed once it has been collected. (Frozen weights have their own
 * graphs: {@link WeightArena}.)
 */
final class DevicePlans implements AutoCloseable {

    /** A built graph and its typed buffers (a record per kernel in {@link TornadoBackend}). */
    interface Compiled extends AutoCloseable {
        DeviceGraph graph();

        /** Frees the graph's device memory (a record holding several graphs closes each). */
        @Override
        default void close() { graph().close(); }
    }

    /** A key part that refers to its object weakly (a table's storage): cleared once the object is collected. */
    interface WeakKey {
        boolean cleared();

        /** The same key holding its object weakly: what a stored entry keeps (lookups may hold it strongly). */
        WeakKey weakened();
    }

    private final Map<List<Object>, Compiled> entries = new HashMap<>();
    private int getsSincePurge;

    /**
     * The graph for {@code key} in the size class of {@code needed}: its buffers hold {@code needed[i]} rounded up to a
     * power of two; {@code build} gets those capacities.
     */
    @SuppressWarnings("unchecked")
    synchronized <T extends Compiled> T get(List<Object> key, int[] needed, Function<int[], T> build) {
        if (++getsSincePurge >= 1024) purge();
        int[] capacities = new int[needed.length];
        List<Object> classKey = new ArrayList<>(key);
        for (int i = 0; i < needed.length; i++) {
            capacities[i] = powerOfTwoAtLeast(needed[i]);
            classKey.add(capacities[i]);
        }
        Compiled built = entries.get(classKey);
        if (built != null) return (T) built;
        T compiled = build.apply(capacities);
        entries.put(stored(classKey), compiled);
        return compiled;
    }

    /** The key an entry is stored under: its weak parts hold their objects weakly. */
    private static List<Object> stored(List<Object> key) {
        return key.stream().map(part -> part instanceof WeakKey weak ? weak.weakened() : part).toList();
    }

    static int powerOfTwoAtLeast(int n) {
        if (n <= 1) return 1;
        int p = Integer.highestOneBit(n - 1) << 1;
        return p > 0 ? p : n;   // beyond 2^30: exactly n
    }

    /** Closes the graphs of tables that have been garbage-collected (a closed model's), freeing their device memory. */
    synchronized void purge() {
        getsSincePurge = 0;
        entries.entrySet().removeIf(e -> {
            boolean gone = e.getKey().stream().anyMatch(part -> part instanceof WeakKey weak && weak.cleared());
            if (gone) e.getValue().close();
            return gone;
        });
    }

    /** How many graphs are built (one per kernel and size class). */
    synchronized int size() { return entries.size(); }

    @Override
    public synchronized void close() {
        entries.values().forEach(Compiled::close);
        entries.clear();
    }
}
