package dev.bedside.tornado;

import static dev.bedside.tornado.DeviceGraph.copyIn;

import dev.bedside.tensor.BlockCodes;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Storage;
import dev.bedside.tensor.Tensor;
import dev.bedside.tornado.kernels.MatmulKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

/**
 * Frozen weights packed into shared device buffers, and the graphs that multiply by them. TornadoVM binds buffers to
 * a graph and compiles code per execution plan, so a graph set per weight would mean hundreds of kernel compilations
 * and as many sets of activation buffers for a large model; an arena holding a model's weights (or a gigabyte of
 * them) needs a few of each. The matrix kernels read a weight at its offsets in the shared buffers ({@link Placement}).
 *
 * <p>Graphs, all in one execution plan and reading the one device copy of the weights:
 * <ul>
 *   <li>decode, y = W · x for one token: one graph per input width ({@code in}) among the weights;</li>
 *   <li>forward, y = x · Wᵀ for a batch of rows: one per input width;</li>
 *   <li>backward, dy · W: one per output width ({@code out}), the width of dy.</li>
 * </ul>
 * One graph per width because TornadoVM sends an input buffer whole: a projection from the hidden state must not send
 * a buffer sized for the MLP's intermediate width. TornadoVM compiles a graph on its first run, so inference never
 * compiles the backward ones.
 *
 * <p>The weights are copied into host buffers when the arena is made and go to the device when it is first built;
 * they must not change afterwards (the {@code Backend#linear} contract). A batched graph's buffers hold the rows of
 * the largest call so far times its width, rounded up to a power of two; a call that does not fit rebuilds the plan
 * (so the weights go to the device again and the graphs are compiled again), which the rounding keeps to a few times.
 */
final class WeightArena implements AutoCloseable {
    /** Code and value bytes one arena takes before a new one is started (a larger weight gets an arena of its own). */
    static final long BYTES = 1L << 30;

    /** Where a weight W [rows = out, cols = in] lies in its arena's buffers. */
    record Placement(WeightArena arena, int format, int rows, int cols, int codesAt, int scalesAt, int valuesAt) {}

    private final ByteArray codes;
    private final FloatArray scales, values, codeBook;
    /** Input width → the widest output among the weights of that input width; and output width → widest input. */
    private final Map<Integer, Integer> widestOutByIn = new TreeMap<>(), widestInByOut = new TreeMap<>();
    /** The first weight packed: the one whose row the upload run reads. */
    private Placement first;
    private int rowCapacity;
    private Graphs graphs;

    /** A graph, its input buffer and its result buffer, for rows of {@code inWidth} in and {@code outWidth} out. */
    private record Product(DeviceGraph graph, FloatArray in, FloatArray out, int inWidth, int outWidth) {
        boolean fits(int rows) { return (long) rows * inWidth <= in.getSize() && (long) rows * outWidth <= out.getSize(); }
    }

    /** The plan's graphs for the current row capacity. */
    private record Graphs(Map<Integer, Product> decode, Map<Integer, Product> forward, Map<Integer, Product> backward) {}

    private WeightArena(ByteArray codes, FloatArray scales, FloatArray values, FloatArray codeBook) {
        this.codes = codes;
        this.scales = scales;
        this.values = values;
        this.codeBook = codeBook;
    }

    // ------------------------------------------------------------------ packing

    /** A weight's device layout: codes and scales (quantized) or F32 values, and its matrix format. */
    private record Packed(Tensor weight, BlockCodes blocks, float[] f32) {
        static Packed of(Tensor w) {
            if (w.storage() instanceof Storage.Quantized q) return new Packed(w, q.matrix().blockCodes(), null);
            return new Packed(w, null, w.toFloatArray());   // F32, F16 or BF16: widened to F32 once
        }

        long bytes() { return blocks != null ? blocks.codes().length + 4L * blocks.scales().length : 4L * f32.length; }

        int format() {
            if (blocks == null) return MatmulKernels.F32;
            return switch (blocks.dtype()) {
                case Q8_0 -> MatmulKernels.Q8_0;
                case Q4_0 -> MatmulKernels.Q4_0;
                case NF4 -> MatmulKernels.NF4;
                default -> throw new IllegalArgumentException(blocks.dtype() + " is not block-quantized");
            };
        }
    }

