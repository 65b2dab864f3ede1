package dev.bedside.quant.gguf;

import dev.bedside.model.gguf.GgufFile;
import dev.bedside.model.gguf.GgufType;
import dev.bedside.quant.gguf.GgufValue.Type;
import dev.bedside.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Files written by {@link GgufWriter} read back with Bedside's independent GGUF reader. */
class GgufWriterTest {

    @Test
    void everyMetadataValueTypeReadsBack() throws IOException {
        Path dir = Files.createTempDirectory("gguf-writer");
        Path file = dir.resolve("all.gguf");
        GgufWriter w = new GgufWriter();
        w.put("u8", new GgufValue(Type.UINT8, 255, null));
        w.put("i8", new GgufValue(Type.INT8, -128, null));
        w.put("u16", new GgufValue(Type.UINT16, 65535, null));
        w.put("i16", new GgufValue(Type.INT16, -32768, null));
        w.put("u32", GgufValue.uint32(4294967295L));
        w.put("i32", GgufValue.int32(Integer.MIN_VALUE));
        w.put("u64", GgufValue.uint64(1L << 40));
        w.put("i64", new GgufValue(Type.INT64, -(1L << 50), null));
        w.put("f32", GgufValue.float32(1e-5));
        w.put("f64", GgufValue.float64(Math.PI));
        w.put("bool", GgufValue.bool(true));
        w.put("string", GgufValue.string("héllo ✓"));
        w.put("strings", GgufValue.array(Type.STRING, List.of("a b", "", "Ġc")));
        w.put("ints", GgufValue.array(Type.INT32, List.of(1, -3, 5)));
        w.put("floats", GgufValue.array(Type.FLOAT32, List.of(0.5, -2.25)));
        w.put("empty", GgufValue.array(Type.UINT8, List.of()));
        w.write(file);
        try (GgufFile g = GgufFile.open(file)) {
            Map<String, Object> m = g.metadata();
            assertEquals(List.of("u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "f32", "f64", "bool", "string", "strings", "ints", "floats", "empty"),
                    List.copyOf(m.keySet()));
            assertEquals(255L, m.get("u8"));
            assertEquals(-128L, m.get("i8"));
            assertEquals(65535L, m.get("u16"));
            assertEquals(-32768L, m.get("i16"));
            assertEquals(4294967295L, m.get("u32"));
            assertEquals((long) Integer.MIN_VALUE, m.get("i32"));
            assertEquals(1L << 40, m.get("u64"));
            assertEquals(-(1L << 50), m.get("i64"));
            assertEquals(1e-5, m.get("f32"));
            assertEquals(Math.PI, m.get("f64"));
            assertEquals(true, m.get("bool"));
            assertEquals("héllo ✓", m.get("string"));
            assertEquals(List.of("a b", "", "Ġc"), m.get("strings"));
            assertEquals(List.of(1L, -3L, 5L), m.get("ints"));
            assertEquals(List.of(0.5, -2.25), m.get("floats"));
            assertEquals(List.of(), m.get("empty"));
            assertEquals(0, g.tensorInfos().size());
        }
    }

    @Test
    void valuesOutOfRangeForTheirTypeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new GgufValue(Type.UINT8, 256, null));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.uint32(-1));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.array(Type.INT32, List.of("x")));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.array(Type.ARRAY, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new GgufWriter().addTensor("t", GgufType.Q8_0, new int[] {2, 33}, a -> null));
    }

    /** Float tensors of any shape and raw blocks land at aligned offsets with their values intact. */
    @Property(tries = 25)
    void tensorsReadBackAligned(@ForAll @IntRange(min = 1, max = 9) int rows, @ForAll @IntRange(min = 1, max = 37) int cols,
                                @ForAll @IntRange(min = 1, max = 3) int blocksPerRow, @ForAll long seed) throws IOException {
        Random random = new Random(seed);
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
        byte[] blocks = new byte[rows * blocksPerRow * 34];
        random.nextBytes(blocks);
        Path file = Files.createTempFile("gguf-writer", ".gguf");
        try {
            new GgufWriter()
                    .put("general.architecture", GgufValue.string("test"))
                    .addTensor("a", GgufType.F32, Tensor.of(values, rows, cols))
                    .addTensor("b", GgufType.F16, Tensor.of(values, rows * cols))
                    .addBlocks("c", GgufType.Q8_0, new int[] {rows, 32 * blocksPerRow}, MemorySegment.ofArray(blocks))
                    .write(file);
            try (GgufFile g = GgufFile.open(file)) {
                assertArrayEquals(values, g.tensor("a").toFloatArray());
                assertArrayEquals(new int[] {rows, cols}, g.info("a").shape());
                float[] halves = g.tensor("b").toFloatArray();
                for (int i = 0; i < values.length; i++) assertEquals(Float.float16ToFloat(Float.floatToFloat16(values[i])), halves[i]);
                assertArrayEquals(blocks, g.bytes("c").toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                for (var info : g.tensorInfos()) assertEquals(0, info.offset() % GgufWriter.ALIGNMENT, info.name());
                assertEquals(0, g.dataStart() % GgufWriter.ALIGNMENT);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
