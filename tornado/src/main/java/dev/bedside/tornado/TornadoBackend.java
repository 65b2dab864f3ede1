package dev.bedside.tornado;

import static dev.bedside.tensor.Checks.lastDim;
import static dev.bedside.tensor.Checks.requireSameShape;
import static dev.bedside.tensor.Checks.rowsOf;
import static dev.bedside.tornado.DeviceGraph.copyIn;

import dev.bedside.tensor.BlockCodes;
import dev.bedside.tensor.Checks.AttentionShape;
import dev.bedside.tensor.Checks.GemmShape;
import dev.bedside.tensor.Checks.LinearShape;
import dev.bedside.tensor.Checks.RopeShape;
import dev.bedside.tensor.Checks.RowShape;
import dev.bedside.tensor.CpuBackend;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.DeviceTraffic;
import dev.bedside.tensor.Storage;
import dev.bedside.tensor.Tensor;
import dev.bedside.tornado.kernels.AttentionKernels;
import dev.bedside.tornado.kernels.MatmulKernels;
import dev.bedside.tornado.kernels.PointwiseKernels;
import dev.bedside.tornado.kernels.RowKernels;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

/**
 * The kernels of training and inference on a TornadoVM device: GEMM, the frozen-weight products (F32, F16,
 * BF16 and the 4-bit and 8-bit formats, forward and backward), RMSNorm, softmax, the log-probability gather,
 * rotary embeddings, SwiGLU and causal attention forward and backward. The rest (embedding look-ups, element-wise
 * adds, encoder kernels) stays on the CPU, which it inherits.
 *
 * <p>Frozen weights (the {@code w} of {@link #linear} and {@link #linearBackward}) and the rotary tables are
 * copied to the device once and stay there; 4-bit and 8-bit weights stay in their block format, F16 and BF16 ones
 * are widened to F32 once. A model's weights are packed together into {@link WeightArena}s when it is made
 * ({@link #prepareWeights}); a weight nobody announced gets an arena of its own at its first use. Activations cross on every call, because the {@link dev.bedside.tensor.Backend}
 * contract gives each kernel host arrays, but only about what the call needs: buffers come in power-of-two size
 * classes, results come back only as far as the call's output reaches, a decoded token's projections move just the
 * token's vectors, and gradients are computed on the device and added to their accumulators on the host, so an
 * accumulator never goes to the device. {@link #traffic()} counts what crosses.
 *
 * <p>A graph's buffers are shared by every call to its kernel, and the device runs one graph at a time anyway,
 * so the device kernels are {@code synchronized}; what stays on the CPU runs in parallel as before.
 */
public final class TornadoBackend extends CpuBackend implements AutoCloseable {
    private final DevicePlans plans = new DevicePlans();
    /** Where each resident frozen weight lies, keyed weakly by its storage; an arena is freed once none of its weights is left. */
    private final Map<Identity, WeightArena.Placement> placements = new HashMap<>();
    private int lookupsSincePurge;
    private final String device;

    TornadoBackend(String device) { this.device = device; }

    @Override
    public String name() { return "tornado"; }

    @Override
    public String description() { return "tornado (" + device + ")"; }

    /** Device runs and the bytes that crossed each way so far (every TornadoVM graph of this JVM). */
    @Override
    public DeviceTraffic traffic() { return DeviceGraph.traffic(); }

    /** Graph sets built so far: one per kernel and size class, one per weight arena; it stops growing once a model has run. */
    public synchronized int compiledGraphs() { return plans.size() + arenas().size(); }

    /** The arena holding a frozen weight, or null before it is placed (for tests: which weights share one). */
    synchronized Object arenaOf(Tensor w) {
        WeightArena.Placement p = placements.get(Identity.of(w));
        return p == null ? null : p.arena();
    }

    /** Closes now the graphs of weights already garbage-collected (this also happens every 1,024 kernel calls). */
    public synchronized void releaseCollectedWeights() {
        plans.purge();
        purgeArenas();
    }

    /** Frees every compiled graph and resident weight on the device. */
    @Override
    public synchronized void close() {
        plans.close();
        arenas().forEach(WeightArena::close);
        placements.clear();
    }

