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
 * GGUF Q4_0, exactly llama.cpp's layout: each row is cols/32 blocks of 18 bytes, an F16 scale d then 16
 * bytes; byte j holds element j in its low nibble and element j+16 in its high nibble; weight = d·(q − 8).
 *
 * <p>On load the blocks are split into two heap arrays, the 16 code bytes of every block in {@code quants}
 * and the F16 scales in {@code scales} (the same bytes, so the same memory; a mapped file's pages are
 * released after the copy). The decode kernel then reads plain arrays: vector loads from memory segments go through
 * checks whose type profile is shared by every segment in the program, and with the mapped file and arena
 * copies both flowing through them decoding ran about 1.5× slower.
 */
public final class Q4_0Matrix extends GgufBlockMatrix {
    public static final int BLOCK_BYTES = 18;
    /** Code bytes per block: 32 four-bit codes. */
    private static final int CODE_BYTES = 16;

    private Q4_0Matrix(MemorySegment blocks, int rows, int cols) {
        super(DType.Q4_0, BLOCK_BYTES, blocks, rows, cols);
    }

    /** Copies rows·cols/32 blocks in row-major order into the matrix; cols must be a multiple of 32. */
    public static Q4_0Matrix of(MemorySegment blocks, int rows, int cols) {
        return new Q4_0Matrix(blocks, rows, cols);
    }

    @Override
    public void decodeScalar(int row, int col, int n, float[] dst, int dstOff) {
        Blocks.checkRange("Q4_0", rows, cols, row, col, n);
        for (int i = 0; i < n; i++) {
            int c = col + i, j = c % BLOCK_SIZE, block = row * rowBlocks + c / BLOCK_SIZE;
            int packed = quants[block * CODE_BYTES + j % 16] & 0xFF;
            int q = j < 16 ? packed & 0x0F : packed >>> 4;
            dst[dstOff + i] = Float.float16ToFloat(scales[block]) * (q - 8);
        }
    }

    @Override
    public void decode(int row, int col, int n, float[] dst, int dstOff) {
        Blocks.checkRange("Q4_0", rows, cols, row, col, n);
        int head = Math.min(n, (BLOCK_SIZE - col % BLOCK_SIZE) % BLOCK_SIZE);
        if (head > 0) decodeScalar(row, col, head, dst, dstOff);
        int i = head;
        for (; i + BLOCK_SIZE <= n; i += BLOCK_SIZE) {
            int block = row * rowBlocks + (col + i) / BLOCK_SIZE;
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(scales[block]));
            for (int j = 0; j < 16; j += F.length()) {
                ByteVector packed = ByteVector.fromArray(B, quants, block * CODE_BYTES + j);
                low(packed).mul(d).intoArray(dst, dstOff + i + j);
                high(packed).mul(d).intoArray(dst, dstOff + i + 16 + j);
            }
        }
        if (i < n) decodeScalar(row, col + i, n - i, dst, dstOff + i);
    }

    /** q − 8 of the low nibbles (elements j …), as floats. */
    private static FloatVector low(ByteVector packed) {
        return (FloatVector) packed.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0);
    }

    /**
     * q − 8 of the high nibbles (elements j + 16 …). x86 has no byte shift, so the bytes are shifted as ints
     * (one instruction) and each byte's low nibble is kept: a bit shifted in from the next byte is masked off.
     * About a fifth faster than a byte-lane shift, which the JIT has to emulate.
     */
    private static FloatVector high(ByteVector packed) {
        ByteVector shifted = packed.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
        return (FloatVector) shifted.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0);
    }

    /** Σ d·(q − 8)·x per block: a block's products are summed as floats, then scaled once. */
    @Override
    public float dot(int row, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(F);
        int block = row * rowBlocks;
        for (int b = 0; b < cols; b += BLOCK_SIZE, block++) {
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0; j < 16; j += F.length()) {
                ByteVector packed = ByteVector.fromArray(B, quants, block * CODE_BYTES + j);
                sum = low(packed).fma(FloatVector.fromArray(F, x, xOff + b + j), sum);
                sum = high(packed).fma(FloatVector.fromArray(F, x, xOff + b + 16 + j), sum);
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
