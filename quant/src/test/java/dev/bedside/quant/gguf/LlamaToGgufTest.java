package dev.bedside.quant.gguf;

import dev.bedside.model.LlamaCheckpoint;
import dev.bedside.model.LlamaConfig;
import dev.bedside.model.gguf.GgufFile;
import dev.bedside.model.gguf.GgufTensorInfo;
import dev.bedside.model.gguf.GgufType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HF → GGUF conversion of the tiny fixture against the GGUF files gguf-py wrote from the same checkpoint. */
class LlamaToGgufTest {
    @TempDir
    Path tmp;

    static Path fixtures() {
        Path dir = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures");
        Assumptions.assumeTrue(Files.isDirectory(dir.resolve("tiny-llama31")) && Files.isDirectory(dir.resolve("tiny-llama31-gguf")),
                "../shared/fixtures absent: skipping HF → GGUF conversion checks");
        return dir;
    }

    @Test
    void f32ConversionMatchesLlamaCppConverterKeyByKeyAndTensorByTensor() throws IOException {
        Path fixtures = fixtures();
        Path out = tmp.resolve("tiny-llama31.gguf");
        LlamaToGguf.convert(fixtures.resolve("tiny-llama31"), out, GgufType.F32, null);
        Path expected = fixtures.resolve("tiny-llama31-gguf/tiny-llama31-f32.gguf");
        try (GgufFile ours = GgufFile.open(out); GgufFile theirs = GgufFile.open(expected)) {
            assertMetadataEqual(theirs, ours);
            assertTensorsEqual(theirs, ours);
        }
        // Same keys, values, tensor order and padding: the files are the same bytes.
        assertEquals(-1L, Files.mismatch(expected, out), "converted file differs from gguf-py's");
        assertReadsBackLikeTheCheckpoint(fixtures.resolve("tiny-llama31"), out);
    }

    @ParameterizedTest
    @EnumSource(value = GgufType.class, names = {"F16", "Q8_0", "Q4_0"})
    void f16Q8AndQ4ConversionsMatchTheFixturesByteForByte(GgufType type) throws IOException {
        Path fixtures = fixtures();
        Path out = tmp.resolve("tiny-llama31.gguf");
        LlamaToGguf.convert(fixtures.resolve("tiny-llama31"), out, type);
        Path expected = fixtures.resolve("tiny-llama31-gguf/tiny-llama31-" + type.name().toLowerCase(java.util.Locale.ROOT) + ".gguf");
        try (GgufFile ours = GgufFile.open(out); GgufFile theirs = GgufFile.open(expected)) {
            assertMetadataEqual(theirs, ours);
            assertTensorsEqual(theirs, ours);
        }
        assertEquals(-1L, Files.mismatch(expected, out));
    }

    @Test
    void ggufInputConvertsToTheSameQ4_0File() throws IOException {
        Path fixtures = fixtures();
        Path out = tmp.resolve("from-gguf.gguf");
        // q/k rows are un-permuted on load and permuted again on writing; the tokenizer is copied from the metadata.
        LlamaToGguf.convert(fixtures.resolve("tiny-llama31-gguf/tiny-llama31-f32.gguf"), out, GgufType.Q4_0);
        assertEquals(-1L, Files.mismatch(fixtures.resolve("tiny-llama31-gguf/tiny-llama31-q4_0.gguf"), out));
    }

    /** Bedside's GGUF loader (which undoes the q/k permutation) gives the HF checkpoint's config and weights. */
    static void assertReadsBackLikeTheCheckpoint(Path hfFolder, Path out) throws IOException {
        try (LlamaCheckpoint hf = LlamaCheckpoint.load(hfFolder);
             LlamaCheckpoint gguf = LlamaCheckpoint.load(out)) {
            LlamaConfig a = hf.config(), b = gguf.config();
            assertEquals(List.of(a.hiddenSize(), a.intermediateSize(), a.numHiddenLayers(), a.numAttentionHeads(), a.numKeyValueHeads(),
                            a.headDim(), a.vocabSize(), a.maxPositionEmbeddings(), a.bosTokenId()),
                    List.of(b.hiddenSize(), b.intermediateSize(), b.numHiddenLayers(), b.numAttentionHeads(), b.numKeyValueHeads(),
                            b.headDim(), b.vocabSize(), b.maxPositionEmbeddings(), b.bosTokenId()));
            assertEquals(a.ropeTheta(), b.ropeTheta());
            assertEquals((float) a.rmsNormEps(), (float) b.rmsNormEps());
            assertEquals(a.tieWordEmbeddings(), b.tieWordEmbeddings());
            assertEquals(a.ropeScaling(), b.ropeScaling());
            // GGUF keeps one EOS id: tokenizer_config's eos_token (<|eot_id|>), one of config.json's list.
            assertEquals(List.of(128009), b.eosTokenIds());
            assertTrue(a.eosTokenIds().contains(128009));
            assertEquals(hf.names(), gguf.names());
            for (String name : hf.names()) {
                assertArrayEquals(hf.tensor(name).toFloatArray(), gguf.tensor(name).toFloatArray(), 0f, name);
            }
        }
    }

    /** Every key in both files, with equal values (floats compared as the float32 the file stores). */
    static void assertMetadataEqual(GgufFile expected, GgufFile actual) {
        assertEquals(new ArrayList<>(expected.metadata().keySet()), new ArrayList<>(actual.metadata().keySet()), "metadata keys and order");
        for (Map.Entry<String, Object> e : expected.metadata().entrySet()) {
            Object ours = actual.metadata().get(e.getKey());
            if (e.getValue() instanceof List<?> list) {
                List<?> other = (List<?>) ours;
                assertEquals(list.size(), other.size(), e.getKey() + " length");
                for (int i = 0; i < list.size(); i++) assertEquals(list.get(i), other.get(i), e.getKey() + "[" + i + "]");
            } else {
                assertEquals(e.getValue(), ours, e.getKey());
            }
        }
    }

    /** Same names, order, types, shapes and offsets, and identical bytes. */
    static void assertTensorsEqual(GgufFile expected, GgufFile actual) {
        List<GgufTensorInfo> a = expected.tensorInfos(), b = actual.tensorInfos();
        assertEquals(a.stream().map(GgufTensorInfo::name).toList(), b.stream().map(GgufTensorInfo::name).toList(), "tensor order");
        for (int i = 0; i < a.size(); i++) {
            String name = a.get(i).name();
            assertEquals(a.get(i).type(), b.get(i).type(), name + " type");
            assertArrayEquals(a.get(i).ne(), b.get(i).ne(), name + " dimensions");
            assertEquals(a.get(i).offset(), b.get(i).offset(), name + " offset");
            MemorySegment x = expected.bytes(name), y = actual.bytes(name);
            assertTrue(x.mismatch(y) == -1, name + ": bytes differ at " + x.mismatch(y));
        }
    }
}
