package dev.bedside.model.gguf;

import dev.bedside.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A block-quantized matrix (Q8_0 or Q4_0): {@code shape} is row-major [rows, cols], each row is
 * cols/32 consecutive blocks in {@code blocks}. {@link #dequantize()} decodes it exactly to F32.
 */
public record QuantizedTensor(GgufType type, int[] shape, MemorySegment blocks) {
    private static final ValueLayout.OfShort F16_BITS = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public QuantizedTensor {
        shape = shape.clone();
        if (!type.isQuantized()) throw new IllegalArgumentException("QuantizedTensor: " + type + " is not a block-quantized type");
        long numel = 1;
        for (int size : shape) numel *= size;
        if (shape.length == 0 || shape[shape.length - 1] % type.blockSize != 0) {
            throw new IllegalArgumentException("QuantizedTensor: rows of shape " + Arrays.toString(shape)
                    + " are not a whole number of " + type.blockSize + "-element blocks");
        }
        if (blocks.byteSize() != type.bytesFor(numel)) {
            throw new IllegalArgumentException("QuantizedTensor: " + blocks.byteSize() + " bytes, shape "
                    + Arrays.toString(shape) + " of " + type + " needs " + type.bytesFor(numel));
        }
    }

    public long numel() { return blocks.byteSize() / type.blockBytes * type.blockSize; }

    /** A new F32 heap tensor with the decoded values. */
    public Tensor dequantize() {
        float[] out = new float[Math.toIntExact(numel())];
        long blockCount = blocks.byteSize() / type.blockBytes;
        for (long b = 0; b < blockCount; b++) {
            long at = b * type.blockBytes;
            float scale = Float.float16ToFloat(blocks.get(F16_BITS, at));
            int base = (int) (b * 32);
            if (type == GgufType.Q8_0) {
                for (int j = 0; j < 32; j++) out[base + j] = scale * blocks.get(ValueLayout.JAVA_BYTE, at + 2 + j);
            } else {
                for (int j = 0; j < 16; j++) {
                    int packed = blocks.get(ValueLayout.JAVA_BYTE, at + 2 + j) & 0xFF;
                    out[base + j] = scale * ((packed & 0x0F) - 8);
                    out[base + j + 16] = scale * ((packed >>> 4) - 8);
                }
            }
        }
        return Tensor.of(out, shape);
    }
}
