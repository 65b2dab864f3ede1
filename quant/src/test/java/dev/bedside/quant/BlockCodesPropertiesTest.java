package dev.bedside.quant;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.tensor.BlockCodes;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.QuantizedMatrix;
import dev.bedside.tensor.Tensor;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The device layout of every format ({@link BlockCodes}), read by the formula its documentation gives, must
 * give exactly the weights the CPU decoder gives: this is what a GPU kernel will compute with.
 */
class BlockCodesPropertiesTest {

    /** Weight e of the flattened matrix, by the formula in BlockCodes' documentation. */
    static float weight(BlockCodes codes, long e) {
        float scale = codes.scales()[(int) (e / codes.blockSize())];
        return switch (codes.dtype()) {
            case Q8_0 -> codes.codes()[(int) e] * scale;
            case Q4_0 -> {
                int j = (int) (e % 32);
                int packed = codes.codes()[(int) (e / 32) * 16 + j % 16] & 0xFF;
                yield ((j < 16 ? packed & 0x0F : packed >>> 4) - 8) * scale;
            }
            case NF4 -> {
                int packed = codes.codes()[(int) (e >>> 1)] & 0xFF;
                yield codes.codeBook()[(e & 1) == 0 ? packed >>> 4 : packed & 0x0F] * scale;
            }
            default -> throw new AssertionError(codes.dtype());
        };
    }

    @Property(tries = 30)
    void deviceLayoutDecodesToTheSameWeights(@ForAll @IntRange(min = 1, max = 6) int rows,
                                             @ForAll @IntRange(min = 1, max = 5) int blocksPerRow,
                                             @ForAll @IntRange(min = 0, max = 3) int formatIndex,
                                             @ForAll long seed) {
        DType format = new DType[] {DType.Q8_0, DType.Q4_0, DType.NF4, DType.NF4}[formatIndex];
        boolean doubleQuant = formatIndex == 3;
        // NF4 blocks run over the flattened matrix, so odd widths make blocks (and bytes) straddle rows
        int cols = format == DType.NF4 ? 32 * blocksPerRow + 3 : 32 * blocksPerRow;
        SplittableRandom random = new SplittableRandom(seed);
        float[] dense = new float[rows * cols];
        for (int i = 0; i < dense.length; i++) dense[i] = (float) (random.nextGaussian() * 0.05);
        QuantizedMatrix m = Quantizer.quantize(Tensor.of(dense, rows, cols), format, doubleQuant);
        BlockCodes codes = m.blockCodes();
        assertEquals(format, codes.dtype());
        assertEquals(rows, codes.rows());
        assertEquals(cols, codes.cols());
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            m.decode(r, 0, cols, row, 0);
            for (int c = 0; c < cols; c++) {
                assertEquals(row[c], weight(codes, (long) r * cols + c), 0f, format + " [" + r + ", " + c + "]");
            }
        }
    }
}
