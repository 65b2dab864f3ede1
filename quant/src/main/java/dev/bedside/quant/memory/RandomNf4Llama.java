package dev.bedside.quant.memory;

import dev.bedside.model.GenerationConfig;
import dev.bedside.model.LlamaConfig;
import dev.bedside.model.LlamaLayout;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.LlamaWeights;
import dev.bedside.quant.BnbCodes;
import dev.bedside.quant.Nf4Matrix;
import dev.bedside.quant.QuantizedModels;
import dev.bedside.quant.Quantizer;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Llama of any shape with random weights built directly in QLoRA's storage: every linear weight of the
 * layers in NF4 with double-quantized constants, made a slab of rows at a time from random values (no
 * full-precision copy of a matrix ever exists); embeddings and LM head in BF16 and norms in F32, as QLoRA
 * keeps them. Values N(0, 0.02), rounded to BF16 before quantizing, like a BF16 checkpoint's.
 */
public final class RandomNf4Llama implements AutoCloseable {
    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Values generated and quantized together: 1 Mi, i.e. a 4 MiB float buffer per thread. */
    static final int SLAB_VALUES = 1 << 20;

    /** Writes rows [row, row + count) of a matrix with {@code cols} columns into {@code dst} (row-major). */
    @FunctionalInterface
    public interface RowSource {
        void fill(int row, int count, float[] dst);
    }

    private final Arena arena = Arena.ofShared();
    private final LlamaConfig config;
    private final Map<String, Tensor> tensors = new ConcurrentHashMap<>();

    public RandomNf4Llama(LlamaConfig config, long seed) {
        this.config = config;
        String[] names = LlamaLayout.expectedShapes(config).keySet().toArray(String[]::new);
        Map<String, int[]> shapes = LlamaLayout.expectedShapes(config);
        java.util.stream.IntStream.range(0, names.length).parallel().forEach(i -> {
            String name = names[i];
            int[] shape = shapes.get(name);
            tensors.put(name, make(name, shape, seed + i));
        });
    }

    private Tensor make(String name, int[] shape, long seed) {
        if (shape.length == 1) {
            float[] ones = new float[shape[0]];
            Arrays.fill(ones, 1f);
            return Tensor.of(ones, shape);
        }
        int rows = shape[0], cols = shape[1];
        RowSource random = gaussianBf16(cols, seed);
        if (!isLinear(name)) {   // embeddings / LM head: BF16 off the heap
            MemorySegment bf16 = arena.allocate((long) rows * cols * 2, 64);
            float[] slab = new float[Math.max(1, SLAB_VALUES / cols) * cols];
            int slabRows = slab.length / cols;
            for (int r = 0; r < rows; r += slabRows) {
                int n = Math.min(slabRows, rows - r);
                random.fill(r, n, slab);
                for (int i = 0; i < n * cols; i++) bf16.setAtIndex(U16_LE, (long) r * cols + i, DType.floatToBf16(slab[i]));
            }
            return Tensor.ofSegment(bf16, DType.BF16, shape);
        }
        return Tensor.ofQuantized(nf4(rows, cols, random, SLAB_VALUES, arena));
    }

    private static boolean isLinear(String name) {
        if (!name.startsWith("model.layers.")) return false;
        for (String module : QuantizedModels.LINEAR_MODULES) if (name.endsWith("." + module + ".weight")) return true;
        return false;
    }

    /** N(0, 0.02) values rounded to BF16, from a generator of its own per matrix (rows come in order). */
    static RowSource gaussianBf16(int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return (row, count, dst) -> {
            for (int i = 0; i < count * cols; i++) dst[i] = DType.bf16ToFloat(DType.floatToBf16((float) (0.02 * random.nextGaussian())));
        };
    }

