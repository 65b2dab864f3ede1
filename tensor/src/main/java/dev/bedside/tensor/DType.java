package dev.bedside.tensor;

/**
 * Element types a tensor can be stored in. Compute is always F32; F16 and BF16 are storage formats
 * (weights memory-mapped from checkpoints) that kernels widen to F32 as they read. Q8_0, Q4_0 and NF4 are
 * block-quantized weight formats: a {@link QuantizedMatrix} holds them, and they have no fixed size per element.
 */
public enum DType {
    F32(4), F16(2), BF16(2), Q8_0(0), Q4_0(0), NF4(0);

    private final int bytes;

    DType(int bytes) { this.bytes = bytes; }

    /** Bytes per element; 0 for the block-quantized formats (see {@link QuantizedMatrix#bytes()}). */
    public int bytes() { return bytes; }

    /** True for the block-quantized weight formats. */
    public boolean isQuantized() { return bytes == 0; }

    /** BF16 is the upper half of an IEEE binary32: widening is a shift. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round-to-nearest-even narrowing, as PyTorch does; NaN stays NaN. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) return (short) ((bits >>> 16) | 0x0040);
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    public static float f16ToFloat(short bits) { return Float.float16ToFloat(bits); }

    public static short floatToF16(float value) { return Float.floatToFloat16(value); }
}
