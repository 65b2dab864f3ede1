package dev.bedside.quant;

import dev.bedside.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.bedside.quant.Blocks.B;
import static dev.bedside.quant.Blocks.F;

/**
 * GGUF Q8_0, exactly llama.cpp's layout: each row is cols/32 blocks of 34 bytes, an F16 scale d then 32 int8
 * q; weight = d·q. The blocks are used where they lie (a memory-mapped GGUF file or our own quantizer's output).
 */
public final class Q8_0Matrix extends GgufBlockMatrix {
    public static final int BLOCK_BYTES = 34;

    private Q8_0Matrix(MemorySegment blocks, int rows, int cols) {
        super(DType.Q8_0, BLOCK_BYTES, blocks, rows, cols);
    }

    /** Wraps rows·cols/32 blocks in row-major order (no copy); cols must be a multiple of 32. */
    public static Q8_0Matrix of(MemorySegment blocks, int rows, int cols) {
        return new Q8_0Matrix(blocks, rows, cols);
    }

    @Override
    public void decodeScalar(int row, int col, int n, float[] dst, int dstOff) {
        Blocks.checkRange("Q8_0", rows, cols, row, col, n);
        for (int i = 0; i < n; i++) {
            int c = col + i;
            long at = row * rowBytes + (long) (c / BLOCK_SIZE) * BLOCK_BYTES;
            dst[dstOff + i] = Blocks.scale(blocks, at) * blocks.get(ValueLayout.JAVA_BYTE, at + 2 + c % BLOCK_SIZE);
        }
    }

    @Override
    public void decode(int row, int col, int n, float[] dst, int dstOff) {
        Blocks.checkRange("Q8_0", rows, cols, row, col, n);
        int i = 0;
        // Head up to a block boundary, whole blocks as vectors, then the tail: scalar where not whole.
        int head = Math.min(n, (BLOCK_SIZE - col % BLOCK_SIZE) % BLOCK_SIZE);
        if (head > 0) decodeScalar(row, col, head, dst, dstOff);
        i = head;
        for (; i + BLOCK_SIZE <= n; i += BLOCK_SIZE) {
            long at = row * rowBytes + (long) ((col + i) / BLOCK_SIZE) * BLOCK_BYTES;
            FloatVector d = FloatVector.broadcast(F, Blocks.scale(blocks, at));
            for (int j = 0; j < BLOCK_SIZE; j += F.length()) {
                ByteVector q = ByteVector.fromMemorySegment(B, blocks, at + 2 + j, ByteOrder.LITTLE_ENDIAN);
                ((FloatVector) q.convertShape(VectorOperators.B2F, F, 0)).mul(d).intoArray(dst, dstOff + i + j);
            }
        }
        if (i < n) decodeScalar(row, col + i, n - i, dst, dstOff + i);
    }

    /** Σ d·q·x per block: the int8 lanes widen to floats, a block's products are summed, then scaled once. */
    @Override
    public float dot(int row, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        long at = row * rowBytes;
        for (int b = 0; b < cols; b += BLOCK_SIZE, at += BLOCK_BYTES) {
            FloatVector block = FloatVector.zero(F);
            for (int j = 0; j < BLOCK_SIZE; j += F.length()) {
                ByteVector q = ByteVector.fromMemorySegment(B, blocks, at + 2 + j, ByteOrder.LITTLE_ENDIAN);
                block = ((FloatVector) q.convertShape(VectorOperators.B2F, F, 0)).fma(FloatVector.fromArray(F, x, xOff + b + j), block);
            }
            acc = block.fma(FloatVector.broadcast(F, Blocks.scale(blocks, at)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
