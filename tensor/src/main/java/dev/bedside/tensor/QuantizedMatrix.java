package dev.bedside.tensor;

/**
 * A frozen weight matrix [rows, cols] in a block-quantized format (Q8_0, Q4_0, NF4): small blocks of a row
 * share a scale, and each weight is a few bits. Kernels never widen the whole matrix: they decode a few rows
 * at a time into a small buffer ({@link #decode}), or fuse decoding into a dot product ({@link #dot}).
 * Each format implements both with Vector API loops in the {@code quant} module.
 */
public interface QuantizedMatrix {

    DType dtype();

    int rows();

    int cols();

    /** Bytes this matrix occupies (codes, scales and any second-level constants). */
    long bytes();

    /** dst[dstOff + i] = W[row, col + i] for i in [0, n); the range lies within one row. */
    void decode(int row, int col, int n, float[] dst, int dstOff);

    /** Σ_i W[row, i] · x[xOff + i] over the whole row: dequantize-and-multiply without a buffer. */
    float dot(int row, float[] x, int xOff);

    /**
     * y[yOff + row] = {@link #dot}(row, x, xOff) for rows [start, end): what decoding one token does per thread.
     * Formats override it with the same loop in their own class, where the call to their {@code dot} is inlined
     * (here it would be one call site shared by every format).
     */
    default void dotRows(int start, int end, float[] x, int xOff, float[] y, int yOff) {
        for (int row = start; row < end; row++) y[yOff + row] = dot(row, x, xOff);
    }

    /**
     * The codes and F32 block scales a device backend uploads once and keeps resident (a fresh copy; the
     * matrix itself is unchanged). Formats without a device layout say so.
     */
    default BlockCodes blockCodes() {
        throw new UnsupportedOperationException(dtype() + " has no device layout");
    }
}
