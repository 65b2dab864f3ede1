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
import java.util.List;
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
 * copied to the device on first use and stay there; 4-bit and 8-bit weights stay in their block format, F16 and
 * BF16 ones are widened to F32 once. Activations cross on every call, because the {@link dev.bedside.tensor.Backend}
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
    private final String device;

    TornadoBackend(String device) { this.device = device; }

    @Override
    public String name() { return "tornado"; }

    @Override
    public String description() { return "tornado (" + device + ")"; }

    /** Device runs and the bytes that crossed each way so far (every TornadoVM graph of this JVM). */
    @Override
    public DeviceTraffic traffic() { return DeviceGraph.traffic(); }

    /** Graphs built so far: one per kernel and one per resident weight, so it stops growing once a model has run. */
    public int compiledGraphs() { return plans.size(); }

    /** Closes now the graphs of weights already garbage-collected (this also happens every 1,024 kernel calls). */
    public synchronized void releaseCollectedWeights() { plans.purge(); }

    /** Frees every compiled graph and resident weight on the device. */
    @Override
    public synchronized void close() { plans.close(); }

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

    /** The device copy of a frozen F32, F16 or BF16 tensor (a weight, a RoPE table), widened to F32 once. */
    private static FloatArray residentF32(Tensor w) {
        return FloatArray.fromArray(w.isHeapContiguous() && w.offset() == 0 && w.data().length == w.numel()
                ? w.data() : w.toFloatArray());
    }

    /** The one-element stand-ins for the operands a matrix kernel does not read (the other kind of weight). */
    private static final float[] NO_FLOATS = new float[1];
    private static final byte[] NO_CODES = new byte[1];

    /**
     * The right operand of the matrix kernels as device buffers: plain F32 values ({@code b}), or a block-quantized
     * weight's codes, scales and (NF4) code book, with one-element stand-ins for the kind not used.
     */
    private record Operand(FloatArray b, ByteArray codes, FloatArray scales, FloatArray codeBook, int format) {
        /** A buffer of {@code capacity} F32 values that crosses with every call (gemm's b). */
        static Operand plain(int capacity) {
            return new Operand(new FloatArray(capacity), ByteArray.fromArray(NO_CODES), FloatArray.fromArray(NO_FLOATS),
                    FloatArray.fromArray(NO_FLOATS), MatmulKernels.F32);
        }

        /** A frozen weight: quantized ones keep their block format, F32, F16 and BF16 ones are widened to F32 once. */
        static Operand weight(Tensor w) {
            if (!(w.storage() instanceof Storage.Quantized q)) {
                Operand plain = plain(1);
                return new Operand(residentF32(w), plain.codes, plain.scales, plain.codeBook, MatmulKernels.F32);
            }
            BlockCodes blocks = q.matrix().blockCodes();
            int format = switch (blocks.dtype()) {
                case Q8_0 -> MatmulKernels.Q8_0;
                case Q4_0 -> MatmulKernels.Q4_0;
                case NF4 -> MatmulKernels.NF4;
                default -> throw new IllegalArgumentException(blocks.dtype() + " is not block-quantized");
            };
            return new Operand(FloatArray.fromArray(NO_FLOATS), ByteArray.fromArray(blocks.codes()),
                    FloatArray.fromArray(blocks.scales()),
                    FloatArray.fromArray(blocks.dtype() == DType.NF4 ? blocks.codeBook() : NO_FLOATS), format);
        }

        TornadoNativeArray[] buffers() { return new TornadoNativeArray[] {b, codes, scales, codeBook}; }
    }

    /** The grid of {@link MatmulKernels#gemm} for c [m, n]: a group of TILE × TILE work-items per BLOCK × BLOCK block. */
    private static void sizeGemm(DeviceGraph graph, int m, int n) {
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
        g.graph.setDims(s.m(), s.n(), s.k(), transA ? 1 : 0, transB ? 1 : 0, MatmulKernels.F32);
        g.graph.setScalars(alpha);
        sizeGemm(g.graph, s.m(), s.n());
        g.graph.run();
        g.graph.copyOut(g.c, c, beta);
    }

    /**
     * One direction of the batched product through a resident weight, tiled: {@code out = op(in) · op(W)}. It reads the
     * weight where {@code source} left it and sends only {@code in}; the output is written, so it never goes to the
     * device.
     */
    private record Product(DeviceGraph graph, FloatArray in, FloatArray out, int format) {
        static Product of(String name, DeviceGraph source, Operand weight, int inCapacity, int outCapacity) {
            FloatArray in = new FloatArray(inCapacity), out = new FloatArray(outCapacity);
            DeviceGraph g = new DeviceGraph(name).useFrom(source, weight.buffers()).everyRun(in);
            g.graph.task("t", MatmulKernels::gemm, g.context, in, weight.b, weight.codes, weight.scales, weight.codeBook,
                    out, g.dims, g.scalars);
            g.grid("t", 2).results(out);
            return new Product(g, in, out, weight.format);
        }

        /** out [m, n] = op(in) · op(W), reducing over k. */
        void run(int m, int n, int k, boolean transB) {
            graph.setDims(m, n, k, 0, transB ? 1 : 0, format);
            graph.setScalars(1f);
            sizeGemm(graph, m, n);
            graph.run();
        }
    }

    /**
     * A frozen weight W [out, in] on the device and the three graphs that read it. {@code vector} (decoding: y = W · x for
     * one token, a work-group per output) uploads it once and keeps it there; {@code forward} (y = x · Wᵀ) and
     * {@code backward} (dy · W) read that same copy. Each graph moves only its own activations, so a decoded token
     * crosses as x [in] and y [out] whatever size the batched calls before it had, and a forward product sends x
     * [rows, in], not a buffer sized for dy [rows, out] as well. TornadoVM compiles a graph on its first run: inference
     * never compiles the backward one.
     */
    private record ResidentWeight(DeviceGraph vector, FloatArray vectorIn, FloatArray vectorOut,
                                  Product forward, Product backward, int format) implements DevicePlans.Compiled {
        /** cap = [rows · in, rows · out] for the most rows a batched call has had. */
        static ResidentWeight build(Tensor w, int[] cap) {
            Operand weight = Operand.weight(w);
            FloatArray vectorIn = new FloatArray(w.dim(1)), vectorOut = new FloatArray(w.dim(0));
            DeviceGraph vector = new DeviceGraph("weightVector")
                    .once(weight.buffers()).keepOnDevice(weight.buffers()).everyRun(vectorIn);
            vector.graph.task("t", MatmulKernels::matVec, vector.context, vectorIn, weight.b, weight.codes, weight.scales,
                    weight.codeBook, vectorOut, vector.dims);
            vector.grid("t", 1).results(vectorOut);
            Product forward = Product.of("weightForward", vector, weight, cap[0], cap[1]);
            Product backward = Product.of("weightBackward", vector, weight, cap[1], cap[0]);

            DeviceGraph.compileTogether(vector, forward.graph, backward.graph);
            vector.setDims(0, w.dim(1), weight.format);   // no rows: this first run only uploads the weight
            vector.sizeGroups("t", 1, MatmulKernels.ROW_GROUP);
            vector.run();
            return new ResidentWeight(vector, vectorIn, vectorOut, forward, backward, weight.format);
        }

        @Override
        public DeviceGraph graph() { return vector; }   // the graphs share one plan: closing one frees all
    }

    /** The graphs of a frozen weight w [out, in], with batched buffers for at least {@code rows} rows. */
    private ResidentWeight resident(Tensor w, int rows) {
        return plans.growing(List.of("weight", Identity.of(w)), new int[] {rows * w.dim(1), rows * w.dim(0)},
                cap -> ResidentWeight.build(w, cap));
    }

    @Override
    public synchronized void linear(Tensor x, Tensor w, Tensor y) {
        LinearShape s = LinearShape.of("linear", x, w, y);
        if (s.rows() == 0 || s.out() == 0) return;
        if (s.rows() == 1) {
            ResidentWeight g = resident(w, 1);
            copyIn(x, g.vectorIn);
            g.vector.setDims(s.out(), s.in(), g.format);
            g.vector.sizeGroups("t", s.out(), MatmulKernels.ROW_GROUP);
            g.vector.run();
            g.vector.copyOut(g.vectorOut, y);
        } else {
            Product forward = resident(w, s.rows()).forward;
            copyIn(x, forward.in);
            forward.run(s.rows(), s.out(), s.in(), true);    // y = x · wᵀ
            forward.graph.copyOut(forward.out, y);
        }
    }

    @Override
    public synchronized void linearBackward(Tensor dy, Tensor w, Tensor dx) {
        LinearShape s = LinearShape.of("linearBackward", dx, w, dy);
        if (s.rows() == 0 || s.in() == 0) return;
        Product backward = resident(w, s.rows()).backward;
        copyIn(dy, backward.in);
        backward.run(s.rows(), s.in(), s.out(), false);     // dy · w, added to dx on the host (dx need not cross)
        backward.graph.addOut(backward.out, dx);
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
