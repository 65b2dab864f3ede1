package dev.bedside.quant.gguf;

import java.util.List;

/**
 * One GGUF metadata value with its on-disk type. GGUF stores the type id before every value, so the writer
 * must know, e.g., that {@code llama.block_count} is a UINT32 and {@code rope.freq_base} a FLOAT32.
 * Arrays hold values of one element type (never arrays of arrays).
 */
public record GgufValue(Type type, Object value, Type elementType) {

    /** The value types of GGUF version 3, with their ids. */
    public enum Type {
        UINT8(0), INT8(1), UINT16(2), INT16(3), UINT32(4), INT32(5), FLOAT32(6), BOOL(7), STRING(8), ARRAY(9),
        UINT64(10), INT64(11), FLOAT64(12);

        public final int id;

        Type(int id) { this.id = id; }
    }

    public GgufValue {
        if ((type == Type.ARRAY) != (elementType != null)) {
            throw new IllegalArgumentException("GGUF value: an ARRAY needs an element type, other types none (got " + type + ", " + elementType + ")");
        }
        if (elementType == Type.ARRAY) throw new IllegalArgumentException("GGUF value: arrays of arrays are not supported");
        if (type == Type.ARRAY) {
            for (Object element : (List<?>) value) check(elementType, element);
            value = List.copyOf((List<?>) value);
        } else {
            check(type, value);
        }
    }

    /** Integers are any {@link Number} in range for their type, floats a Number, BOOL a Boolean, STRING a String. */
    private static void check(Type type, Object value) {
        boolean ok = switch (type) {
            case BOOL -> value instanceof Boolean;
            case STRING -> value instanceof String;
            case FLOAT32, FLOAT64 -> value instanceof Number;
            case UINT8 -> inRange(value, 0, 0xFF);
            case INT8 -> inRange(value, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case UINT16 -> inRange(value, 0, 0xFFFF);
            case INT16 -> inRange(value, Short.MIN_VALUE, Short.MAX_VALUE);
            case UINT32 -> inRange(value, 0, 0xFFFF_FFFFL);
            case INT32 -> inRange(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case UINT64, INT64 -> value instanceof Long || value instanceof Integer;
            case ARRAY -> false;
        };
        if (!ok) throw new IllegalArgumentException("GGUF value: " + value + " (" + (value == null ? "null" : value.getClass().getSimpleName())
                + ") is not a valid " + type);
    }

    private static boolean inRange(Object value, long low, long high) {
        if (!(value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)) return false;
        long v = ((Number) value).longValue();
        return v >= low && v <= high;
    }

    public static GgufValue uint32(long v) { return new GgufValue(Type.UINT32, v, null); }

    public static GgufValue int32(long v) { return new GgufValue(Type.INT32, v, null); }

    public static GgufValue uint64(long v) { return new GgufValue(Type.UINT64, v, null); }

    public static GgufValue float32(double v) { return new GgufValue(Type.FLOAT32, v, null); }

    public static GgufValue float64(double v) { return new GgufValue(Type.FLOAT64, v, null); }

    public static GgufValue bool(boolean v) { return new GgufValue(Type.BOOL, v, null); }

    public static GgufValue string(String v) { return new GgufValue(Type.STRING, v, null); }

    public static GgufValue array(Type elementType, List<?> values) { return new GgufValue(Type.ARRAY, values, elementType); }
}