    /**
     * Packs a model's frozen weights into arenas now, together, instead of one arena per weight at its first use:
     * a few compilations and one set of activation buffers for the whole model (see {@link WeightArena}).
     */
    @Override
    public synchronized void prepareWeights(List<Tensor> frozenWeights) {
        List<Tensor> fresh = new ArrayList<>();
        Set<Identity> seen = new HashSet<>();
        for (Tensor w : frozenWeights) {
            Identity id = Identity.of(w);
            if (!placements.containsKey(id) && seen.add(id)) fresh.add(w);
        }
        if (fresh.isEmpty()) return;
        List<WeightArena.Placement> placed = WeightArena.pack(fresh);
        for (int i = 0; i < fresh.size(); i++) placements.put(Identity.of(fresh.get(i)).weakened(), placed.get(i));
    }

    private Set<WeightArena> arenas() {
        Set<WeightArena> arenas = Collections.newSetFromMap(new IdentityHashMap<>());
        placements.values().forEach(p -> arenas.add(p.arena()));
        return arenas;
    }

    /** Drops the placements of collected weights and frees the arenas none of whose weights is left. */
    private void purgeArenas() {
        lookupsSincePurge = 0;
        Set<WeightArena> before = arenas();
        placements.keySet().removeIf(Identity::cleared);
        Set<WeightArena> live = arenas();
        before.stream().filter(arena -> !live.contains(arena)).forEach(WeightArena::close);
    }

    /**
     * Identity of a weight's storage: resident copies are keyed by the array, segment or quantized matrix itself, not
     * its contents. A lookup holds it strongly (no allocation beyond this key per kernel call); the key a graph is
     * stored under holds it weakly ({@link #weakened}), so that once a model is closed and collected its device
     * copies are freed.
     */
    private static final class Identity implements DevicePlans.WeakKey {
        private final Object strong;
        private final WeakReference<Object> weak;
        private final long offset;
        private final int hash;

        private Identity(Object strong, WeakReference<Object> weak, long offset, int hash) {
            this.strong = strong;
            this.weak = weak;
            this.offset = offset;
            this.hash = hash;
        }

        static Identity of(Tensor t) {
            Object storage = switch (t.storage()) {
                case Storage.Heap heap -> heap.data();
                case Storage.Segment segment -> segment.segment();
                case Storage.Quantized quantized -> quantized.matrix();
            };
            return new Identity(storage, null, t.offset(), System.identityHashCode(storage) * 31 + Long.hashCode(t.offset()));
        }

        private Object storage() { return weak != null ? weak.get() : strong; }

        @Override
        public Identity weakened() { return weak != null ? this : new Identity(null, new WeakReference<>(strong), offset, hash); }

        @Override
        public boolean cleared() { return storage() == null; }

        @Override
        public boolean equals(Object other) {
            return other instanceof Identity o && o.offset == offset && o.storage() == storage() && !cleared();
        }

        @Override
        public int hashCode() { return hash; }
    }

    // ------------------------------------------------------------------ GEMM and the frozen-weight products

    /** The device copy of a RoPE table (F32, or F16/BF16 widened to F32 once). */
    private static FloatArray residentF32(Tensor w) {
        return FloatArray.fromArray(w.isHeapContiguous() && w.offset() == 0 && w.data().length == w.numel()
                ? w.data() : w.toFloatArray());
    }

    /** The one-element stand-ins for the operands a matrix kernel does not read (the other kind of weight). */
    private static final float[] NO_FLOATS = new float[1];
    private static final byte[] NO_CODES = new byte[1];

    /** gemm's right operand: F32 values that cross with every call, and one-element stand-ins for a quantized weight's parts. */
    private record Operand(FloatArray b, ByteArray codes, FloatArray scales, FloatArray codeBook) {
        static Operand plain(int capacity) {
            return new Operand(new FloatArray(capacity), ByteArray.fromArray(NO_CODES), FloatArray.fromArray(NO_FLOATS),
                    FloatArray.fromArray(NO_FLOATS));
        }
    }

