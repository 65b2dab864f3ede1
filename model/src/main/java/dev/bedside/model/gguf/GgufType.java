package dev.bedside.model.gguf;

import dev.bedside.tensor.DType;

/**
 * The ggml tensor types this reader handles. Values are stored in blocks: {@code blockSize} elements in
 * {@code blockBytes} bytes (1 element per block for the float types).
 */
public enum GgufType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    /** 32 elements: F16 scale d, then 16 bytes; byte j holds element j (low nibble) and j+16 (high); value d·(q-8). */
    Q4_0(2, 32, 18),
    /** 32 elements: F16 scale d, then 32 int8 q; value d·q. */
    Q8_0(8, 32, 34),
    BF16(30, 1, 2);

    public final int id;
    public final int blockSize;
    public final int blockBytes;

    GgufType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    public boolean isQuantized() { return blockSize > 1; }

    /** The tensor dtype for the float types; null for quantized ones. */
    public DType dtype() {
        return switch (this) {
            case F32 -> DType.F32;
            case F16 -> DType.F16;
            case BF16 -> DType.BF16;
            default -> null;
        };
    }

    /** Bytes for {@code numel} elements (a whole number of blocks). */
    public long bytesFor(long numel) { return numel / blockSize * blockBytes; }

    /** The type with this ggml id, or null if this reader does not handle it. */
    public static GgufType byId(long id) {
        for (GgufType type : values()) if (type.id == id) return type;
        return null;
    }

    /** ggml's name for an id, for messages about types we do not handle. */
    static String ggmlName(long id) {
        String[] names = {"F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K",
                "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S", "IQ2_S",
                "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16"};
        return id >= 0 && id < names.length ? names[(int) id] : "unknown";
    }
}
