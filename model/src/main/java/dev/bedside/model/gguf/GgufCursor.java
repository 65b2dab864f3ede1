package dev.bedside.model.gguf;

import dev.bedside.model.CheckpointException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Reads little-endian values from the front of a GGUF file, failing with the file name when it runs out. */
final class GgufCursor {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final MemorySegment bytes;
    private long position;

    GgufCursor(Path path, MemorySegment bytes) {
        this.path = path;
        this.bytes = bytes;
    }

    long position() { return position; }

    long remaining() { return bytes.byteSize() - position; }

    /** Fails unless {@code count} more bytes exist; {@code what} says what was being read. */
    void need(long count, String what) throws CheckpointException {
        if (count < 0 || count > remaining()) {
            throw new CheckpointException(path, "truncated: " + what + " needs " + Long.toUnsignedString(count)
                    + " bytes at offset " + position + " but the file has " + bytes.byteSize() + " bytes");
        }
    }

    byte i8(String what) throws CheckpointException {
        need(1, what);
        return bytes.get(ValueLayout.JAVA_BYTE, position++);
    }

    short i16(String what) throws CheckpointException {
        need(2, what);
        short v = bytes.get(U16, position);
        position += 2;
        return v;
    }

    int i32(String what) throws CheckpointException {
        need(4, what);
        int v = bytes.get(U32, position);
        position += 4;
        return v;
    }

    long i64(String what) throws CheckpointException {
        need(8, what);
        long v = bytes.get(U64, position);
        position += 8;
        return v;
    }

    float f32(String what) throws CheckpointException {
        need(4, what);
        float v = bytes.get(F32, position);
        position += 4;
        return v;
    }

    double f64(String what) throws CheckpointException {
        need(8, what);
        double v = bytes.get(F64, position);
        position += 8;
        return v;
    }

    /** A GGUF string: u64 byte length, then UTF-8 bytes. */
    String string(String what) throws CheckpointException {
        long length = i64(what);
        need(length, what);
        if (length > Integer.MAX_VALUE - 8) throw new CheckpointException(path, what + ": string of " + length + " bytes");
        byte[] utf8 = new byte[(int) length];
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, position, utf8, 0, utf8.length);
        position += length;
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
