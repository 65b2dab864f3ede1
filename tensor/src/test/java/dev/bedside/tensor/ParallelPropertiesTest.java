package dev.bedside.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** forRange covers every item exactly once, whichever way it runs: crew, pool, nested or concurrent calls. */
class ParallelPropertiesTest {

    private static AtomicIntegerArray cover(int n, int grain) {
        AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 0));
        Parallel.forRange(n, grain, (start, end) -> {
            assertTrue(0 <= start && start <= end && end <= n, "chunk [" + start + ", " + end + ") outside [0, " + n + ")");
            for (int i = start; i < end; i++) hits.incrementAndGet(i);
        });
        return hits;
    }

    private static void assertOnce(AtomicIntegerArray hits) {
        for (int i = 0; i < hits.length(); i++) assertEquals(1, hits.get(i), "item " + i + " run " + hits.get(i) + " times");
    }

    @Property(tries = 60)
    void everyItemRunsExactlyOnce(@ForAll @IntRange(min = 0, max = 1000) int n, @ForAll @IntRange(min = 1, max = 70) int grain) {
        assertOnce(cover(n, grain));
    }

    @Property(tries = 20)
    void nestedCallsRunEveryItemOnce(@ForAll @IntRange(min = 1, max = 300) int outer, @ForAll @IntRange(min = 1, max = 300) int inner) {
        AtomicIntegerArray hits = new AtomicIntegerArray(outer * inner);
        Parallel.forRange(outer, 1, (s, e) -> {
            for (int o = s; o < e; o++) {
                int row = o;
                Parallel.forRange(inner, 1, (a, b) -> { for (int i = a; i < b; i++) hits.incrementAndGet(row * inner + i); });
            }
        });
        assertOnce(hits);
    }

    @Test
    void concurrentCallersEachGetTheirWholeRange() {
        IntStream.range(0, 8).parallel().forEach(t -> {
            for (int rep = 0; rep < 200; rep++) assertOnce(cover(97 + t, 3));
        });
    }

    @Test
    void anExceptionInAnyChunkReachesTheCallerAndTheNextCallStillWorks() {
        for (int failing : new int[] {0, 999}) {
            var e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(1000, 1, (start, end) -> {
                if (start <= failing && failing < end) throw new IllegalStateException("item " + failing);
            }));
            assertEquals("item " + failing, e.getMessage());
            assertOnce(cover(1000, 1));
        }
    }
}
