package dev.bedside.quant.memory;

import dev.bedside.autograd.Autograd;
import dev.bedside.model.LlamaConfig;
import dev.bedside.model.LlamaModel;
import dev.bedside.quant.Nf4Matrix;
import dev.bedside.quant.Quantizer;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomNf4LlamaTest {

    /** Slab-by-slab NF4 with double quantization equals the quantizer run on the whole matrix. */
    @Property(tries = 30)
    void slabwiseQuantizationEqualsWholeMatrixQuantization(@ForAll @IntRange(min = 1, max = 70) int rows,
                                                           @ForAll @IntRange(min = 1, max = 6) int blocksPerRow,
                                                           @ForAll @IntRange(min = 1, max = 9) int slabRows,
                                                           @ForAll long seed) {
        int cols = 64 * blocksPerRow;
        float[] all = new float[rows * cols];
        RandomNf4Llama.gaussianBf16(cols, seed).fill(0, rows, all);
        Nf4Matrix whole = (Nf4Matrix) Quantizer.quantize(Tensor.of(all, rows, cols), DType.NF4, true);
        try (Arena arena = Arena.ofConfined()) {
            Nf4Matrix slabs = RandomNf4Llama.nf4(rows, cols,
                    (row, count, dst) -> System.arraycopy(all, row * cols, dst, 0, count * cols), slabRows * cols, arena);
            assertEquals(-1L, whole.packedWeights().mismatch(slabs.packedWeights()), "packed codes");
            assertArrayEquals(whole.absmaxCodes(), slabs.absmaxCodes(), "absmax codes");
            assertArrayEquals(whole.nestedAbsmax(), slabs.nestedAbsmax(), "nested absmax");
            assertEquals(whole.offset(), slabs.offset(), "offset");
        }
    }

    @Test
    void tinyRandomNf4ModelRunsAForward() throws Exception {
        LlamaConfig config = LlamaConfig.preset("tiny-llama31");
        try (var noGrad = Autograd.noGrad(); RandomNf4Llama weights = new RandomNf4Llama(config, 3); LlamaModel model = weights.model(32)) {
            assertTrue(weights.nf4Bytes() > 0);
            assertEquals(DType.NF4, weights.weights().layers().getFirst().qProj().dtype());
            assertEquals(DType.BF16, weights.weights().embedTokens().dtype());
            float[] logits = model.lastLogits(model.hidden(new int[] {128000, 9906, 1917}, null));
            assertEquals(config.vocabSize(), logits.length);
            for (float v : logits) assertTrue(Float.isFinite(v));
        }
    }
}
