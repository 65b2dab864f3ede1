package dev.bedside.model.gguf;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufMetadataTest {

    /** Values the fixtures README states for tiny-llama31-*.gguf (written by gguf-py, not by us). */
    @Test
    void readsTheFixtureModelHeaders() throws IOException {
        Path dir = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures/tiny-llama31-gguf");
        assumeTrue(Files.isDirectory(dir), "../shared/fixtures/tiny-llama31-gguf absent: skipping GGUF metadata test");
        Map<String, Long> fileTypes = Map.of("f32", 0L, "f16", 1L, "q8_0", 7L, "q4_0", 2L);
        for (var e : fileTypes.entrySet()) {
            Map<String, Object> m = GgufMetadata.read(dir.resolve("tiny-llama31-" + e.getKey() + ".gguf"));
            assertEquals("llama", m.get("general.architecture"));
            assertEquals(e.getValue(), m.get("general.file_type"), e.getKey());
            assertEquals(2L, m.get("llama.block_count"));
            assertEquals(131072L, m.get("llama.context_length"));
            assertEquals(64L, m.get("llama.embedding_length"));
            assertEquals(192L, m.get("llama.feed_forward_length"));
            assertEquals(4L, m.get("llama.attention.head_count"));
            assertEquals(2L, m.get("llama.attention.head_count_kv"));
            assertEquals(500000.0, m.get("llama.rope.freq_base"));
            assertEquals((double) 1e-5f, m.get("llama.attention.layer_norm_rms_epsilon"));
            assertEquals(Boolean.TRUE, m.get("tokenizer.ggml.add_bos_token"));
            assertEquals(Boolean.FALSE, m.get("tokenizer.ggml.add_sep_token"));
            assertEquals(128256, ((List<?>) m.get("tokenizer.ggml.tokens")).size());
            assertEquals(280147, ((List<?>) m.get("tokenizer.ggml.merges")).size());
            assertEquals(128009L, m.get("tokenizer.ggml.eos_token_id"));
            assertEquals(2L, m.get("general.quantization_version"));
        }
    }

    @Test
    void everyValueType(@TempDir Path tmp) throws IOException {
        Path file = GgufTestFiles.create()
                .raw("u8", 0, new byte[] {(byte) 200})
                .raw("i8", 1, new byte[] {(byte) -3})
                .raw("u16", 2, GgufTestFiles.le(2).putShort((short) 60000).array())
                .raw("i16", 3, GgufTestFiles.le(2).putShort((short) -1234).array())
                .raw("u32", 4, GgufTestFiles.le(4).putInt(-1).array())
                .raw("i32", 5, GgufTestFiles.le(4).putInt(-70000).array())
                .raw("f32", 6, GgufTestFiles.le(4).putFloat(0.1f).array())
                .bool("bool", true)
                .string("string", "héllo")
                .ints("array", List.of(1, -2, 3))
                .raw("u64", 10, GgufTestFiles.le(8).putLong(1L << 40).array())
                .raw("i64", 11, GgufTestFiles.le(8).putLong(-5).array())
                .raw("f64", 12, GgufTestFiles.le(8).putDouble(Math.PI).array())
                .write(tmp.resolve("types.gguf"));
        Map<String, Object> m = GgufMetadata.read(file);
        assertEquals(List.of("u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"),
                List.copyOf(m.keySet()));
        assertEquals(200L, m.get("u8"));
        assertEquals(-3L, m.get("i8"));
        assertEquals(60000L, m.get("u16"));
        assertEquals(-1234L, m.get("i16"));
        assertEquals(4294967295L, m.get("u32"));
        assertEquals(-70000L, m.get("i32"));
        assertEquals((double) 0.1f, m.get("f32"));
        assertEquals(true, m.get("bool"));
        assertEquals("héllo", m.get("string"));
        assertEquals(List.of(1L, -2L, 3L), m.get("array"));
        assertEquals(1L << 40, m.get("u64"));
        assertEquals(-5L, m.get("i64"));
        assertEquals(Math.PI, m.get("f64"));
    }

    @Test
    void badFilesNameTheFileAndTheKey(@TempDir Path tmp) throws IOException {
        Path notGguf = Files.writeString(tmp.resolve("a.gguf"), "GGML and more bytes than the header needs");
        assertMessage(notGguf, "not a GGUF file");

        byte[] good = GgufTestFiles.create().string("general.name", "x").strings("tokenizer.ggml.tokens", List.of("a", "b")).bytes();
        Path truncated = Files.write(tmp.resolve("t.gguf"), Arrays.copyOf(good, good.length - 1));
        String message = assertMessage(truncated, "truncated");
        assertTrue(message.contains("tokenizer.ggml.tokens"), message);

        Path badType = GgufTestFiles.create().raw("weird", 13, new byte[8]).write(tmp.resolve("bt.gguf"));
        assertTrue(assertMessage(badType, "unknown value type 13").contains("weird"));

        byte[] v4 = good.clone();
        v4[4] = 4;
        assertMessage(Files.write(tmp.resolve("v4.gguf"), v4), "unsupported GGUF version 4");
        assertThrows(java.nio.file.NoSuchFileException.class, () -> GgufMetadata.read(tmp.resolve("missing.gguf")));
    }

    private static String assertMessage(Path file, String part) {
        IOException e = assertThrows(IOException.class, () -> GgufMetadata.read(file));
        assertTrue(e.getMessage().contains(part) && e.getMessage().contains(file.toString()), e.getMessage());
        return e.getMessage();
    }
}