    /**
     * Packs frozen weights [out, in] (F32, F16, BF16 or block-quantized) into arenas of about {@link #BYTES} each, in
     * order; returns each weight's placement, in the order given.
     */
    static List<Placement> pack(List<Tensor> weights) {
        List<Placement> placed = new ArrayList<>();
        List<Packed> chunk = new ArrayList<>();
        long chunkBytes = 0;
        float[] chunkCodeBook = null;
        for (Tensor w : weights) {
            Packed p = Packed.of(w);
            float[] book = p.blocks != null && p.blocks.dtype() == DType.NF4 ? p.blocks.codeBook() : null;
            boolean bookClash = book != null && chunkCodeBook != null && !Arrays.equals(book, chunkCodeBook);
            if (!chunk.isEmpty() && (chunkBytes + p.bytes() > BYTES || bookClash)) {
                placed.addAll(build(chunk));
                chunk.clear();
                chunkBytes = 0;
                chunkCodeBook = null;
            }
            chunk.add(p);
            chunkBytes += p.bytes();
            if (book != null) chunkCodeBook = book;
        }
        if (!chunk.isEmpty()) placed.addAll(build(chunk));
        return placed;
    }

    private static List<Placement> build(List<Packed> weights) {
        long codeBytes = 0, scaleCount = 0, valueCount = 0;
        float[] book = {0f};
        for (Packed p : weights) {
            if (p.blocks != null) {
                codeBytes += p.blocks.codes().length;
                scaleCount += p.blocks.scales().length;
                if (p.blocks.dtype() == DType.NF4) book = p.blocks.codeBook();
            } else {
                valueCount += p.f32.length;
            }
        }
        WeightArena arena = new WeightArena(new ByteArray(size(codeBytes)), new FloatArray(size(scaleCount)),
                new FloatArray(size(valueCount)), FloatArray.fromArray(book));
        int codesAt = 0, scalesAt = 0, valuesAt = 0;
        List<Placement> placed = new ArrayList<>();
        for (Packed p : weights) {
            int rows = p.weight.dim(0), cols = p.weight.dim(1);
            placed.add(new Placement(arena, p.format(), rows, cols, codesAt, scalesAt, valuesAt));
            if (p.blocks != null) {
                MemorySegment.copy(p.blocks.codes(), 0, arena.codes.getSegment(), ValueLayout.JAVA_BYTE, codesAt, p.blocks.codes().length);
                MemorySegment.copy(p.blocks.scales(), 0, arena.scales.getSegment(), ValueLayout.JAVA_FLOAT, 4L * scalesAt, p.blocks.scales().length);
                codesAt += p.blocks.codes().length;
                scalesAt += p.blocks.scales().length;
            } else {
                MemorySegment.copy(p.f32, 0, arena.values.getSegment(), ValueLayout.JAVA_FLOAT, 4L * valuesAt, p.f32.length);
                valuesAt += p.f32.length;
            }
            arena.widestOutByIn.merge(cols, rows, Math::max);
            arena.widestInByOut.merge(rows, cols, Math::max);
        }
        arena.first = placed.getFirst();
        return placed;
    }

    /** At least one element (TornadoVM allocates no empty array), at most what an int indexes. */
    private static int size(long n) { return Math.toIntExact(Math.max(1, n)); }

    // ------------------------------------------------------------------ the graphs

    private TornadoNativeArray[] weightBuffers() { return new TornadoNativeArray[] {values, codes, scales, codeBook}; }

    /** Builds the plan with batched buffers for at least {@code rows} rows, and uploads the weights (an idle decode run). */
    private void build(int rows) {
        close();
        rowCapacity = rows;
        Map<Integer, Product> decode = new TreeMap<>(), forward = new TreeMap<>(), backward = new TreeMap<>();
        List<DeviceGraph> all = new ArrayList<>();
        // The decode graph of the first weight's width uploads the weights and keeps them; every other graph reads them.
        DeviceGraph uploader = decodeGraph(decode, first.cols(), null);
        all.add(uploader);
        for (int width : widestOutByIn.keySet()) {
            if (width != first.cols()) all.add(decodeGraph(decode, width, uploader));
        }
        for (Map.Entry<Integer, Integer> e : widestOutByIn.entrySet()) {
            forward.put(e.getKey(), batched("arenaForward", uploader, rows, e.getKey(), e.getValue()));
            all.add(forward.get(e.getKey()).graph);
        }
        for (Map.Entry<Integer, Integer> e : widestInByOut.entrySet()) {
            backward.put(e.getKey(), batched("arenaBackward", uploader, rows, e.getKey(), e.getValue()));
            all.add(backward.get(e.getKey()).graph);
        }
        DeviceGraph.compileTogether(all.toArray(DeviceGraph[]::new));
        graphs = new Graphs(decode, forward, backward);
        // No rows: this run only uploads the weights (the kernel reads the first weight's first row, in bounds).
        uploader.setDims(0, first.cols(), first.format(), first.codesAt(), first.scalesAt(), first.valuesAt());
        uploader.sizeGroups("t", 1, MatmulKernels.ROW_GROUP);
        uploader.run();
    }

