package dev.bedside.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An n-dimensional array: a {@link Storage} seen through a shape, strides and an offset (all in elements).
 *
 * <p>Views (slice, transpose, reshape of a contiguous tensor) share storage and copy nothing. Kernels want
 * contiguous F32 rows in a heap array: {@link #contiguous()} gives that, copying only when it must.
 * Shapes are row-major: the last dimension varies fastest.
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final long[] strides;
    private final long offset;

    private Tensor(Storage storage, int[] shape, long[] strides, long offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ---------------------------------------------------------------- creation

    /** A new zero-filled F32 tensor. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new Storage.Heap(new float[checkedNumel("zeros", shape)]), shape.clone(), rowMajorStrides(shape), 0);
    }

    /** Wraps {@code data} (not copied) as a contiguous F32 tensor. */
    public static Tensor of(float[] data, int... shape) {
        if (checkedNumel("of", shape) != data.length) {
            throw new ShapeException("Tensor.of", data.length + " values do not fill the shape", shape);
        }
        return new Tensor(new Storage.Heap(data), shape.clone(), rowMajorStrides(shape), 0);
    }

    /** A tensor over a memory segment (e.g. a memory-mapped checkpoint), contiguous, in the given dtype. */
    public static Tensor ofSegment(MemorySegment segment, DType dtype, int... shape) {
        long numel = checkedNumelLong("ofSegment", shape);
        if (segment.byteSize() != numel * dtype.bytes()) {
            throw new ShapeException("Tensor.ofSegment", "segment holds " + segment.byteSize() + " bytes, shape needs "
                    + numel * dtype.bytes() + " bytes of " + dtype, shape);
        }
        return new Tensor(new Storage.Segment(segment, dtype), shape.clone(), rowMajorStrides(shape), 0);
    }

    /** A [rows, cols] tensor over a block-quantized matrix (read-only; kernels decode it block by block). */
    public static Tensor ofQuantized(QuantizedMatrix matrix) {
        int[] shape = {matrix.rows(), matrix.cols()};
        return new Tensor(new Storage.Quantized(matrix), shape, rowMajorStrides(shape), 0);
    }

    /** Bytes the elements occupy in their storage (for quantized weights: codes and scales). */
    public long storageBytes() {
        return storage instanceof Storage.Quantized(QuantizedMatrix m) ? m.bytes() : numelLong() * dtype().bytes();
    }

    /** Uniform values in [low, high), reproducible from the seed. */
    public static Tensor uniform(long seed, float low, float high, int... shape) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] data = new float[checkedNumel("uniform", shape)];
        for (int i = 0; i < data.length; i++) data[i] = low + (high - low) * (float) random.nextDouble();
        return of(data, shape);
    }

    /** Normal values with the given standard deviation, reproducible from the seed. */
    public static Tensor normal(long seed, float std, int... shape) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] data = new float[checkedNumel("normal", shape)];
        for (int i = 0; i < data.length; i += 2) {
            // Box–Muller: two independent normals from two uniforms.
            double u1 = 1.0 - random.nextDouble(), u2 = random.nextDouble();
            double radius = Math.sqrt(-2.0 * Math.log(u1));
            data[i] = (float) (std * radius * Math.cos(2 * Math.PI * u2));
            if (i + 1 < data.length) data[i + 1] = (float) (std * radius * Math.sin(2 * Math.PI * u2));
        }
        return of(data, shape);
    }

    // ---------------------------------------------------------------- shape

    public int[] shape() { return shape.clone(); }

    public int dim(int axis) { return shape[normalizeAxis("dim", axis)]; }

    public int rank() { return shape.length; }

    public long[] strides() { return strides.clone(); }

    public long offset() { return offset; }

    public Storage storage() { return storage; }

    public DType dtype() { return storage.dtype(); }

    public long numelLong() {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** Number of elements; fails for tensors that a Java array cannot hold. */
    public int numel() { return Math.toIntExact(numelLong()); }

    public boolean isContiguous() {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /** True when {@link #data()} and {@link #offset()} describe this tensor's elements in row-major order. */
    public boolean isHeapContiguous() { return storage instanceof Storage.Heap && isContiguous(); }

    /**
     * The backing array of a contiguous F32 heap tensor; element i of the tensor (row-major) is
     * {@code data()[offset() + i]}.
     */
    public float[] data() {
        if (!(storage instanceof Storage.Heap(float[] array))) {
            throw new IllegalStateException("data(): tensor " + Arrays.toString(shape) + " is stored as "
                    + storage.dtype() + " in a memory segment; call contiguous() first");
        }
        if (!isContiguous()) {
            throw new IllegalStateException("data(): tensor " + Arrays.toString(shape)
                    + " is a strided view; call contiguous() first");
        }
        return array;
    }

    // ---------------------------------------------------------------- element access

    public float get(int... index) { return storage.get(flatIndex("get", index)); }

    public void set(float value, int... index) { storage.set(flatIndex("set", index), value); }

    private long flatIndex(String op, int[] index) {
        if (index.length != shape.length) {
            throw new ShapeException("Tensor." + op, "index of rank " + index.length + " for a tensor of rank " + shape.length, shape);
        }
        long flat = offset;
        for (int d = 0; d < index.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new ShapeException("Tensor." + op, "index " + Arrays.toString(index) + " out of bounds", shape);
            }
            flat += index[d] * strides[d];
        }
        return flat;
    }

    // ---------------------------------------------------------------- views

    /** Elements [start, end) along {@code axis}; shares storage. */
    public Tensor slice(int axis, int start, int end) {
        int d = normalizeAxis("slice", axis);
        if (start < 0 || end > shape[d] || start > end) {
            throw new ShapeException("Tensor.slice", "range [" + start + ", " + end + ") outside axis " + d, shape);
        }
        int[] newShape = shape.clone();
        newShape[d] = end - start;
        return new Tensor(storage, newShape, strides.clone(), offset + start * strides[d]);
    }

    /** Swaps two axes; shares storage. */
    public Tensor transpose(int axis0, int axis1) {
        int a = normalizeAxis("transpose", axis0), b = normalizeAxis("transpose", axis1);
        int[] newShape = shape.clone();
        long[] newStrides = strides.clone();
        newShape[a] = shape[b];
        newShape[b] = shape[a];
        newStrides[a] = strides[b];
        newStrides[b] = strides[a];
        return new Tensor(storage, newShape, newStrides, offset);
    }

    /** Same elements in a new shape: a view when contiguous, otherwise a copy. One axis may be -1. */
    public Tensor reshape(int... newShape) {
        int[] resolved = resolveShape(newShape);
        if (isContiguous()) return new Tensor(storage, resolved, rowMajorStrides(resolved), offset);
        return contiguous().reshape(resolved);
    }

    /** This tensor if it is already contiguous F32 on the heap, otherwise a contiguous F32 copy. */
    public Tensor contiguous() {
        if (isHeapContiguous()) return this;
        return copy();
    }

    /** A fresh contiguous F32 heap copy. */
    public Tensor copy() {
        float[] out = new float[numel()];
        if (isHeapContiguous()) {
            System.arraycopy(data(), (int) offset, out, 0, out.length);
        } else if (isContiguous()) {
            for (int i = 0; i < out.length; i++) out[i] = storage.get(offset + i);   // a segment, widened in order
        } else {
            copyStrided(out);
        }
        return of(out, shape);
    }

    private void copyStrided(float[] out) {
        int[] index = new int[shape.length];
        for (int i = 0; i < out.length; i++) {
            long flat = offset;
            for (int d = 0; d < shape.length; d++) flat += index[d] * strides[d];
            out[i] = storage.get(flat);
            for (int d = shape.length - 1; d >= 0; d--) {   // odometer increment
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
    }

    /** The elements in row-major order as a new array. */
    public float[] toFloatArray() {
        return isHeapContiguous() && offset == 0 && data().length == numel() ? data().clone() : copy().data();
    }

    private int[] resolveShape(int[] newShape) {
        int inferred = -1;
        long known = 1;
        for (int d = 0; d < newShape.length; d++) {
            if (newShape[d] == -1) {
                if (inferred >= 0) throw new ShapeException("Tensor.reshape", "more than one -1 in the new shape", shape, newShape);
                inferred = d;
            } else if (newShape[d] < 0) {
                throw new ShapeException("Tensor.reshape", "negative size", shape, newShape);
            } else {
                known *= newShape[d];
            }
        }
        int[] resolved = newShape.clone();
        long numel = numelLong();
        if (inferred >= 0) {
            if (known == 0 || numel % known != 0) throw new ShapeException("Tensor.reshape", "cannot infer -1", shape, newShape);
            resolved[inferred] = Math.toIntExact(numel / known);
        } else if (known != numel) {
            throw new ShapeException("Tensor.reshape", numel + " elements do not fit the new shape", shape, newShape);
        }
        return resolved;
    }

    private int normalizeAxis(String op, int axis) {
        int d = axis < 0 ? axis + shape.length : axis;
        if (d < 0 || d >= shape.length) throw new ShapeException("Tensor." + op, "axis " + axis + " out of range", shape);
        return d;
    }

    public static long[] rowMajorStrides(int[] shape) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= shape[d];
        }
        return strides;
    }

    private static long checkedNumelLong(String op, int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new ShapeException("Tensor." + op, "negative size", shape);
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    private static int checkedNumel(String op, int[] shape) {
        long n = checkedNumelLong(op, shape);
        if (n > Integer.MAX_VALUE - 8) throw new ShapeException("Tensor." + op, "too many elements for a heap tensor", shape);
        return (int) n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Arrays.toString(shape)).append(' ').append(dtype());
        int n = (int) Math.min(numelLong(), 8);
        float[] head = new float[n];
        if (n > 0) {
            float[] all = numelLong() <= 8 ? toFloatArray() : reshape(-1).slice(0, 0, n).toFloatArray();
            System.arraycopy(all, 0, head, 0, n);
        }
        sb.append(' ').append(Arrays.toString(head));
        if (numelLong() > 8) sb.setLength(sb.length() - 1);
        return numelLong() > 8 ? sb.append(", ...]").toString() : sb.toString();
    }
}
