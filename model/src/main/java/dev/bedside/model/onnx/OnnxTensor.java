package dev.bedside.model.onnx;

import dev.bedside.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One initializer of an ONNX graph (a TensorProto): its name, dims, element type and little-endian bytes
 * (from {@code raw_data}, or {@code float_data} / {@code int64_data} re-packed).
 */
public record OnnxTensor(String name, long[] dims, int dataType, MemorySegment data) {
    // TensorProto.DataType values.
    public static final int FLOAT = 1, INT32 = 6, INT64 = 7, FLOAT16 = 10, DOUBLE = 11, BFLOAT16 = 16;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public long numel() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    public int[] shape() {
        return Arrays.stream(dims).mapToInt(Math::toIntExact).toArray();
    }

    static String typeName(int dataType) {
        return switch (dataType) {
            case FLOAT -> "float32";
            case INT32 -> "int32";
            case INT64 -> "int64";
            case FLOAT16 -> "float16";
            case DOUBLE -> "float64";
            case BFLOAT16 -> "bfloat16";
            default -> "data type " + dataType;
        };
    }

    static int elementBytes(int dataType) {
        return switch (dataType) {
            case FLOAT, INT32 -> 4;
            case INT64, DOUBLE -> 8;
            case FLOAT16, BFLOAT16 -> 2;
            default -> -1;
        };
    }

    /** The values as a heap F32 tensor of shape {@link #shape()}; the tensor must be float32. */
    public Tensor toF32() {
        if (dataType != FLOAT) throw new IllegalStateException("tensor '" + name + "' is " + typeName(dataType) + ", not float32");
        float[] values = new float[Math.toIntExact(numel())];
        MemorySegment.copy(data, F32, 0, values, 0, values.length);
        return Tensor.of(values, shape());
    }

    /** The values of an int64 tensor. */
    public long[] toLongs() {
        if (dataType != INT64) throw new IllegalStateException("tensor '" + name + "' is " + typeName(dataType) + ", not int64");
        long[] values = new long[Math.toIntExact(numel())];
        MemorySegment.copy(data, I64, 0, values, 0, values.length);
        return values;
    }
}
