package dev.bedside.tensor;

/**
 * A block-quantized matrix laid out for a device: the codes as stored, and every block's scale already
 * widened to F32 (exactly the float the CPU kernels multiply by), so a GPU kernel needs no F16 or
 * double-quantization decoding. Element e = row · cols + col lies in block e / blockSize.
 * <ul>
 *   <li>{@link DType#Q8_0}: one signed byte per weight; weight = code · scale.</li>
 *   <li>{@link DType#Q4_0}: 16 bytes per block of 32; byte j holds element j (low nibble) and j + 16 (high);
 *       weight = (nibble − 8) · scale.</li>
 *   <li>{@link DType#NF4}: two codes per byte over the flattened matrix, the first in the high nibble;
 *       weight = {@code codeBook}[code] · scale (the block's absmax).</li>
 * </ul>
 * @param codeBook the 16 NF4 values; empty for the other formats
 */
public record BlockCodes(DType dtype, int rows, int cols, int blockSize, byte[] codes, float[] scales, float[] codeBook) {

    public BlockCodes {
        long elements = (long) rows * cols;
        long blocks = (elements + blockSize - 1) / blockSize;
        long expectedCodes = switch (dtype) {
            case Q8_0 -> elements;
            case Q4_0 -> blocks * 16;
            case NF4 -> (elements + 1) / 2;
            default -> throw new IllegalArgumentException("BlockCodes: " + dtype + " is not a block-quantized format");
        };
        if (codes.length != expectedCodes || scales.length != blocks) {
            throw new IllegalArgumentException("BlockCodes " + dtype + " [" + rows + ", " + cols + "]: " + codes.length
                    + " code bytes and " + scales.length + " scales, expected " + expectedCodes + " and " + blocks);
        }
        if (dtype == DType.NF4 ? codeBook.length != 16 : codeBook.length != 0) {
            throw new IllegalArgumentException("BlockCodes " + dtype + ": a code book of " + codeBook.length + " values");
        }
    }
}
