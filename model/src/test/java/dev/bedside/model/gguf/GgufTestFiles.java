package dev.bedside.model.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes small GGUF v3 headers by hand, byte by byte as the format describes, for tests. */
public final class GgufTestFiles {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int count;
    private final ByteArrayOutputStream kvs = new ByteArrayOutputStream();

    public static GgufTestFiles create() {
        return new GgufTestFiles();
    }

    public GgufTestFiles string(String key, String value) {
        key(key, 8);
        str(kvs, value);
        return this;
    }

    public GgufTestFiles u32(String key, int value) {
        key(key, 4);
        kvs.writeBytes(le(4).putInt(value).array());
        return this;
    }

    public GgufTestFiles bool(String key, boolean value) {
        key(key, 7);
        kvs.write(value ? 1 : 0);
        return this;
    }

    /** An array of strings (type 8). */
    public GgufTestFiles strings(String key, List<String> values) {
        key(key, 9);
        kvs.writeBytes(le(12).putInt(8).putLong(values.size()).array());
        for (String v : values) str(kvs, v);
        return this;
    }

    /** An array of i32 (type 5). */
    public GgufTestFiles ints(String key, List<Integer> values) {
        key(key, 9);
        kvs.writeBytes(le(12).putInt(5).putLong(values.size()).array());
        for (int v : values) kvs.writeBytes(le(4).putInt(v).array());
        return this;
    }

    /** A raw value of any type: the caller writes the little-endian bytes. */
    public GgufTestFiles raw(String key, int type, byte[] value) {
        key(key, type);
        kvs.writeBytes(value);
        return this;
    }

    public byte[] bytes() {
        out.reset();
        out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le(20).putInt(3).putLong(0).putLong(count).array());
        out.writeBytes(kvs.toByteArray());
        return out.toByteArray();
    }

    public Path write(Path file) throws IOException {
        return Files.write(file, bytes());
    }

    private void key(String key, int type) {
        count++;
        str(kvs, key);
        kvs.writeBytes(le(4).putInt(type).array());
    }

    private static void str(ByteArrayOutputStream to, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        to.writeBytes(le(8).putLong(b.length).array());
        to.writeBytes(b);
    }

    public static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
