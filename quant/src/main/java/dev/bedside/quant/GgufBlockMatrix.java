package dev.bedside.quant;

import dev.bedside.tensor.BlockCodes;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.QuantizedMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What llama.cpp's 32-element block formats (Q8_0, Q4_0) share: rows of cols/32 blocks, each an F16 scale
 * and its codes, and the plain dot product the vector kernels are tested against. Each format adds its block
 * layout: where the blocks are kept, decode and dot.
 */
abstract sealed class GgufBlockMatrix implements QuantizedMatrix permits Q8_0Matrix, Q4_0Matrix {
    static final int BLOCK_SIZE = 32;

    final int rows, cols;
    /** Blocks in one row: cols / 32. */
    final int rowBlocks;
    /** Block b's codes are quants[codeBytes·b …]; its F16 scale is scales[b]; blocks in row-major order. */
    final byte[] quants;
    final short[] scales;
    private final int codeBytes;
    private final DType dtype;
    private final long bytes;

    /**
     * Splits GGUF blocks (an F16 scale, then {@code blockBytes − 2} code bytes) into the two heap arrays the
     * kernels read; a mapped file's pages are released afterwards (see {@link Blocks#releaseMapped}).
     */
    GgufBlockMatrix(DType dtype, int blockBytes, MemorySegment blocks, int rows, int cols) {
        this.bytes = Blocks.checkShape(dtype.name(), blocks, rows, cols, blockBytes);
        this.dtype = dtype;
        this.rows = rows;
        this.cols = cols;
        this.rowBlocks = cols / BLOCK_SIZE;
        this.codeBytes = blockBytes - 2;
        long count = blocks.byteSize() / blockBytes;
        if (count * codeBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(dtype + ": shape [" + rows + ", " + cols + "] has " + count * codeBytes
                    + " code bytes, more than one Java array holds");
        }
        quants = new byte[(int) count * codeBytes];
        scales = new short[(int) count];
        for (int b = 0; b < count; b++) {
            long at = (long) b * blockBytes;
            scales[b] = blocks.get(Blocks.F16_BITS, at);
            MemorySegment.copy(blocks, ValueLayout.JAVA_BYTE, at + 2, quants, b * codeBytes, codeBytes);
        }
        Blocks.releaseMapped(blocks);
    }

    /** The blocks, row-major, interleaved again exactly as GGUF stores them (a new heap segment, for writing files). */
    public MemorySegment blocks() {
        int blockBytes = codeBytes + 2;
        MemorySegment out = MemorySegment.ofArray(new byte[scales.length * blockBytes]);
        for (int b = 0; b < scales.length; b++) {
            long at = (long) b * blockBytes;
            out.set(Blocks.F16_BITS, at, scales[b]);
            MemorySegment.copy(quants, b * codeBytes, out, ValueLayout.JAVA_BYTE, at + 2, codeBytes);
        }
        return out;
    }

    /** The codes as they are kept here, each block's F16 scale widened to F32 (exact). */
    @Override
    public BlockCodes blockCodes() {
        float[] wide = new float[scales.length];
        for (int b = 0; b < scales.length; b++) wide[b] = Float.float16ToFloat(scales[b]);
        return new BlockCodes(dtype, rows, cols, BLOCK_SIZE, quants.clone(), wide, new float[0]);
    }

    @Override public DType dtype() { return dtype; }
    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public long bytes() { return bytes; }

    /** The plain definition, element by element: the reference the vector loops are tested against. */
    public abstract void decodeScalar(int row, int col, int n, float[] dst, int dstOff);

    /** The plain definition of {@link #dot}, for tests: the decoded row times x, summed in double. */
    public float dotScalar(int row, float[] x, int xOff) {
        float[] w = new float[cols];
        decodeScalar(row, 0, cols, w, 0);
        double sum = 0;
        for (int i = 0; i < cols; i++) sum += (double) w[i] * x[xOff + i];
        return (float) sum;
    }

    @Override
    public String toString() { return dtype + "Matrix[" + rows + ", " + cols + "]"; }
}
