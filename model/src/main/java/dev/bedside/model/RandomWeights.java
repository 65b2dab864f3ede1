package dev.bedside.model;

import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Random weights of any Llama shape, for benchmarks and memory checks without a checkpoint: matrices
 * N(0, 0.02) stored as BF16 off the heap (as a memory-mapped checkpoint would be), or as F32 arrays on the
 * heap (as a model trained or merged in full precision is held); norm weights 1.
 * Reproducible from the seed (the F32 values are the BF16 ones widened); tensors are filled in parallel,
 * each from its own seed.
 */
public final class RandomWeights implements AutoCloseable {
    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena = Arena.ofShared();
    private final Map<String, Tensor> tensors = new TreeMap<>();
    private final LlamaConfig config;
    private final DType dtype;

    /** BF16 matrices off the heap. */
    public RandomWeights(LlamaConfig config, long seed) { this(config, seed, DType.BF16); }

    /** Matrices in {@code dtype}: BF16 off the heap, or F32 on the heap. */
    public RandomWeights(LlamaConfig config, long seed, DType dtype) {
        if (dtype != DType.BF16 && dtype != DType.F32) throw new IllegalArgumentException("RandomWeights: BF16 or F32, not " + dtype);
        this.config = config;
        this.dtype = dtype;
        Map<String, int[]> shapes = LlamaLayout.expectedShapes(config);
        String[] names = shapes.keySet().toArray(String[]::new);
        Tensor[] made = new Tensor[names.length];
        IntStream.range(0, names.length).parallel().forEach(i -> made[i] = make(names[i], shapes.get(names[i]), seed + i));
        for (int i = 0; i < names.length; i++) tensors.put(names[i], made[i]);
    }

    private Tensor make(String name, int[] shape, long seed) {
        if (shape.length == 1) {   // norm weights: ones, in F32 on the heap like a loaded norm after contiguous()
            float[] ones = new float[shape[0]];
            java.util.Arrays.fill(ones, 1f);
            return Tensor.of(ones, shape);
        }
        long count = (long) shape[0] * shape[1];
        if (dtype == DType.F32) {
            float[] values = new float[Math.toIntExact(count)];
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < values.length; i++) values[i] = DType.bf16ToFloat(DType.floatToBf16((float) (0.02 * random.nextGaussian())));
            return Tensor.of(values, shape);
        }
        MemorySegment segment = arena.allocate(count * 2, 64);
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < count; i++) segment.setAtIndex(U16_LE, i, DType.floatToBf16((float) (0.02 * random.nextGaussian())));
        return Tensor.ofSegment(segment, DType.BF16, shape);
    }

    public LlamaWeights weights() {
        return LlamaWeights.of(config, name -> {
            Tensor t = tensors.get(name);
            if (t == null) throw new IllegalArgumentException("random weights have no tensor " + name);
            return t;
        });
    }

    /** A model over these weights; closing the model frees them. */
    public LlamaModel model(int contextLength) {
        return new LlamaModel(config, GenerationConfig.EMPTY, weights(), contextLength, this);
    }

    /** Bytes of all weights. */
    public long bytes() {
        return tensors.values().stream().mapToLong(t -> t.numelLong() * t.dtype().bytes()).sum();
    }

    @Override
    public void close() { arena.close(); }
}
