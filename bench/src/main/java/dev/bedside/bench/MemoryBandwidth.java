package dev.bedside.bench;

import dev.bedside.tensor.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.DoubleAdder;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import java.nio.ByteOrder;

/** Read bandwidth of main memory, as the decode loop sees it: all cores streaming a buffer far larger than cache. */
public final class MemoryBandwidth {
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;

    private MemoryBandwidth() {}

    /** Median GB/s of several full reads of a 1 GiB off-heap buffer. */
    public static double measureGBs() {
        long bytes = 1L << 30;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(bytes, 64);
            buffer.fill((byte) 1);
            double[] gbs = new double[7];
            for (int r = 0; r < gbs.length; r++) {
                long start = System.nanoTime();
                readAll(buffer);
                gbs[r] = bytes / ((System.nanoTime() - start) / 1e9) / 1e9;
            }
            java.util.Arrays.sort(gbs);
            return gbs[gbs.length / 2];
        }
    }

    private static double readAll(MemorySegment buffer) {
        int chunks = 1024;
        long chunkBytes = buffer.byteSize() / chunks;
        DoubleAdder total = new DoubleAdder();
        Parallel.forRange(chunks, 1, (c0, c1) -> {
            LongVector acc = LongVector.zero(L);
            for (long off = c0 * chunkBytes; off < c1 * chunkBytes; off += L.vectorByteSize()) {
                acc = acc.add(LongVector.fromMemorySegment(L, buffer, off, ByteOrder.LITTLE_ENDIAN));
            }
            total.add(acc.reduceLanes(VectorOperators.ADD));   // keeps the loads from being optimised away
        });
        return total.sum();
    }
}
