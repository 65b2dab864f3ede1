package dev.bedside.quant;

import dev.bedside.tensor.DType;
import dev.bedside.tensor.QuantizedMatrix;
import java.lang.foreign.MemorySegment;

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
    private final DType dtype;
    private final long bytes;

    GgufBlockMatrix(DType dtype, int blockBytes, MemorySegment blocks, int rows, int cols) {
        this.bytes = Blocks.checkShape(dtype.name(), blocks, rows, cols, blockBytes);
        this.dtype = dtype;
        this.rows = rows;
        this.cols = cols;
        this.rowBlocks = cols / BLOCK_SIZE;
    }

    /** The blocks, row-major, exactly as GGUF stores them. */
    public abstract MemorySegment blocks();

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
