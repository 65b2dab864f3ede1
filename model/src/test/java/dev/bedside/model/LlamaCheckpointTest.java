package dev.bedside.model;

import dev.bedside.model.gguf.GgufFile;
import dev.bedside.model.gguf.GgufType;
import dev.bedside.model.gguf.QuantizedTensor;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The tiny fixture model in every format it ships in: one set of weights, so every format must agree with BF16. */
class LlamaCheckpointTest {
    private static LlamaCheckpoint hf;
    private static final Map<String, LlamaCheckpoint> GGUF = new HashMap<>();

    @BeforeAll
    static void open() throws Exception {
        hf = LlamaCheckpoint.load(Fixtures.tinyHf());
        for (String kind : List.of("f32", "f16", "q8_0", "q4_0")) GGUF.put(kind, LlamaCheckpoint.load(Fixtures.tinyGguf(kind)));
    }

    @AfterAll
    static void close() {
        if (hf != null) hf.close();
        GGUF.values().forEach(LlamaCheckpoint::close);
    }

    @Test
    void loadsTheHuggingFaceFolder() {
        assertEquals(LlamaConfig.preset("tiny-llama31"), hf.config());
        assertEquals(List.of(128001, 128008, 128009), hf.generationConfig().eosTokenIds());
        assertEquals(2 + 2 * 9, hf.names().size());
        assertFalse(hf.names().contains(LlamaLayout.LM_HEAD));
        LlamaWeights weights = hf.weights();
        assertEquals(2, weights.layers().size());
        assertSame(weights.embedTokens(), weights.lmHead(), "tied embeddings");
        assertEquals(DType.BF16, weights.layers().get(1).qProj().dtype());
        assertArrayEquals(new int[] {32, 64}, weights.layers().get(0).kProj().shape());
        assertArrayEquals(new int[] {64, 64}, weights.layers().get(0).oProj().shape());
    }

    @Test
    void ggufFloatWeightsEqualTheBf16WeightsExactly() {
        for (String kind : List.of("f32", "f16")) {
            LlamaCheckpoint gguf = GGUF.get(kind);
            assertEquals(hf.names(), gguf.names(), kind);
            for (String name : hf.names()) {
                assertArrayEquals(hf.tensor(name).shape(), gguf.tensor(name).shape(), kind + " " + name);
                assertArrayEquals(hf.tensor(name).toFloatArray(), gguf.tensor(name).toFloatArray(), kind + " " + name);
            }
        }
    }

    /** Guards the test above: the file really stores q/k rows permuted, so skipping the un-permute would fail it. */
    @Test
    void ggufFilesStoreQueryRowsPermuted() throws Exception {
        try (GgufFile gguf = GgufFile.open(Fixtures.tinyGguf("f32"))) {
            Tensor hfQ = hf.tensor(LlamaLayout.layer(0, "self_attn.q_proj")), fileQ = gguf.tensor("blk.0.attn_q.weight");
            // GGUF row 1 of head 0 is HF row d/2 = 8
            assertArrayEquals(hfQ.slice(0, 8, 9).toFloatArray(), fileQ.slice(0, 1, 2).toFloatArray());
            assertFalse(Arrays.equals(hfQ.toFloatArray(), fileQ.toFloatArray()));
        }
    }

    @Test
    void quantizedWeightsStayWithinTheBlockErrorBound() {
        for (String kind : List.of("q8_0", "q4_0")) {
            LlamaCheckpoint gguf = GGUF.get(kind);
            for (String name : hf.names()) {
                float[] exact = hf.tensor(name).toFloatArray(), decoded = gguf.tensor(name).toFloatArray();
                if (hf.tensor(name).rank() == 1) {   // norms stay F32
                    assertTrue(gguf.quantized(name).isEmpty(), name);
                    assertArrayEquals(exact, decoded, kind + " " + name);
                    continue;
                }
                assertTrue(gguf.quantized(name).isPresent(), kind + " " + name + " should be stored quantized");
                assertWithinBlockBound(kind, name, exact, decoded);
            }
        }
    }

    /**
     * Q8_0: d = max|x|/127 and |x - d16·q| ≤ d/2 + 127·|d - d16|. Q4_0: d = (the x of largest |x|)/-8, the
     * clamp at q = 15 allows an error of one step, so |x - d16·(q-8)| ≤ |d| + 8·|d - d16|.
     */
    private static void assertWithinBlockBound(String kind, String name, float[] exact, float[] decoded) {
        for (int block = 0; block < exact.length / 32; block++) {
            float largest = 0;
            for (int j = 0; j < 32; j++) largest = Math.max(largest, Math.abs(exact[block * 32 + j]));
            double d = kind.equals("q8_0") ? largest / 127.0 : largest / 8.0;
            double d16 = Float.float16ToFloat(Float.floatToFloat16((float) d));
            double bound = kind.equals("q8_0") ? d / 2 + 127 * Math.abs(d - d16) : d + 8 * Math.abs(d - d16);
            for (int j = 0; j < 32; j++) {
                int i = block * 32 + j;
                double error = Math.abs(exact[i] - decoded[i]);
                if (error > bound * (1 + 1e-6)) {
                    fail(kind + " " + name + " element " + i + ": " + decoded[i] + " vs " + exact[i] + " exceeds the bound " + bound);
                }
            }
        }
    }

    /**
     * The README names the quantizers (gguf-py's ports of ggml's quantize_row_q8_0/q4_0, float32 arithmetic).
     * Quantizing the BF16 weights that way must give exactly the bytes in the files, rows in HF order.
     */
    @Test
    void quantizedBlocksAreTheReferenceQuantizationOfTheBf16Weights() {
        for (String kind : List.of("q8_0", "q4_0")) {
            LlamaCheckpoint gguf = GGUF.get(kind);
            for (String name : hf.names()) {
                if (gguf.quantized(name).isEmpty()) continue;
                QuantizedTensor stored = gguf.quantized(name).get();
                float[] weights = hf.tensor(name).toFloatArray();
                byte[] expected = kind.equals("q8_0") ? ReferenceQuantizer.q8_0(weights) : ReferenceQuantizer.q4_0(weights);
                assertEquals(kind.equals("q8_0") ? GgufType.Q8_0 : GgufType.Q4_0, stored.type());
                assertArrayEquals(expected, stored.blocks().toArray(ValueLayout.JAVA_BYTE), kind + " " + name);
            }
        }
    }
}
