package dev.bedside.quant;

import dev.bedside.tensor.DType;
import dev.bedside.tensor.QuantizedMatrix;
import dev.bedside.tensor.Tensor;
import dev.bedside.tensor.cpu.WeightMatmul;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Dense [rows, cols] weights (any storage: heap, memory-mapped F32/F16/BF16) to a block-quantized matrix,
 * one row at a time so that only the quantized result and a row buffer are ever in memory.
 * Q8_0 and Q4_0 follow ggml's reference {@code quantize_row_q8_0/q4_0} byte for byte; NF4 follows
 * bitsandbytes' {@code quantize_4bit(quant_type="nf4", blocksize=64)} CUDA kernel.
 */
public final class Quantizer {
    private Quantizer() {}

    /** As {@link #quantize(Tensor, DType, boolean)} without double quantization. */
    public static QuantizedMatrix quantize(Tensor dense, DType format) {
        return quantize(dense, format, false);
    }

    /** {@code doubleQuant} applies to NF4 only (bitsandbytes' compress_statistics); Q8_0/Q4_0 refuse it. */
    public static QuantizedMatrix quantize(Tensor dense, DType format, boolean doubleQuant) {
        if (dense.rank() != 2) throw new IllegalArgumentException("quantize: expected a [rows, cols] matrix, got shape " + Arrays.toString(dense.shape()));
        if (!dense.isContiguous()) throw new IllegalArgumentException("quantize: tensor of shape " + Arrays.toString(dense.shape()) + " is not contiguous");
        if (dense.dtype().isQuantized()) throw new IllegalArgumentException("quantize: the weight is already " + dense.dtype());
        if (doubleQuant && format != DType.NF4) throw new IllegalArgumentException("quantize: double quantization is an NF4 option, not " + format);
        int rows = dense.dim(0), cols = dense.dim(1);
        return switch (format) {
            case Q8_0 -> Q8_0Matrix.of(ggufBlocks(dense, rows, cols, Q8_0Matrix.BLOCK_BYTES, Quantizer::q8_0Block, "Q8_0"), rows, cols);
            case Q4_0 -> Q4_0Matrix.of(ggufBlocks(dense, rows, cols, Q4_0Matrix.BLOCK_BYTES, Quantizer::q4_0Block, "Q4_0"), rows, cols);
            case NF4 -> nf4(dense, rows, cols, doubleQuant);
            default -> throw new IllegalArgumentException("quantize: " + format + " is not a quantized format (Q8_0, Q4_0, NF4)");
        };
    }

    private interface BlockWriter { void write(float[] x, int from, MemorySegment out, long at); }

    private static MemorySegment ggufBlocks(Tensor dense, int rows, int cols, int blockBytes, BlockWriter writer, String format) {
        if (cols % 32 != 0) {
            throw new IllegalArgumentException("quantize " + format + ": rows of " + cols + " columns are not a whole number of 32-element blocks"
                    + " (shape [" + rows + ", " + cols + "])");
        }
        MemorySegment out = Arena.ofAuto().allocate((long) rows * (cols / 32) * blockBytes, 64);
        float[] row = new float[cols];
        long at = 0;
        for (int r = 0; r < rows; r++) {
            WeightMatmul.widenRow(dense, dense.offset() + (long) r * cols, row, 0, cols);
            for (int b = 0; b < cols; b += 32, at += blockBytes) writer.write(row, b, out, at);
        }
        return out;
    }

