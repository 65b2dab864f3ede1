package dev.bedside.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bedside.model.CheckpointException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX reader on small models written here byte by byte (from onnx.proto's field numbers), on the bundled
 * all-MiniLM-L6-v2 (README of the fixture: 102 initializers, position ids 0…511), and on broken files.
 */
class OnnxModelTest {
    @TempDir Path dir;

    @Test
    void readsRawDataFloatDataInt64DataAndNodes() throws IOException {
        byte[] raw = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).putFloat(3.25f)
                .putFloat(4f).putFloat(5f).putFloat(-6.5f).array();
        byte[] w = tensor("onnx::MatMul_7", new long[] {2, 3}, OnnxTensor.FLOAT, bytesField(9, raw));
        ByteBuffer packed = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(0.25f);
        byte[] b = tensor("dense.bias", new long[] {2}, OnnxTensor.FLOAT, bytesField(4, packed.array()));
        ByteArrayOutputStream longs = new ByteArrayOutputStream();
        for (long v : new long[] {0, 1, 300}) varint(longs, v);
        byte[] ids = tensor("position_ids", new long[] {1, 3}, OnnxTensor.INT64, bytesField(7, longs.toByteArray()));
        byte[] node = concat(stringField(1, "x"), stringField(1, "onnx::MatMul_7"), stringField(2, "y"),
                stringField(3, "/dense/MatMul"), stringField(4, "MatMul"));
        byte[] graph = concat(bytesField(1, node), stringField(2, "g"), bytesField(5, w), bytesField(5, b), bytesField(5, ids));
        Path file = write("tiny.onnx", concat(varintField(1, 6), bytesField(7, graph)));

        OnnxModel model = OnnxModel.read(file);
        assertEquals(3, model.initializers().size());
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 4f, 5f, -6.5f}, model.initializer("onnx::MatMul_7").toF32().toFloatArray());
        assertArrayEquals(new int[] {2, 3}, model.matMulWeight("/dense/MatMul").shape());
        assertArrayEquals(new float[] {0.5f, 0.25f}, model.initializer("dense.bias").toF32().toFloatArray());
        assertArrayEquals(new long[] {0, 1, 300}, model.initializer("position_ids").toLongs());
        assertEquals(new OnnxNode("/dense/MatMul", "MatMul", java.util.List.of("x", "onnx::MatMul_7"), java.util.List.of("y")), model.nodes().getFirst());
    }

    @Test
    void readsTheBundledMiniLm() throws IOException {
        byte[] bytes;
        try (InputStream in = OnnxModelTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            bytes = in.readAllBytes();
        }
        OnnxModel model = OnnxModel.read(Path.of("all-minilm-l6-v2.onnx"), bytes);
        assertEquals(102, model.initializers().size());
        long[] positions = model.initializer("embeddings.position_ids").toLongs();
        for (int i = 0; i < 512; i++) assertEquals(i, positions[i]);
        assertArrayEquals(new int[] {30522, 384}, model.initializer("embeddings.word_embeddings.weight").shape());
        OnnxTensor query = model.matMulWeight("/encoder/layer.0/attention/self/query/MatMul");
        assertTrue(query.name().startsWith("onnx::MatMul_"), query.name());
        assertArrayEquals(new int[] {384, 1536}, model.matMulWeight("/encoder/layer.5/intermediate/dense/MatMul").shape());
    }

    @Test
    void errorsNameTheFileAndTheTensor() throws IOException {
        Path missing = dir.resolve("absent.onnx");
        assertMessage(assertThrows(CheckpointException.class, () -> OnnxModel.read(missing)), "absent.onnx", "not found");

        Path text = write("notes.onnx", "this is not protobuf at all".getBytes(StandardCharsets.UTF_8));
        assertMessage(assertThrows(CheckpointException.class, () -> OnnxModel.read(text)), "notes.onnx", "ONNX");

        byte[] w = tensor("onnx::MatMul_9", new long[] {4, 4}, OnnxTensor.FLOAT, bytesField(9, new byte[12]));
        Path short_ = write("short.onnx", bytesField(7, bytesField(5, w)));
        assertMessage(assertThrows(CheckpointException.class, () -> OnnxModel.read(short_)), "short.onnx", "onnx::MatMul_9", "64 bytes", "12");

        byte[] ok = tensor("w", new long[] {1}, OnnxTensor.FLOAT, bytesField(9, new byte[4]));
        byte[] graph = bytesField(5, ok);
        byte[] cut = Arrays.copyOf(bytesField(7, graph), 9);   // the graph's length says more than the file holds
        Path truncated = write("cut.onnx", cut);
        assertMessage(assertThrows(CheckpointException.class, () -> OnnxModel.read(truncated)), "cut.onnx", "malformed");

        Path good = write("good.onnx", bytesField(7, graph));
        OnnxModel model = OnnxModel.read(good);
        assertMessage(assertThrows(CheckpointException.class, () -> model.initializer("nope")), "good.onnx", "nope");
        assertMessage(assertThrows(CheckpointException.class, () -> model.matMulWeight("/q/MatMul")), "good.onnx", "/q/MatMul");
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention " + part);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    // ---------------------------------------------------------------- a protobuf writer for the tests

    private static byte[] tensor(String name, long[] dims, int dataType, byte[] dataField) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long d : dims) out.writeBytes(varintField(1, d));   // unpacked repeated dims
        out.writeBytes(varintField(2, dataType));
        out.writeBytes(stringField(8, name));
        out.writeBytes(dataField);
        return out.toByteArray();
    }

    private static byte[] varintField(int field, long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, (long) field << 3);
        varint(out, value);
        return out.toByteArray();
    }

    private static byte[] bytesField(int field, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, ((long) field << 3) | 2);
        varint(out, payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] stringField(int field, String s) {
        return bytesField(field, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