    /** The grid of {@link MatmulKernels#gemm} for c [m, n]: a group of TILE × TILE work-items per BLOCK × BLOCK block. */
    static void sizeGemm(DeviceGraph graph, int m, int n) {
        int across = (n + MatmulKernels.BLOCK - 1) / MatmulKernels.BLOCK, down = (m + MatmulKernels.BLOCK - 1) / MatmulKernels.BLOCK;
        graph.size2D("t", across * MatmulKernels.TILE, down * MatmulKernels.TILE, MatmulKernels.TILE, MatmulKernels.TILE);
    }

    /**
     * A plain gemm graph (LoRA's small matrices and their gradients): a and b cross on every call; the device computes
     * alpha · op(a) · op(b) and the host adds beta · c, so c never goes to the device.
     */
    private record Gemm(DeviceGraph graph, FloatArray a, Operand b, FloatArray c) implements DevicePlans.Compiled {
        static Gemm build(int[] cap) {
            FloatArray a = new FloatArray(cap[0]), c = new FloatArray(cap[1]);
            Operand b = Operand.plain(cap[2]);
            DeviceGraph g = new DeviceGraph("gemm").everyRun(a, b.b).once(b.codes, b.scales, b.codeBook);
            g.graph.task("t", MatmulKernels::gemm, g.context, a, b.b, b.codes, b.scales, b.codeBook, c, g.dims, g.scalars);
            return new Gemm(g.grid("t", 2).results(c), a, b, c);
        }
    }

    @Override
    public synchronized void gemm(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float alpha, float beta) {
        GemmShape s = GemmShape.of("gemm", a, transA, b, transB, c);
        if (s.m() == 0 || s.n() == 0) return;
        Gemm g = plans.get(List.of("gemm"), new int[] {a.numel(), c.numel(), b.numel()}, Gemm::build);
        copyIn(a, g.a);
        copyIn(b, g.b.b);
        g.graph.setDims(s.m(), s.n(), s.k(), transA ? 1 : 0, transB ? 1 : 0, MatmulKernels.F32, 0, 0, 0);
        g.graph.setScalars(alpha);
        sizeGemm(g.graph, s.m(), s.n());
        g.graph.run();
        g.graph.copyOut(g.c, c, beta);
    }

    /** A frozen weight's place in its arena, packing it (alone) on its first use if no arena holds it yet. */
    private WeightArena.Placement placement(Tensor w) {
        if (++lookupsSincePurge >= 1024) purgeArenas();
        WeightArena.Placement p = placements.get(Identity.of(w));
        if (p == null) {
            prepareWeights(List.of(w));
            p = placements.get(Identity.of(w));
        }
        if (p.rows() != w.dim(0) || p.cols() != w.dim(1)) {
            throw new IllegalStateException("weight " + Arrays.toString(w.shape()) + " shares its storage with a resident weight ["
                    + p.rows() + ", " + p.cols() + "]: frozen weights must not be re-viewed");
        }
        return p;
    }

    @Override
    public synchronized void linear(Tensor x, Tensor w, Tensor y) {
        LinearShape s = LinearShape.of("linear", x, w, y);
        if (s.rows() == 0 || s.out() == 0) return;
        WeightArena.Placement p = placement(w);
        if (s.rows() == 1) p.arena().decode(p, x, y);
        else p.arena().forward(p, x, y, s.rows());
    }

    @Override
    public synchronized void linearBackward(Tensor dy, Tensor w, Tensor dx) {
        LinearShape s = LinearShape.of("linearBackward", dx, w, dy);
        if (s.rows() == 0 || s.in() == 0) return;
        WeightArena.Placement p = placement(w);
        p.arena().backward(p, dy, dx, s.rows());
    }

    // ------------------------------------------------------------------ RMSNorm

    private record RmsNorm(DeviceGraph graph, FloatArray x, FloatArray w, FloatArray out, FloatArray invRms) implements DevicePlans.Compiled {
        static RmsNorm build(int[] cap) {
            FloatArray x = new FloatArray(cap[0]), w = new FloatArray(cap[1]), out = new FloatArray(cap[0]), inv = new FloatArray(cap[2]);
            DeviceGraph g = new DeviceGraph("rmsNorm").everyRun(x, w);
            g.graph.task("t", RowKernels::rmsNorm, g.context, x, w, out, inv, g.dims, g.scalars);
            return new RmsNorm(g.grid("t", 1).results(out, inv), x, w, out, inv);
        }
    }

