package dev.bedside.model.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format, just enough to walk an ONNX file: a cursor over one message's bytes that yields
 * (field number, wire type) tags, varints, fixed-width numbers and length-delimited sub-messages (as slices,
 * nothing copied). A malformed message throws {@link MalformedProto} saying where.
 */
final class ProtoReader {
    static final int VARINT = 0, FIXED64 = 1, LENGTH_DELIMITED = 2, FIXED32 = 5;

    /** Bytes that are not a protobuf message; {@code offset} is relative to the message being read. */
    static final class MalformedProto extends RuntimeException {
        MalformedProto(String problem, long offset) {
            super(problem + " at byte " + offset);
        }
    }

    private final MemorySegment bytes;
    private long position;
    private int field, wireType;

    ProtoReader(MemorySegment bytes) {
        this.bytes = bytes;
    }

    /** Moves to the next field; false at the end of the message. */
    boolean next() {
        if (position >= bytes.byteSize()) return false;
        long tag = varint();
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (field <= 0) throw new MalformedProto("field number " + field, position);
        return true;
    }

    boolean hasMore() { return position < bytes.byteSize(); }

    int field() { return field; }

    int wireType() { return wireType; }

    long varint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= bytes.byteSize()) throw new MalformedProto("varint runs past the end", position);
            byte b = bytes.get(ValueLayout.JAVA_BYTE, position++);
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) return value;
        }
        throw new MalformedProto("varint longer than 10 bytes", position);
    }

    /** The payload of a length-delimited field (a sub-message, a string, packed numbers, raw bytes). */
    MemorySegment bytes() {
        expect(LENGTH_DELIMITED);
        long length = varint();
        if (length < 0 || length > bytes.byteSize() - position) {
            throw new MalformedProto("field " + field + " claims " + length + " bytes, " + (bytes.byteSize() - position) + " remain", position);
        }
        MemorySegment slice = bytes.asSlice(position, length);
        position += length;
        return slice;
    }

    String string() {
        return new String(bytes().toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    float fixed32Float() {
        expect(FIXED32);
        if (position + 4 > bytes.byteSize()) throw new MalformedProto("fixed32 runs past the end", position);
        float value = bytes.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), position);
        position += 4;
        return value;
    }

    /** Skips the current field's value, whatever its wire type. */
    void skip() {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> bytes();
            case FIXED32 -> advance(4);
            default -> throw new MalformedProto("unsupported wire type " + wireType + " (field " + field + ")", position);
        }
    }

    private void advance(long n) {
        if (position + n > bytes.byteSize()) throw new MalformedProto("field " + field + " runs past the end", position);
        position += n;
    }

    private void expect(int type) {
        if (wireType != type) throw new MalformedProto("field " + field + " has wire type " + wireType + ", expected " + type, position);
    }
}
