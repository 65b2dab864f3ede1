package dev.bedside.model.safetensors;

import dev.bedside.model.CheckpointException;
import dev.bedside.model.Fixtures;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

class SafetensorsFileTest {

    @Test
    void readsTheFixtureCheckpoint() throws Exception {
        try (SafetensorsFile file = SafetensorsFile.open(Fixtures.tinyHf().resolve("model.safetensors"))) {
            assertEquals(Map.of("format", "pt"), file.metadata());
            assertEquals(2 + 2 * 9, file.names().size());
            assertFalse(file.contains("lm_head.weight"));
            Tensor embed = file.tensor("model.embed_tokens.weight");
            assertEquals(DType.BF16, embed.dtype());
            assertArrayEquals(new int[] {128256, 64}, embed.shape());
            assertArrayEquals(new int[] {192, 64}, file.tensor("model.layers.1.mlp.up_proj.weight").shape());
            assertArrayEquals(new int[] {64, 192}, file.tensor("model.layers.1.mlp.down_proj.weight").shape());
            // norm weights are 1 + U(-0.1, 0.1) (README)
            for (float w : file.tensor("model.norm.weight").toFloatArray()) assertTrue(w > 0.89f && w < 1.11f, "norm " + w);
        }
    }

    @Test
    void writerRoundTripsEveryDtype(@TempDir Path dir) throws Exception {
        Tensor a = Tensor.normal(1, 0.7f, 3, 5), b = Tensor.uniform(2, -3, 3, 7), c = Tensor.normal(3, 100, 2, 1, 3);
        Path file = dir.resolve("out.safetensors");
        new SafetensorsWriter().metadata("format", "pt").metadata("note", "round trip")
                .add("a", a, DType.F32).add("b", b, DType.BF16).add("c", c, DType.F16).write(file);
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertEquals(Map.of("format", "pt", "note", "round trip"), read.metadata());
            assertEquals(java.util.List.of("a", "b", "c"), java.util.List.copyOf(read.names()));
            assertArrayEquals(a.toFloatArray(), read.tensor("a").toFloatArray());
            float[] bExpected = b.toFloatArray(), cExpected = c.toFloatArray();
            for (int i = 0; i < bExpected.length; i++) bExpected[i] = DType.bf16ToFloat(DType.floatToBf16(bExpected[i]));
            for (int i = 0; i < cExpected.length; i++) cExpected[i] = Float.float16ToFloat(Float.floatToFloat16(cExpected[i]));
            assertArrayEquals(bExpected, read.tensor("b").toFloatArray());
            assertArrayEquals(cExpected, read.tensor("c").toFloatArray());
            assertArrayEquals(new int[] {2, 1, 3}, read.tensor("c").shape());
        }
        // the layout by hand: 8-byte length, header padded to 8, then a's F32 bytes little-endian
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, headerLength % 8);
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"a\":{\"dtype\":\"F32\",\"shape\":[3,5],\"data_offsets\":[0,60]}"), header);
        float first = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getFloat(8 + (int) headerLength);
        assertEquals(a.get(0, 0), first);
        assertEquals(8 + headerLength + 60 + 14 + 12, bytes.length);
    }

    @Test
    void writerReplacesAtomicallyAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("adapter.safetensors");
        SafetensorsWriter.write(file, Map.of("x", Tensor.normal(4, 1, 4)), DType.F32, Map.of());
        SafetensorsWriter.write(file, Map.of("y", Tensor.normal(5, 1, 2)), DType.BF16, Map.of());
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertEquals(java.util.Set.of("y"), read.names());
        }
        try (var listing = Files.list(dir)) {
            assertEquals(java.util.List.of(file), listing.toList());
        }
        assertThrows(IllegalArgumentException.class, () -> new SafetensorsWriter().add("x", Tensor.zeros(1), DType.F32)
                .add("x", Tensor.zeros(1), DType.F32));
    }

    @Test
    void shardedCheckpointJoinsItsShards(@TempDir Path dir) throws Exception {
        Tensor a = Tensor.normal(6, 1, 4, 3), b = Tensor.normal(7, 1, 5);
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), Map.of("a", a), DType.F32, Map.of());
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), Map.of("b", b), DType.F32, Map.of());
        Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE), """
                {"metadata": {"total_size": 68}, "weight_map": {"a": "model-00001-of-00002.safetensors",
                 "b": "model-00002-of-00002.safetensors"}}""");
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(dir)) {
            assertEquals(new TreeSet<>(java.util.List.of("a", "b")), new TreeSet<>(checkpoint.tensors().keySet()));
            assertArrayEquals(a.toFloatArray(), checkpoint.tensors().get("a").toFloatArray());
            assertArrayEquals(b.toFloatArray(), checkpoint.tensors().get("b").toFloatArray());
        }
        Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE), """
                {"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors",
                 "c": "model-00002-of-00002.safetensors"}}""");
        var missing = assertThrows(CheckpointException.class, () -> SafetensorsCheckpoint.open(dir));
        assertTrue(missing.getMessage().contains("model-00002-of-00002.safetensors") && missing.getMessage().contains("'c'")
                && missing.getMessage().contains("missing"), missing.getMessage());
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), Map.of("a", a, "a2", b), DType.F32, Map.of());
        Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE), """
                {"weight_map": {"a": "model-00001-of-00002.safetensors"}}""");
        var unlisted = assertThrows(CheckpointException.class, () -> SafetensorsCheckpoint.open(dir));
        assertTrue(unlisted.getMessage().contains("model-00001-of-00002.safetensors") && unlisted.getMessage().contains("'a2'")
                && unlisted.getMessage().contains("not listed"), unlisted.getMessage());
    }

    // ---------------------------------------------------------------- malformed files

    /** A file with the given header text (unpadded) and {@code dataBytes} bytes of data. */
    private static Path raw(Path dir, String header, int dataBytes) throws Exception {
        byte[] text = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + text.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(text.length).put(text);
        for (int i = 0; i < dataBytes; i++) buffer.put((byte) i);
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, buffer.array());
        return file;
    }

    private static void assertRefused(Path file, String... phrases) {
        var e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file).close());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String phrase : phrases) assertTrue(e.getMessage().contains(phrase), "'" + phrase + "' not in: " + e.getMessage());
    }

    @Test
    void refusesTruncatedFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("short.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertRefused(file, "truncated", "3 bytes");
        Path cut = raw(dir, "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 10);
        assertRefused(cut, "'w'", "outside the data area of 10 bytes");
    }

    @Test
    void refusesHeaderLongerThanFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("long.safetensors");
        Files.write(file, ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        assertRefused(file, "header length 1000", "20 bytes");
    }

    @Test
    void refusesBadJson(@TempDir Path dir) throws Exception {
        assertRefused(raw(dir, "{\"w\": {\"dtype\": ", 0), "bad JSON header");
        assertRefused(raw(dir, "[1, 2]", 0), "not a JSON object");
    }

    @Test
    void refusesOverlappingOffsets(@TempDir Path dir) throws Exception {
        Path file = raw(dir, """
                {"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}""", 24);
        assertRefused(file, "'b'", "overlaps tensor 'a'");
    }

    @Test
    void refusesOffsetsThatDoNotMatchTheShape(@TempDir Path dir) throws Exception {
        Path file = raw(dir, "{\"w\":{\"dtype\":\"BF16\",\"shape\":[3,2],\"data_offsets\":[0,16]}}", 16);
        assertRefused(file, "'w'", "hold 16 bytes", "[3, 2]", "needs 12");
        assertRefused(raw(dir, "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 16), "'w'", "bad data_offsets");
    }

    @Test
    void refusesUnknownDtypes(@TempDir Path dir) throws Exception {
        assertRefused(raw(dir, "{\"w\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2), "'w'", "unknown dtype 'Q4'");
        // a valid safetensors dtype that tensors cannot hold opens, but does not load as a tensor
        Path ints = raw(dir, "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 16);
        try (SafetensorsFile file = SafetensorsFile.open(ints)) {
            var e = assertThrows(IllegalArgumentException.class, () -> file.tensor("ids"));
            assertTrue(e.getMessage().contains(ints.toString()) && e.getMessage().contains("I64"), e.getMessage());
            assertEquals(16, file.bytes("ids").byteSize());
        }
    }

    @Test
    void refusesDuplicateNames(@TempDir Path dir) throws Exception {
        Path file = raw(dir, """
                {"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8);
        assertRefused(file, "Duplicate", "'w'");
    }

    @Test
    void viewsShareTheMapping(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("v.safetensors");
        Tensor t = Tensor.normal(8, 1, 6, 2);
        SafetensorsWriter.write(file, Map.of("t", t), DType.F32, Map.of());
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            Tensor view = read.tensor("t");
            assertFalse(view.isHeapContiguous(), "a view of the mapping, not a heap copy");
            assertEquals(Arrays.toString(t.toFloatArray()), Arrays.toString(view.toFloatArray()));
        }
    }
}