    /** The decode graph for inputs of {@code width}: it uploads the weights when {@code uploader} is null. */
    private DeviceGraph decodeGraph(Map<Integer, Product> decode, int width, DeviceGraph uploader) {
        FloatArray in = new FloatArray(width), out = new FloatArray(widestOutByIn.get(width));
        DeviceGraph g = new DeviceGraph("arenaDecode");
        if (uploader == null) g.once(weightBuffers()).keepOnDevice(weightBuffers()); else g.useFrom(uploader, weightBuffers());
        g.everyRun(in);
        g.graph.task("t", MatmulKernels::matVec, g.context, in, values, codes, scales, codeBook, out, g.dims);
        g.grid("t", 1).results(out);
        decode.put(width, new Product(g, in, out, width, widestOutByIn.get(width)));
        return g;
    }

    /** A tiled product graph for at least {@code rows} rows of {@code inWidth} in and {@code outWidth} out. */
    private Product batched(String name, DeviceGraph uploader, int rows, int inWidth, int outWidth) {
        FloatArray in = new FloatArray(DevicePlans.powerOfTwoAtLeast(Math.multiplyExact(rows, inWidth)));
        FloatArray out = new FloatArray(DevicePlans.powerOfTwoAtLeast(Math.multiplyExact(rows, outWidth)));
        DeviceGraph g = new DeviceGraph(name).useFrom(uploader, weightBuffers()).everyRun(in);
        g.graph.task("t", MatmulKernels::gemm, g.context, in, values, codes, scales, codeBook, out, g.dims, g.scalars);
        g.grid("t", 2).results(out);
        return new Product(g, in, out, inWidth, outWidth);
    }

    /** The plan's graphs, built or rebuilt so that the graph {@code which} picks holds {@code rows} rows. */
    private Product product(int rows, Function<Graphs, Product> which) {
        if (graphs == null) build(rows);
        if (!which.apply(graphs).fits(rows)) build(Math.max(rows, rowCapacity));
        return which.apply(graphs);
    }

    // ------------------------------------------------------------------ the products

    /** y [1, out] = x [1, in] · Wᵀ for one token, W at {@code p}. */
    void decode(Placement p, Tensor x, Tensor y) {
        Product d = product(1, g -> g.decode.get(p.cols()));
        copyIn(x, d.in);
        d.graph.setDims(p.rows(), p.cols(), p.format(), p.codesAt(), p.scalesAt(), p.valuesAt());
        d.graph.sizeGroups("t", p.rows(), MatmulKernels.ROW_GROUP);
        d.graph.run();
        d.graph.copyOut(d.out, y);
    }

    /** y [rows, out] = x [rows, in] · Wᵀ, W at {@code p}. */
    void forward(Placement p, Tensor x, Tensor y, int rows) {
        Product f = product(rows, g -> g.forward.get(p.cols()));
        copyIn(x, f.in);
        run(f, p, rows, p.rows(), p.cols(), true);
        f.graph.copyOut(f.out, y);
    }

    /** dx [rows, in] += dy [rows, out] · W, W at {@code p}: computed on the device, added on the host. */
    void backward(Placement p, Tensor dy, Tensor dx, int rows) {
        Product b = product(rows, g -> g.backward.get(p.rows()));
        copyIn(dy, b.in);
        run(b, p, rows, p.cols(), p.rows(), false);
        b.graph.addOut(b.out, dx);
    }

    private static void run(Product product, Placement p, int m, int n, int k, boolean transB) {
        product.graph.setDims(m, n, k, 0, transB ? 1 : 0, p.format(), p.codesAt(), p.scalesAt(), p.valuesAt());
        product.graph.setScalars(1f);
        TornadoBackend.sizeGemm(product.graph, m, n);
        product.graph.run();
    }

    /** Frees the plan's device memory (the host copy stays, for a later rebuild). */
    @Override
    public void close() {
        if (graphs == null) return;
        graphs.decode.values().iterator().next().graph.close();   // one plan holds all the graphs: this frees it
        graphs = null;
        rowCapacity = 0;
    }
}
