package dev.bedside.model.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes small GGUF files for tests, following the GGUF v3 specification; fields can be set to bad values. */
public final class GgufBuilder {
    private record TensorSpec(String name, long[] ne, int type, byte[] data, long offset) {}

    public int magic = 0x46554747;
    public int version = 3;
    public int alignment = 32;
    private final ByteArrayOutputStream kvs = new ByteArrayOutputStream();
    private int kvCount;
    private final List<TensorSpec> tensors = new ArrayList<>();
    private long nextOffset;

    public GgufBuilder string(String key, String value) { key(key, 8); putString(kvs, value); return this; }

    public GgufBuilder u32(String key, long value) { key(key, 4); put(kvs, 4, value); return this; }

    public GgufBuilder f32(String key, float value) { key(key, 6); put(kvs, 4, Float.floatToRawIntBits(value)); return this; }

    public GgufBuilder bool(String key, boolean value) { key(key, 7); kvs.write(value ? 1 : 0); return this; }

    /** A scalar of any integer or float GGUF type id, from its raw bits. */
    public GgufBuilder scalar(String key, int type, int bytes, long bits) { key(key, type); put(kvs, bytes, bits); return this; }

    public GgufBuilder strings(String key, List<String> values) {
        key(key, 9);
        put(kvs, 4, 8);
        put(kvs, 8, values.size());
        for (String v : values) putString(kvs, v);
        return this;
    }

    public GgufBuilder ints(String key, int... values) {
        key(key, 9);
        put(kvs, 4, 5);
        put(kvs, 8, values.length);
        for (int v : values) put(kvs, 4, v);
        return this;
    }

    /** Raw bytes for a metadata entry: key, then the type id and whatever bytes follow. */
    public GgufBuilder rawValue(String key, int type, byte[] bytes) { key(key, type); kvs.writeBytes(bytes); return this; }

    public GgufBuilder tensor(String name, int type, byte[] data, long... ne) {
        tensorAt(name, type, data, nextOffset, ne);
        return this;
    }

    public GgufBuilder tensorAt(String name, int type, byte[] data, long offset, long... ne) {
        tensors.add(new TensorSpec(name, ne, type, data, offset));
        nextOffset = Math.max(nextOffset, (offset + data.length + alignment - 1) / alignment * alignment);
        return this;
    }

    public GgufBuilder f32Tensor(String name, float[] values, long... ne) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return tensor(name, 0, b.array(), ne);
    }

    public byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        put(out, 4, magic);
        put(out, 4, version);
        put(out, 8, tensors.size());
        put(out, 8, kvCount);
        out.writeBytes(kvs.toByteArray());
        for (TensorSpec t : tensors) {
            putString(out, t.name());
            put(out, 4, t.ne().length);
            for (long n : t.ne()) put(out, 8, n);
            put(out, 4, t.type());
            put(out, 8, t.offset());
        }
        while (out.size() % alignment != 0) out.write(0);
        int dataStart = out.size();
        long end = 0;
        for (TensorSpec t : tensors) if (t.data().length > 0) end = Math.max(end, t.offset() + t.data().length);
        byte[] file = new byte[(int) (dataStart + end)];
        System.arraycopy(out.toByteArray(), 0, file, 0, dataStart);
        for (TensorSpec t : tensors) if (t.data().length > 0) System.arraycopy(t.data(), 0, file, (int) (dataStart + t.offset()), t.data().length);
        return file;
    }

    public Path write(Path file) throws Exception {
        Files.write(file, build());
        return file;
    }

    private void key(String key, int type) {
        kvCount++;
        putString(kvs, key);
        put(kvs, 4, type);
    }

    private static void putString(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        put(out, 8, utf8.length);
        out.writeBytes(utf8);
    }

    private static void put(ByteArrayOutputStream out, int bytes, long value) {
        for (int i = 0; i < bytes; i++) out.write((int) (value >>> (8 * i)) & 0xFF);
    }
}
