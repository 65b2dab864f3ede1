package dev.bedside.model.gguf;

import dev.bedside.model.CheckpointException;
import dev.bedside.model.Fixtures;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class GgufFileTest {

    @Test
    void readsTheFixtureMetadata() throws Exception {
        try (GgufFile gguf = GgufFile.open(Fixtures.tinyGguf("f32"))) {
            assertEquals(3, gguf.version());
            assertEquals("llama", gguf.string("general.architecture"));
            assertEquals(2, gguf.integer("llama.block_count"));
            assertEquals(131072, gguf.integer("llama.context_length"));
            assertEquals(4, gguf.integer("llama.attention.head_count"));
            assertEquals(2, gguf.integer("llama.attention.head_count_kv"));
            assertEquals(500000.0, gguf.real("llama.rope.freq_base"));
            assertEquals(1e-5, gguf.real("llama.attention.layer_norm_rms_epsilon"));
            assertEquals(16, gguf.integer("llama.rope.dimension_count"));
            assertEquals(0, gguf.integer("general.file_type"));
            assertEquals(2, gguf.integer("general.quantization_version"));
            assertEquals("gpt2", gguf.string("tokenizer.ggml.model"));
            assertEquals("llama-bpe", gguf.string("tokenizer.ggml.pre"));
            assertEquals(128256, gguf.list("tokenizer.ggml.tokens").size());
            assertEquals(280147, gguf.list("tokenizer.ggml.merges").size());
            List<Object> types = gguf.list("tokenizer.ggml.token_type");
            assertEquals(1L, types.get(0));
            assertEquals(3L, types.get(128009), "added tokens are CONTROL (3)");
            assertEquals(128000, gguf.integer("tokenizer.ggml.bos_token_id"));
            assertEquals(128009, gguf.integer("tokenizer.ggml.eos_token_id"));
            assertTrue(gguf.bool("tokenizer.ggml.add_bos_token"));
            assertFalse(gguf.bool("tokenizer.ggml.add_sep_token"));
            assertTrue(gguf.string("tokenizer.chat_template").contains("start_header_id"));
            var wrongType = assertThrows(IllegalArgumentException.class, () -> gguf.string("llama.block_count"));
            assertTrue(wrongType.getMessage().contains("llama.block_count"), wrongType.getMessage());
        }
    }

    @Test
    void readsTheFixtureTensors() throws Exception {
        try (GgufFile gguf = GgufFile.open(Fixtures.tinyGguf("f16"))) {
            assertEquals(21, gguf.tensorInfos().size());
            GgufTensorInfo embed = gguf.info("token_embd.weight");
            assertArrayEquals(new long[] {64, 128256}, embed.ne());
            assertArrayEquals(new int[] {128256, 64}, embed.shape());
            assertEquals(GgufType.F16, embed.type());
            assertEquals(0, gguf.dataStart() % 32);
            assertArrayEquals(new int[] {64, 192}, gguf.tensor("blk.0.ffn_down.weight").shape());
            assertEquals(DType.F32, gguf.tensor("blk.0.attn_norm.weight").dtype());
            float[] freqs = gguf.tensor("rope_freqs.weight").toFloatArray();
            float[] readme = {1, 1, 1, 1, 3.29226f, 32, 32, 32};
            for (int i = 0; i < 8; i++) assertEquals(readme[i], freqs[i], 1e-5 * readme[i], "rope_freqs " + i);
        }
    }

    @Test
    void readsEveryMetadataTypeAndRowMajorShapes(@TempDir Path dir) throws Exception {
        float[] values = {1, 2, 3, 4, 5, 6};
        Path file = new GgufBuilder()
                .scalar("u8", 0, 1, 200).scalar("i8", 1, 1, -5 & 0xFF).scalar("u16", 2, 2, 60000).scalar("i16", 3, 2, -300 & 0xFFFF)
                .u32("u32", 4_000_000_000L).scalar("i32", 5, 4, -7 & 0xFFFFFFFFL).scalar("u64", 10, 8, 1L << 40)
                .scalar("i64", 11, 8, -9).f32("f32", 0.1f).scalar("f64", 12, 8, Double.doubleToRawLongBits(0.1))
                .bool("yes", true).string("s", "héllo").ints("list", 3, -1, 4)
                .f32Tensor("m", values, 3, 2)
                .write(dir.resolve("all.gguf"));
        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals(200, gguf.integer("u8"));
            assertEquals(-5, gguf.integer("i8"));
            assertEquals(60000, gguf.integer("u16"));
            assertEquals(-300, gguf.integer("i16"));
            assertEquals(4_000_000_000L, gguf.integer("u32"));
            assertEquals(-7, gguf.integer("i32"));
            assertEquals(1L << 40, gguf.integer("u64"));
            assertEquals(-9, gguf.integer("i64"));
            assertEquals(0.1, gguf.real("f32"));
            assertEquals(0.1, gguf.real("f64"));
            assertTrue(gguf.bool("yes"));
            assertEquals("héllo", gguf.string("s"));
            assertEquals(List.of(3L, -1L, 4L), gguf.list("list"));
            assertEquals(7, gguf.integer("absent", 7));
            Tensor m = gguf.tensor("m");
            assertArrayEquals(new int[] {2, 3}, m.shape(), "ne [3, 2]: rows of 3");
            assertEquals(4f, m.get(1, 0));
            assertArrayEquals(values, m.toFloatArray());
        }
    }

    @Test
    void honoursGeneralAlignment(@TempDir Path dir) throws Exception {
        GgufBuilder builder = new GgufBuilder();
        builder.alignment = 64;
        Path file = builder.u32("general.alignment", 64).f32Tensor("a", new float[] {1, 2, 3}, 3).f32Tensor("b", new float[] {7}, 1)
                .write(dir.resolve("aligned.gguf"));
        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals(0, gguf.dataStart() % 64);
            assertEquals(64, gguf.info("b").offset());
            assertEquals(7f, gguf.tensor("b").get(0));
        }
    }

    @Test
    void decodesQuantizedBlocksAsTheReadmeDescribes(@TempDir Path dir) throws Exception {
        byte[] q8 = new byte[34];
        q8[0] = 0x00; q8[1] = 0x38;   // F16 0.5
        for (int j = 0; j < 32; j++) q8[2 + j] = (byte) (j * 7 - 100);
        byte[] q4 = new byte[18];
        q4[0] = 0x00; q4[1] = (byte) 0xB4;   // F16 -0.25
        for (int j = 0; j < 16; j++) q4[2 + j] = (byte) (j | ((15 - j) << 4));
        Path file = new GgufBuilder().tensor("q8", 8, q8, 32).tensor("q4", 2, q4, 32).write(dir.resolve("q.gguf"));
        try (GgufFile gguf = GgufFile.open(file)) {
            float[] decoded8 = gguf.dequantize("q8").toFloatArray();
            float[] decoded4 = gguf.dequantize("q4").toFloatArray();
            for (int j = 0; j < 32; j++) assertEquals(0.5f * (j * 7 - 100), decoded8[j], "q8 " + j);
            for (int j = 0; j < 16; j++) {
                assertEquals(-0.25f * (j - 8), decoded4[j], "q4 low " + j);
                assertEquals(-0.25f * ((15 - j) - 8), decoded4[j + 16], "q4 high " + j);
            }
            assertEquals(GgufType.Q8_0, gguf.quantized("q8").type());
            assertThrows(IllegalArgumentException.class, () -> gguf.tensor("q8"));
        }
    }

    @Test
    void viewsHalfPrecisionTensors(@TempDir Path dir) throws Exception {
        float[] values = {1.5f, -2.25f, 1e-3f, 65504f};
        byte[] f16 = new byte[8], bf16 = new byte[8];
        for (int i = 0; i < 4; i++) {
            short h = Float.floatToFloat16(values[i]), b = DType.floatToBf16(values[i]);
            f16[2 * i] = (byte) h; f16[2 * i + 1] = (byte) (h >> 8);
            bf16[2 * i] = (byte) b; bf16[2 * i + 1] = (byte) (b >> 8);
        }
        Path file = new GgufBuilder().tensor("h", 1, f16, 2, 2).tensor("b", 30, bf16, 4).write(dir.resolve("half.gguf"));
        try (GgufFile gguf = GgufFile.open(file)) {
            Tensor h = gguf.tensor("h"), b = gguf.tensor("b");
            assertEquals(DType.F16, h.dtype());
            assertEquals(DType.BF16, b.dtype());
            for (int i = 0; i < 4; i++) {
                assertEquals(Float.float16ToFloat(Float.floatToFloat16(values[i])), h.get(i / 2, i % 2));
                assertEquals(DType.bf16ToFloat(DType.floatToBf16(values[i])), b.get(i));
            }
        }
    }

    // ---------------------------------------------------------------- malformed files

    private static void assertRefused(Path file, String... phrases) {
        var e = assertThrows(CheckpointException.class, () -> GgufFile.open(file).close());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String phrase : phrases) assertTrue(e.getMessage().contains(phrase), "'" + phrase + "' not in: " + e.getMessage());
    }

    @Test
    void refusesBadMagicAndOldVersions(@TempDir Path dir) throws Exception {
        GgufBuilder notGguf = new GgufBuilder();
        notGguf.magic = 0x4C4C4747;   // "GGLL"
        assertRefused(notGguf.write(dir.resolve("magic.gguf")), "not a GGUF file");
        GgufBuilder v2 = new GgufBuilder();
        v2.version = 2;
        assertRefused(v2.write(dir.resolve("v2.gguf")), "version 2", "only version 3");
        Path empty = Files.write(dir.resolve("empty.gguf"), new byte[0]);
        assertRefused(empty, "truncated", "magic");
    }

    @Test
    void refusesTruncatedFiles(@TempDir Path dir) throws Exception {
        byte[] whole = new GgufBuilder().string("general.name", "tiny").f32Tensor("w", new float[] {1, 2, 3, 4}, 4).build();
        Path cutInHeader = Files.write(dir.resolve("cut1.gguf"), Arrays.copyOf(whole, 40));
        assertRefused(cutInHeader, "truncated");
        Path cutInData = Files.write(dir.resolve("cut2.gguf"), Arrays.copyOf(whole, whole.length - 4));
        assertRefused(cutInData, "tensor 'w'", "outside the file");
        Path absurdCount = Files.write(dir.resolve("cut3.gguf"), Arrays.copyOf(whole, 24));
        assertRefused(absurdCount, "truncated", "metadata entries");
    }

    @Test
    void refusesTensorDataOutsideTheFile(@TempDir Path dir) throws Exception {
        // an info claiming 8 floats at offset 0 of an empty data section
        Path lying = new GgufBuilder().tensorAt("w", 0, new byte[0], 0, 8).write(dir.resolve("lying.gguf"));
        assertRefused(lying, "tensor 'w'", "outside the file");
        Path far = new GgufBuilder().tensorAt("w", 0, new byte[0], 1L << 40, 1).write(dir.resolve("far.gguf"));
        assertRefused(far, "tensor 'w'", "outside the file");
    }

    @Test
    void refusesOverlappingTensors(@TempDir Path dir) throws Exception {
        Path file = new GgufBuilder().tensorAt("a", 0, new byte[64], 0, 16).tensorAt("b", 0, new byte[64], 32, 16)
                .write(dir.resolve("overlap.gguf"));
        assertRefused(file, "tensor 'b'", "overlaps tensor 'a'");
    }

    @Test
    void refusesUnknownTypesMisalignedOffsetsAndDuplicates(@TempDir Path dir) throws Exception {
        assertRefused(new GgufBuilder().tensor("k", 12, new byte[144], 256).write(dir.resolve("q4k.gguf")),
                "tensor 'k'", "unsupported tensor type 12 (Q4_K)");
        assertRefused(new GgufBuilder().tensor("x", 99, new byte[4], 1).write(dir.resolve("t99.gguf")),
                "tensor 'x'", "unsupported tensor type 99");
        assertRefused(new GgufBuilder().tensorAt("a", 0, new byte[4], 4, 1).write(dir.resolve("misaligned.gguf")),
                "tensor 'a'", "not a multiple of the alignment 32");
        assertRefused(new GgufBuilder().tensor("a", 0, new byte[4], 1).tensor("a", 0, new byte[4], 1).write(dir.resolve("twice.gguf")),
                "tensor 'a'", "appears twice");
        assertRefused(new GgufBuilder().tensor("q", 8, new byte[34], 16).write(dir.resolve("rows.gguf")),
                "tensor 'q'", "not a multiple of the Q8_0 block size 32");
        assertRefused(new GgufBuilder().rawValue("bad", 13, new byte[8]).write(dir.resolve("kvtype.gguf")),
                "metadata 'bad'", "unknown value type 13");
    }
}
