package dev.bedside.model.gguf;

import dev.bedside.model.CheckpointException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Decodes one GGUF metadata value of a given type id into a Java object. */
final class GgufValues {
    private GgufValues() {}

    // GGUF metadata value types
    static final int UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
            STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12;

    /** {@code what} names the value in messages, e.g. "metadata 'general.name'". */
    static Object read(GgufCursor in, int type, String what, Path path) throws CheckpointException {
        return switch (type) {
            case UINT8 -> (long) (in.i8(what) & 0xFF);
            case INT8 -> (long) in.i8(what);
            case UINT16 -> (long) (in.i16(what) & 0xFFFF);
            case INT16 -> (long) in.i16(what);
            case UINT32 -> Integer.toUnsignedLong(in.i32(what));
            case INT32 -> (long) in.i32(what);
            case UINT64, INT64 -> in.i64(what);
            case FLOAT32 -> Double.parseDouble(Float.toString(in.f32(what)));
            case FLOAT64 -> in.f64(what);
            case BOOL -> {
                byte b = in.i8(what);
                if (b != 0 && b != 1) throw new CheckpointException(path, what + ": bool byte " + b + " is neither 0 nor 1");
                yield b == 1;
            }
            case STRING -> in.string(what);
            case ARRAY -> readArray(in, what, path);
            default -> throw new CheckpointException(path, what + ": unknown value type " + type);
        };
    }

    private static List<Object> readArray(GgufCursor in, String what, Path path) throws CheckpointException {
        int elementType = in.i32(what);
        long count = in.i64(what);
        in.need(Long.compareUnsigned(count, in.remaining()) > 0 ? -1 : count * minimumBytes(elementType),
                what + " (" + Long.toUnsignedString(count) + " elements)");
        List<Object> values = new ArrayList<>((int) Math.min(count, 1 << 20));
        for (long i = 0; i < count; i++) values.add(read(in, elementType, what, path));
        return values;
    }

    /** The fewest bytes one value of a type can take (to refuse absurd array lengths before allocating). */
    private static long minimumBytes(int type) {
        return switch (type) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16 -> 2;
            case UINT32, INT32, FLOAT32 -> 4;
            case UINT64, INT64, FLOAT64, STRING -> 8;
            case ARRAY -> 12;
            default -> 1;
        };
    }
}
