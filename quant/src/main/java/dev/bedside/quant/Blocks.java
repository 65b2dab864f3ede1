package dev.bedside.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** What the GGUF block formats share: F16 scales read from little-endian bytes, shape checks, and the vector species. */
final class Blocks {
    private Blocks() {}

    static final ValueLayout.OfShort F16_BITS = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** As many byte lanes as float lanes: one byte load widens to one float vector. */
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(F.vectorBitSize() / 4));

    /**
     * After a matrix has copied its blocks out of a memory-mapped file, tells the OS it may drop those file pages
     * from memory (they stay mapped and would come back on access), so the copy does not double the resident size.
     */
    static void releaseMapped(MemorySegment blocks) {
        if (blocks.isMapped()) blocks.unload();
    }

    /** Checks shared by the 32-element GGUF formats; returns the expected byte size. */
    static long checkShape(String format, MemorySegment blocks, int rows, int cols, int blockBytes) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException(format + ": negative shape [" + rows + ", " + cols + "]");
        if (cols % 32 != 0) {
            throw new IllegalArgumentException(format + ": rows of " + cols + " columns are not a whole number of 32-element blocks"
                    + " (shape [" + rows + ", " + cols + "])");
        }
        long expected = (long) rows * (cols / 32) * blockBytes;
        if (blocks.byteSize() != expected) {
            throw new IllegalArgumentException(format + ": " + blocks.byteSize() + " bytes of blocks, shape [" + rows + ", " + cols
                    + "] needs " + expected);
        }
        return expected;
    }

    static void checkRange(String format, int rows, int cols, int row, int col, int n) {
        if (row < 0 || row >= rows || col < 0 || n < 0 || col + n > cols) {
            throw new IndexOutOfBoundsException(format + ": decode row " + row + " columns [" + col + ", " + (col + n)
                    + ") outside [" + rows + ", " + cols + "]");
        }
    }
}