    /**
     * NF4 with double quantization of a [rows, cols] matrix given slab by slab. NF4 blocks (64 values of the
     * flattened matrix) never straddle slabs when cols is a multiple of 64, so quantizing slabs and
     * concatenating gives the whole matrix's codes and absmax; these are then double-quantized as
     * bitsandbytes does (offset = mean absmax; 8-bit dynamic codes of absmax − offset in blocks of 256).
     */
    public static Nf4Matrix nf4(int rows, int cols, RowSource source, int slabValues, Arena arena) {
        if (cols % Nf4Matrix.BLOCK_SIZE != 0) {
            throw new IllegalArgumentException("random NF4: " + cols + " columns are not a multiple of the block size " + Nf4Matrix.BLOCK_SIZE);
        }
        long numel = (long) rows * cols;
        MemorySegment packed = arena.allocate(numel / 2, 64);
        float[] absmax = new float[Math.toIntExact(numel / Nf4Matrix.BLOCK_SIZE)];
        int slabRows = Math.max(1, Math.min(rows, slabValues / cols));
        float[] slab = new float[slabRows * cols];   // one buffer for the whole matrix: nothing left for the GC
        for (int r = 0; r < rows; r += slabRows) {
            int n = Math.min(slabRows, rows - r);
            source.fill(r, n, slab);
            Quantizer.nf4Blocks(slab, 0, n * cols / Nf4Matrix.BLOCK_SIZE, packed, (long) r * cols / Nf4Matrix.BLOCK_SIZE, absmax);
        }
        return doubleQuantize(packed, absmax, rows, cols);
    }

    private static Nf4Matrix doubleQuantize(MemorySegment packed, float[] absmax, int rows, int cols) {
        double sum = 0;
        for (float a : absmax) sum += a;
        float offset = (float) (sum / absmax.length);
        int nested = (absmax.length + Nf4Matrix.NESTED_BLOCK_SIZE - 1) / Nf4Matrix.NESTED_BLOCK_SIZE;
        float[] nestedAbsmax = new float[nested];
        byte[] codes = new byte[absmax.length];
        float[] map = BnbCodes.dynamic();
        for (int b = 0; b < nested; b++) {
            int from = b * Nf4Matrix.NESTED_BLOCK_SIZE, to = Math.min(absmax.length, from + Nf4Matrix.NESTED_BLOCK_SIZE);
            float max = 0;
            for (int i = from; i < to; i++) max = Math.max(max, Math.abs(absmax[i] - offset));
            nestedAbsmax[b] = max;
            float inverse = 1.0f / max;
            for (int i = from; i < to; i++) codes[i] = (byte) nearest(map, (absmax[i] - offset) * inverse);
        }
        return Nf4Matrix.nested(packed, codes, nestedAbsmax, offset, rows, cols, DType.BF16);
    }

    /** Index of the value of the sorted {@code map} nearest to x (at a midpoint, the lower one). */
    static int nearest(float[] map, float x) {
        int low = 0, high = map.length - 1;
        if (!(x > map[low])) return low;
        if (x >= map[high]) return high;
        while (high - low > 1) {   // invariant: map[low] < x <= map[high]
            int mid = (low + high) >>> 1;
            if (x > map[mid]) low = mid;
            else high = mid;
        }
        return x > (map[low] + map[high]) * 0.5f ? high : low;
    }

    public LlamaWeights weights() { return LlamaWeights.of(config, tensors::get); }

    /** A model over these weights; closing it frees them. */
    public LlamaModel model(int contextLength) {
        return new LlamaModel(config, GenerationConfig.EMPTY, weights(), contextLength, this);
    }

    /** Bytes held by the weights (NF4 codes and constants, BF16 and F32 tensors). */
    public long weightBytes() {
        long bytes = 0;
        for (Tensor t : tensors.values()) bytes += t.storageBytes();
        return bytes;
    }

    /** Bytes of the NF4 weights only. */
    public long nf4Bytes() {
        return tensors.values().stream().filter(t -> t.dtype() == DType.NF4).mapToLong(Tensor::storageBytes).sum();
    }

    private boolean closed;

    /** Frees the weights once (the model and the caller may both close). */
    @Override
    public synchronized void close() {
        if (!closed) arena.close();
        closed = true;
    }
}
