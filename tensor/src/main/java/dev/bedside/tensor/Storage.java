package dev.bedside.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Where a tensor's elements live: a heap {@code float[]} (all compute), a {@link MemorySegment}
 * (weights memory-mapped from a checkpoint, in F32, F16 or BF16, little-endian), or a block-quantized
 * {@link QuantizedMatrix} (frozen 4- and 8-bit weights).
 */
public sealed interface Storage permits Storage.Heap, Storage.Segment, Storage.Quantized {

    DType dtype();

    /** Number of elements. */
    long length();

    float get(long index);

    void set(long index, float value);

    /** F32 elements in a Java array: the layout every CPU kernel works on. */
    record Heap(float[] data) implements Storage {
        public DType dtype() { return DType.F32; }
        public long length() { return data.length; }
        public float get(long index) { return data[Math.toIntExact(index)]; }
        public void set(long index, float value) { data[Math.toIntExact(index)] = value; }
    }

    /** Elements in native or mapped memory, little-endian as safetensors and GGUF store them. */
    record Segment(MemorySegment segment, DType dtype) implements Storage {
        static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

        public Segment {
            if (dtype.isQuantized()) throw new IllegalArgumentException(dtype + " weights are held by a QuantizedMatrix, not a plain segment");
            if (segment.byteSize() % dtype.bytes() != 0) {
                throw new IllegalArgumentException("segment of " + segment.byteSize()
                        + " bytes is not a whole number of " + dtype + " elements");
            }
        }

        public long length() { return segment.byteSize() / dtype.bytes(); }

        public float get(long index) {
            return switch (dtype) {
                case F32 -> segment.getAtIndex(F32, index);
                case F16 -> DType.f16ToFloat(segment.getAtIndex(U16, index));
                case BF16 -> DType.bf16ToFloat(segment.getAtIndex(U16, index));
                case Q8_0, Q4_0, NF4 -> throw new IllegalStateException("unreachable: quantized segment");
            };
        }

        public void set(long index, float value) {
            switch (dtype) {
                case F32 -> segment.setAtIndex(F32, index, value);
                case F16 -> segment.setAtIndex(U16, index, DType.floatToF16(value));
                case BF16 -> segment.setAtIndex(U16, index, DType.floatToBf16(value));
                case Q8_0, Q4_0, NF4 -> throw new IllegalStateException("unreachable: quantized segment");
            }
        }
    }

    /** A block-quantized weight matrix, read-only; element i is row i / cols, column i % cols. */
    record Quantized(QuantizedMatrix matrix) implements Storage {
        public DType dtype() { return matrix.dtype(); }

        public long length() { return (long) matrix.rows() * matrix.cols(); }

        public float get(long index) {
            float[] one = new float[1];
            matrix.decode((int) (index / matrix.cols()), (int) (index % matrix.cols()), 1, one, 0);
            return one[0];
        }

        public void set(long index, float value) {
            throw new UnsupportedOperationException(matrix.dtype() + " weights are read-only");
        }
    }
}
