package dev.bedside.quant;

import dev.bedside.tensor.DType;
import dev.bedside.tensor.cpu.VectorMath;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.bedside.quant.Blocks.B;
import static dev.bedside.quant.Blocks.F;

/**
 * GGUF Q8_0, exactly llama.cpp's layout: each row is cols/32 blocks of 34 bytes, an F16 scale d then 32 int8
 * q; weight = d·q. On load the blocks are split into heap arrays of codes and scales, as {@link Q4_0Matrix}
 * does and for the same reason.
 */
public final class Q8_0Matrix extends GgufBlockMatrix {
    public static final int BLOCK_BYTES = 34;

    private Q8_0Matrix(MemorySegment blocks, int rows, int cols) {
        super(DType.Q8_0, BLOCK_BYTES, blocks, rows, cols);
    }

    /** Copies rows·cols/32 blocks in row-major order into the matrix; cols must be a multiple of 32. */
    public static Q8_0Matrix of(MemorySegment blocks, int rows, int cols) {
        return new Q8_0Matrix(blocks, rows, cols);
    }

    @Override
    public void decodeScalar(int row, int col, int n, float[] dst, int dstOff) {
        Blocks.checkRange("Q8_0", rows, cols, row, col, n);
        for (int i = 0; i < n; i++) {
            int c = col + i, block = row * rowBlocks + c / BLOCK_SIZE;
            dst[dstOff + i] = Float.float16ToFloat(scales[block]) * quants[block * BLOCK_SIZE + c % BLOCK_SIZE];
        }
    }

    @Override
    public void decode(int row, int col, int n, float[] dst, int dstOff) {
        Blocks.checkRange("Q8_0", rows, cols, row, col, n);
        // Head up to a block boundary, whole blocks as vectors, then the tail: scalar where not whole.
        int head = Math.min(n, (BLOCK_SIZE - col % BLOCK_SIZE) % BLOCK_SIZE);
        if (head > 0) decodeScalar(row, col, head, dst, dstOff);
        int i = head;
        for (; i + BLOCK_SIZE <= n; i += BLOCK_SIZE) {
            int block = row * rowBlocks + (col + i) / BLOCK_SIZE;
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(scales[block]));
            for (int j = 0; j < BLOCK_SIZE; j += F.length()) {
                ByteVector q = ByteVector.fromArray(B, quants, block * BLOCK_SIZE + j);
                ((FloatVector) q.convertShape(VectorOperators.B2F, F, 0)).mul(d).intoArray(dst, dstOff + i + j);
            }
        }
        if (i < n) decodeScalar(row, col + i, n - i, dst, dstOff + i);
    }

    /** Σ d·q·x per block: the int8 lanes widen to floats, a block's products are summed, then scaled once. */
    @Override
    public float dot(int row, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        int block = row * rowBlocks;
        for (int b = 0; b < cols; b += BLOCK_SIZE, block++) {
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0; j < BLOCK_SIZE; j += F.length()) {
                ByteVector q = ByteVector.fromArray(B, quants, block * BLOCK_SIZE + j);
                sum = ((FloatVector) q.convertShape(VectorOperators.B2F, F, 0)).fma(FloatVector.fromArray(F, x, xOff + b + j), sum);
            }
            acc = sum.fma(FloatVector.broadcast(F, Float.float16ToFloat(scales[block])), acc);
        }
        return VectorMath.sumLanes(acc);
    }

    /** The row loop here, not at the caller, so {@link #dot} is inlined into it. */
    @Override
    public void dotRows(int start, int end, float[] x, int xOff, float[] y, int yOff) {
        for (int row = start; row < end; row++) y[yOff + row] = dot(row, x, xOff);
    }
}