    /** ggml quantize_row_q8_0_ref: d = max|x|/127 (float), q = x·(1/d) rounded half away from zero. */
    static void q8_0Block(float[] x, int from, MemorySegment out, long at) {
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[from + j]));
        float d = amax / 127f;
        float id = d != 0 ? 1f / d : 0f;
        out.set(Blocks.F16_BITS, at, Float.floatToFloat16(d));
        for (int j = 0; j < 32; j++) out.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) roundHalfAwayFromZero(x[from + j] * id));
    }

    /** C's roundf, exactly: the +0.5 is done in double, where it cannot round. */
    static int roundHalfAwayFromZero(float v) {
        double rounded = Math.floor(Math.abs((double) v) + 0.5);
        return (int) (v < 0 ? -rounded : rounded);
    }

    /** ggml quantize_row_q4_0_ref: d = (the x with the largest |x|, first one on ties)/−8, q = min(15, trunc(x/d + 8.5)). */
    static void q4_0Block(float[] x, int from, MemorySegment out, long at) {
        float amax = 0, max = 0;
        for (int j = 0; j < 32; j++) {
            float v = x[from + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8f;
        float id = d != 0 ? 1f / d : 0f;
        out.set(Blocks.F16_BITS, at, Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            int low = Math.min(15, (int) (x[from + j] * id + 8.5f));
            int high = Math.min(15, (int) (x[from + 16 + j] * id + 8.5f));
            out.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) (low | high << 4));
        }
    }

    /**
     * bitsandbytes' kernel per 64-weight block of the flattened matrix: absmax = max|w|, each w·(1/absmax)
     * (float32 reciprocal, then product) coded by the NF4 decision tree; pairs packed high nibble first; a
     * partial last block is padded with zeros (its odd last byte gets code(0) in the low nibble).
     */
    private static Nf4Matrix nf4(Tensor dense, int rows, int cols, boolean doubleQuant) {
        long numel = (long) rows * cols;
        long blocks = (numel + Nf4Matrix.BLOCK_SIZE - 1) / Nf4Matrix.BLOCK_SIZE;
        MemorySegment packed = Arena.ofAuto().allocate((numel + 1) / 2, 64);
        float[] absmax = new float[Math.toIntExact(blocks)];
        float[] row = new float[cols];
        float[] block = new float[Nf4Matrix.BLOCK_SIZE];
        int filled = 0;
        long blockIndex = 0;
        for (int r = 0; r < rows; r++) {
            WeightMatmul.widenRow(dense, dense.offset() + (long) r * cols, row, 0, cols);
            for (int c = 0; c < cols; ) {
                int take = Math.min(cols - c, Nf4Matrix.BLOCK_SIZE - filled);
                System.arraycopy(row, c, block, filled, take);
                filled += take;
                c += take;
                if (filled == Nf4Matrix.BLOCK_SIZE) {
                    absmax[(int) blockIndex] = nf4Block(block, 0, filled, packed, blockIndex);
                    blockIndex++;
                    filled = 0;
                }
            }
        }
        if (filled > 0) absmax[(int) blockIndex] = nf4Block(block, 0, filled, packed, blockIndex);
        if (!doubleQuant) return Nf4Matrix.of(packed, absmax, rows, cols, dense.dtype());
        return doubleQuantized(packed, absmax, rows, cols, dense.dtype());
    }

    /**
     * Codes {@code count} consecutive 64-weight blocks, {@code w[from ..]}, as blocks {@code firstBlock ..} of
     * {@code packed}, their absmax into {@code absmax[firstBlock ..]}: for builders that quantize a matrix slab by
     * slab straight into its final storage, leaving no per-slab garbage behind.
     */
    public static void nf4Blocks(float[] w, int from, int count, MemorySegment packed, long firstBlock, float[] absmax) {
        for (int b = 0; b < count; b++) {
            absmax[Math.toIntExact(firstBlock + b)] = nf4Block(w, from + b * Nf4Matrix.BLOCK_SIZE, Nf4Matrix.BLOCK_SIZE, packed, firstBlock + b);
        }
    }

    /** Codes the {@code valid} weights {@code w[from ..]} of block {@code index} into {@code packed}; returns the block's absmax. */
    static float nf4Block(float[] w, int from, int valid, MemorySegment packed, long index) {
        float absmax = 0;
        for (int j = 0; j < valid; j++) absmax = Math.max(absmax, Math.abs(w[from + j]));
        float inverse = 1.0f / absmax;   // as the kernel: an all-zero block gives inf, 0·inf = NaN, and NaN codes to 0
        long byteAt = index * (Nf4Matrix.BLOCK_SIZE / 2);
        for (int j = 0; j < valid; j += 2) {
            int high = BnbCodes.nf4Code(w[from + j] * inverse);
            int low = BnbCodes.nf4Code(j + 1 < valid ? w[from + j + 1] * inverse : 0f * inverse);
            packed.set(ValueLayout.JAVA_BYTE, byteAt + j / 2, (byte) (high << 4 | low));
        }
        return absmax;
    }

    /**
     * bitsandbytes' compress_statistics: offset = mean(absmax), then {@code quantize_blockwise(absmax − offset,
     * blocksize=256)} with the signed dynamic map: per 256 values a float absmax, each value·(1/absmax) coded
     * by the kernel's binary search.
     */
    private static Nf4Matrix doubleQuantized(MemorySegment packed, float[] absmax, int rows, int cols, DType source) {
        double sum = 0;
        for (float a : absmax) sum += a;
        float offset = (float) (sum / absmax.length);
        float[] centred = new float[absmax.length];
        for (int i = 0; i < absmax.length; i++) centred[i] = absmax[i] - offset;
        int nestedBlocks = (absmax.length + Nf4Matrix.NESTED_BLOCK_SIZE - 1) / Nf4Matrix.NESTED_BLOCK_SIZE;
        float[] nestedAbsmax = new float[nestedBlocks];
        byte[] codes = new byte[absmax.length];
        for (int nb = 0; nb < nestedBlocks; nb++) {
            int from = nb * Nf4Matrix.NESTED_BLOCK_SIZE, to = Math.min(absmax.length, from + Nf4Matrix.NESTED_BLOCK_SIZE);
            float max = 0;
            for (int i = from; i < to; i++) max = Math.max(max, Math.abs(centred[i]));
            nestedAbsmax[nb] = max;
            float inverse = 1.0f / max;
            for (int i = from; i < to; i++) codes[i] = (byte) BnbCodes.dynamicCode(centred[i] * inverse);
        }
        return Nf4Matrix.nested(packed, codes, nestedAbsmax, offset, rows, cols, source);
    }
}