    @Override
    public synchronized void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out, Tensor invRms) {
        RowShape shape = RowShape.rmsNorm(x, weight, out, invRms);
        int dim = shape.cols(), rows = shape.rows();
        if (rows == 0) return;
        RmsNorm p = plans.get(List.of("rmsNorm"), new int[] {x.numel(), dim, rows}, RmsNorm::build);
        copyIn(x, p.x);
        copyIn(weight, p.w);
        p.graph.setDims(rows, dim);
        p.graph.setScalars(eps);
        p.graph.sizeGroups("t", rows, RowKernels.GROUP);
        p.graph.run();
        p.graph.copyOut(p.out, out);
        p.graph.copyOut(p.invRms, invRms);
    }

    private record RmsNormBackward(DeviceGraph graph, FloatArray g, FloatArray x, FloatArray w, FloatArray invRms,
                                   FloatArray dx, FloatArray dw) implements DevicePlans.Compiled {
        static RmsNormBackward build(int[] cap) {
            FloatArray g = new FloatArray(cap[0]), x = new FloatArray(cap[0]), dx = new FloatArray(cap[0]);
            FloatArray w = new FloatArray(cap[1]), dw = new FloatArray(cap[1]), inv = new FloatArray(cap[2]);
            DeviceGraph d = new DeviceGraph("rmsNormBackward").everyRun(g, x, w, inv);
            d.graph.task("rows", RowKernels::rmsNormBackward, d.context, g, x, w, inv, dx, d.dims)
                    .task("weight", RowKernels::rmsNormWeightGrad, d.context, g, x, inv, dw, d.dims);
            return new RmsNormBackward(d.grid("rows", 1).grid("weight", 1).results(dx, dw), g, x, w, inv, dx, dw);
        }
    }

    @Override
    public synchronized void rmsNormBackward(Tensor dOut, Tensor x, Tensor weight, Tensor invRms, Tensor dx, Tensor dWeight) {
        RowShape shape = RowShape.rmsNormBackward(dOut, x, weight, invRms, dx, dWeight);
        int dim = shape.cols(), rows = shape.rows();
        if (rows == 0) return;
        RmsNormBackward p = plans.get(List.of("rmsNormBackward"), new int[] {x.numel(), dim, rows}, RmsNormBackward::build);
        copyIn(dOut, p.g);
        copyIn(x, p.x);
        copyIn(weight, p.w);
        copyIn(invRms, p.invRms);

        p.graph.setDims(rows, dim);
        p.graph.sizeGroups("rows", rows, RowKernels.GROUP);
        p.graph.size1D("weight", dim);
        p.graph.run();
        p.graph.addOut(p.dx, dx);
        if (dWeight != null) p.graph.addOut(p.dw, dWeight);
    }

    // ------------------------------------------------------------------ softmax and the log-prob gather

    private record Softmax(DeviceGraph graph, FloatArray x, FloatArray out) implements DevicePlans.Compiled {
        static Softmax build(int[] cap) {
            FloatArray x = new FloatArray(cap[0]), out = new FloatArray(cap[0]);
            DeviceGraph g = new DeviceGraph("softmax").everyRun(x);
            g.graph.task("t", RowKernels::softmax, g.context, x, out, g.dims);
            return new Softmax(g.grid("t", 1).results(out), x, out);
        }
    }

    @Override
    public synchronized void softmax(Tensor x, Tensor out) {
        requireSameShape("softmax", x, out);
        int cols = lastDim(x), rows = rowsOf(x);
        if (rows == 0 || cols == 0) return;
        Softmax p = plans.get(List.of("softmax"), new int[] {x.numel()}, Softmax::build);
        copyIn(x, p.x);
        p.graph.setDims(rows, cols);
        p.graph.sizeGroups("t", rows, RowKernels.GROUP);
        p.graph.run();
        p.graph.copyOut(p.out, out);
    }

    private record Gather(DeviceGraph graph, FloatArray logits, IntArray targets, FloatArray logProbs, FloatArray logSumExp)
            implements DevicePlans.Compiled {
        static Gather build(int[] cap) {
            FloatArray logits = new FloatArray(cap[0]), lp = new FloatArray(cap[1]), lse = new FloatArray(cap[1]);
            IntArray targets = new IntArray(cap[1]);
            DeviceGraph g = new DeviceGraph("logProbGather").everyRun(logits, targets);
            g.graph.task("t", RowKernels::logProbGather, g.context, logits, targets, lp, lse, g.dims);
            return new Gather(g.grid("t", 1).results(lp, lse), logits, targets, lp, lse);
        }
    }

    @Override
    public synchronized void logProbGather(Tensor logits, int[] targets, Tensor logProbs, Tensor logSumExp) {
        RowShape shape = RowShape.logProbGather(logits, targets, logProbs, logSumExp);
        int vocab = shape.cols(), rows = shape.rows();
        if (rows == 0) return;
        Gather p = plans.get(List.of("logProbGather"), new int[] {logits.numel(), rows}, Gather::build);
        copyIn(logits, p.logits);
        copyIn(targets, p.targets);
        p.graph.setDims(rows, vocab);
        p.graph.sizeGroups("t", rows, RowKernels.GROUP);
        p.graph.run();
        p.graph.copyOut(p.logProbs, logProbs);
        p.graph.copyOut(p.logSumExp, logSumExp);
    }

    private record GatherBackward(DeviceGraph graph, FloatArray dLogProbs, FloatArray logits, IntArray targets,
                                  FloatArray logSumExp, FloatArray dLogits) implements DevicePlans.Compiled {
        static GatherBackward build(int[] cap) {
            FloatArray logits = new FloatArray(cap[0]), dLogits = new FloatArray(cap[0]);
            FloatArray dlp = new FloatArray(cap[1]), lse = new FloatArray(cap[1]);
            IntArray targets = new IntArray(cap[1]);
            DeviceGraph g = new DeviceGraph("logProbGatherBackward").everyRun(dlp, logits, targets, lse);
            g.graph.task("t", RowKernels::logProbGatherBackward, g.context, dlp, logits, targets, lse, dLogits, g.dims);
            return new GatherBackward(g.grid("t", 2).results(dLogits), dlp, logits, targets, lse, dLogits);
        }
    }

    @Override
    public synchronized void logProbGatherBackward(Tensor dLogProbs, Tensor logits, int[] targets, Tensor logSumExp, Tensor dLogits) {
        RowShape shape = RowShape.logProbGatherBackward(dLogProbs, logits, targets, logSumExp, dLogits);
        int vocab = shape.cols(), rows = shape.rows();
        if (rows == 0) return;
        GatherBackward p = plans.get(List.of("logProbGatherBackward"), new int[] {logits.numel(), rows}, GatherBackward::build);
        copyIn(dLogProbs, p.dLogProbs);
        copyIn(logits, p.logits);
        copyIn(targets, p.targets);
        copyIn(logSumExp, p.logSumExp);
        p.graph.setDims(rows, vocab);
        p.graph.size2D("t", vocab, rows);
        p.graph.run();
        p.graph.addOut(p.dLogits, dLogits);
    }

    // ------------------------------------------------------------------ SwiGLU and rotary embeddings

    private record Swiglu(DeviceGraph graph, FloatArray gate, FloatArray up, FloatArray out) implements DevicePlans.Compiled {
        static Swiglu build(int[] cap) {
            FloatArray gate = new FloatArray(cap[0]), up = new FloatArray(cap[0]), out = new FloatArray(cap[0]);
            DeviceGraph g = new DeviceGraph("swiglu").everyRun(gate, up);
            g.graph.task("t", PointwiseKernels::swiglu, g.context, gate, up, out, g.dims);
            return new Swiglu(g.grid("t", 1).results(out), gate, up, out);
        }
    }

    @Override
    public synchronized void swiglu(Tensor gate, Tensor up, Tensor out) {
        requireSameShape("swiglu", gate, up, out);
        int n = gate.numel();
        if (n == 0) return;
        Swiglu p = plans.get(List.of("swiglu"), new int[] {n}, Swiglu::build);
        copyIn(gate, p.gate);
        copyIn(up, p.up);
        p.graph.setDims(n);
        p.graph.size1D("t", n);
        p.graph.run();
        p.graph.copyOut(p.out, out);
    }

    private record SwigluBackward(DeviceGraph graph, FloatArray dOut, FloatArray gate, FloatArray up, FloatArray dGate,
                                  FloatArray dUp) implements DevicePlans.Compiled {
        static SwigluBackward build(int[] cap) {
            FloatArray dOut = new FloatArray(cap[0]), gate = new FloatArray(cap[0]), up = new FloatArray(cap[0]);
            FloatArray dGate = new FloatArray(cap[0]), dUp = new FloatArray(cap[0]);
            DeviceGraph g = new DeviceGraph("swigluBackward").everyRun(dOut, gate, up);
            g.graph.task("t", PointwiseKernels::swigluBackward, g.context, dOut, gate, up, dGate, dUp, g.dims);
            return new SwigluBackward(g.grid("t", 1).results(dGate, dUp), dOut, gate, up, dGate, dUp);
        }
    }

    @Override
    public synchronized void swigluBackward(Tensor dOut, Tensor gate, Tensor up, Tensor dGate, Tensor dUp) {
        requireSameShape("swigluBackward", gate, up, dOut, dGate, dUp);
        int n = gate.numel();
        if (n == 0) return;
        SwigluBackward p = plans.get(List.of("swigluBackward"), new int[] {n}, SwigluBackward::build);
        copyIn(dOut, p.dOut);
        copyIn(gate, p.gate);
        copyIn(up, p.up);
        p.graph.setDims(n);
        p.graph.size1D("t", n);
        p.graph.run();
        p.graph.addOut(p.dGate, dGate);
        p.graph.addOut(p.dUp, dUp);
    }

    private record Rope(DeviceGraph graph, FloatArray x, IntArray positions) implements DevicePlans.Compiled {
        /** The cos and sin tables are resident: a model's tables are built once and never change. */
        static Rope build(Tensor cos, Tensor sin, int[] cap) {
            FloatArray x = new FloatArray(cap[0]), c = residentF32(cos), s = residentF32(sin);
            IntArray positions = new IntArray(cap[1]);
            DeviceGraph g = new DeviceGraph("rope").once(c, s).everyRun(x, positions);
            g.graph.task("t", PointwiseKernels::rope, g.context, x, positions, c, s, g.dims);
            return new Rope(g.grid("t", 2).results(x), x, positions);
        }
    }

    @Override
    public synchronized void rope(Tensor x, int heads, int headDim, int[] positions, Tensor cos, Tensor sin, boolean inverse) {
        RopeShape.check(x, heads, headDim, positions, cos, sin);
        if (positions.length == 0) return;
        Rope p = plans.get(List.of("rope", Identity.of(cos), Identity.of(sin)), new int[] {x.numel(), positions.length},
                cap -> Rope.build(cos, sin, cap));
        copyIn(x, p.x);
        copyIn(positions, p.positions);
        p.graph.setDims(positions.length, heads, headDim, headDim / 2, inverse ? 1 : 0);
        p.graph.size2D("t", heads * (headDim / 2), positions.length);
        p.graph.run();
        p.graph.copyOut(p.x, x);
    }

    // ------------------------------------------------------------------ attention

    /**
     * The grid of an attention kernel, one work-item per (head, position): work-groups of 32 along the longer of the
     * two axes, so a group's work-items are neighbouring positions of one head in training (keys read alike) and the
     * heads of one position when decoding.
     */
    private static void sizeAttention(DeviceGraph graph, String task, int heads, int positions) {
        if (positions >= heads) graph.size2D(task, heads, positions, 1, DeviceGraph.GROUP);
        else graph.size2D(task, heads, positions, DeviceGraph.GROUP, 1);
    }

    private record Attention(DeviceGraph graph, FloatArray q, FloatArray k, FloatArray v, FloatArray out,
                             FloatArray logSumExp) implements DevicePlans.Compiled {
        static Attention build(int[] cap) {
            FloatArray q = new FloatArray(cap[0]), out = new FloatArray(cap[0]), k = new FloatArray(cap[1]);
            FloatArray v = new FloatArray(cap[1]), lse = new FloatArray(cap[2]);
            DeviceGraph g = new DeviceGraph("attention").everyRun(q, k, v);
            g.graph.task("t", AttentionKernels::attention, g.context, q, k, v, out, lse, g.dims);
            return new Attention(g.grid("t", 2).results(out, lse), q, k, v, out, lse);
        }
    }

    @Override
    public synchronized void attention(Tensor q, Tensor k, Tensor v, int heads, int kvHeads, Tensor out, Tensor logSumExp) {
        AttentionShape s = AttentionShape.forward(q, k, v, heads, kvHeads, out, logSumExp);
        if (s.tq() == 0) return;
        Attention p = plans.get(List.of("attention"), new int[] {q.numel(), k.numel(), heads * s.tq()}, Attention::build);
        copyIn(q, p.q);
        copyIn(k, p.k);
        copyIn(v, p.v);
        p.graph.setDims(s.tq(), s.tk(), heads, kvHeads, s.headDim());
        sizeAttention(p.graph, "t", heads, s.tq());
        p.graph.run();
        p.graph.copyOut(p.out, out);
        p.graph.copyOut(p.logSumExp, logSumExp);
    }

    private record AttentionBackward(DeviceGraph graph, FloatArray dOut, FloatArray q, FloatArray k, FloatArray v,
                                     FloatArray out, FloatArray logSumExp, FloatArray dq, FloatArray dk, FloatArray dv)
            implements DevicePlans.Compiled {
        static AttentionBackward build(int[] cap) {
            FloatArray dOut = new FloatArray(cap[0]), q = new FloatArray(cap[0]), out = new FloatArray(cap[0]), dq = new FloatArray(cap[0]);
            FloatArray k = new FloatArray(cap[1]), v = new FloatArray(cap[1]), dk = new FloatArray(cap[1]), dv = new FloatArray(cap[1]);
            FloatArray lse = new FloatArray(cap[2]), rowDots = new FloatArray(cap[2]);   // rowDots never leaves the device
            DeviceGraph g = new DeviceGraph("attentionBackward").everyRun(dOut, q, k, v, out, lse);
            g.graph.task("rowDots", AttentionKernels::rowDots, g.context, dOut, out, rowDots, g.dims)
                    .task("query", AttentionKernels::backwardQuery, g.context, dOut, q, k, v, lse, rowDots, dq, g.dims)
                    .task("keyValue", AttentionKernels::backwardKeyValue, g.context, dOut, q, k, v, lse, rowDots, dk, dv, g.dims);
            g.grid("rowDots", 2).grid("query", 2).grid("keyValue", 2).results(dq, dk, dv);
            return new AttentionBackward(g, dOut, q, k, v, out, lse, dq, dk, dv);
        }
    }

    @Override
    public synchronized void attentionBackward(Tensor dOut, Tensor q, Tensor k, Tensor v, Tensor out, Tensor logSumExp,
                                  int heads, int kvHeads, Tensor dq, Tensor dk, Tensor dv) {
        AttentionShape s = AttentionShape.backward(dOut, q, k, v, out, logSumExp, heads, kvHeads, dq, dk, dv);
        if (s.tq() == 0) return;
        AttentionBackward p = plans.get(List.of("attentionBackward"), new int[] {q.numel(), k.numel(), heads * s.tq()},
                AttentionBackward::build);
        copyIn(dOut, p.dOut);
        copyIn(q, p.q);
        copyIn(k, p.k);
        copyIn(v, p.v);
        copyIn(out, p.out);
        copyIn(logSumExp, p.logSumExp);
        p.graph.setDims(s.tq(), s.tk(), heads, kvHeads, s.headDim());
        sizeAttention(p.graph, "rowDots", heads, s.tq());
        sizeAttention(p.graph, "query", heads, s.tq());
        sizeAttention(p.graph, "keyValue", kvHeads, s.tk());
        p.graph.run();
        p.graph.addOut(p.dq, dq);
        p.graph.addOut(p.dk, dk);
        p.graph.addOut(p.dv, dv);
    }
}
