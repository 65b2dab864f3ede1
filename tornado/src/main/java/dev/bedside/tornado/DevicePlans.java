package dev.bedside.tornado;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The compiled graphs of a backend. A kernel's graph is built for buffer sizes rounded up to powers of two, one graph
 * per size class ({@link #get}), so what crosses on a call is at most twice what the call needs and a training run with
 * varying sequence lengths compiles each kernel a handful of times, not once per length. A resident weight has one set
 * of graphs whose buffers grow instead ({@link #growing}): a new size class would mean another copy of the weight.
 * Graphs of resident weights are keyed weakly by the weight and closed once it has been collected.
 */
final class DevicePlans implements AutoCloseable {

    /** A built graph and its typed buffers (a record per kernel in {@link TornadoBackend}). */
    interface Compiled extends AutoCloseable {
        DeviceGraph graph();

        /** Frees the graph's device memory (a record holding several graphs closes each). */
        @Override
        default void close() { graph().close(); }
    }

    /** A key part that refers to its object weakly (a weight's storage): cleared once the object is collected. */
    interface WeakKey {
        boolean cleared();

        /** The same key holding its object weakly: what a stored entry keeps (lookups may hold it strongly). */
        WeakKey weakened();
    }

    private record Entry(int[] capacities, Compiled compiled) {}

    private final Map<List<Object>, Entry> entries = new HashMap<>();
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
        Entry entry = entries.get(classKey);
        if (entry != null) return (T) entry.compiled;
        T compiled = build.apply(capacities);
        entries.put(stored(classKey), new Entry(capacities, compiled));
        return compiled;
    }

    /**
     * The one graph for {@code key} (a resident weight's) whose buffers hold at least {@code needed[i]} elements each:
     * when a call needs more, it is closed and built again with capacities of the next powers of two.
     */
    @SuppressWarnings("unchecked")
    synchronized <T extends Compiled> T growing(List<Object> key, int[] needed, Function<int[], T> build) {
        if (++getsSincePurge >= 1024) purge();
        Entry entry = entries.get(key);
        if (entry != null && fits(needed, entry.capacities)) return (T) entry.compiled;
        int[] capacities = new int[needed.length];
        for (int i = 0; i < needed.length; i++) {
            int previous = entry == null ? 0 : entry.capacities[i];
            capacities[i] = Math.max(previous, powerOfTwoAtLeast(needed[i]));
        }
        if (entry != null) entry.compiled.close();
        T compiled = build.apply(capacities);
        entries.put(stored(key), new Entry(capacities, compiled));
        return compiled;
    }

    /** The key an entry is stored under: its weights' parts hold them weakly. */
    private static List<Object> stored(List<Object> key) {
        return key.stream().map(part -> part instanceof WeakKey weak ? weak.weakened() : part).toList();
    }

    private static boolean fits(int[] needed, int[] capacities) {
        for (int i = 0; i < needed.length; i++) if (needed[i] > capacities[i]) return false;
        return true;
    }

    static int powerOfTwoAtLeast(int n) {
        if (n <= 1) return 1;
        int p = Integer.highestOneBit(n - 1) << 1;
        return p > 0 ? p : n;   // beyond 2^30: exactly n
    }

    /** Closes the graphs of weights that have been garbage-collected (a closed model's), freeing their device memory. */
    synchronized void purge() {
        getsSincePurge = 0;
        entries.entrySet().removeIf(e -> {
            boolean gone = e.getKey().stream().anyMatch(part -> part instanceof WeakKey weak && weak.cleared());
            if (gone) e.getValue().compiled.close();
            return gone;
        });
    }

    /** How many graphs are built (one per kernel, one per resident weight). */
    synchronized int size() { return entries.size(); }

    @Override
    public synchronized void close() {
        entries.values().forEach(e -> e.compiled.close());
        entries.clear();
    }
}
