package dev.bedside.tornado;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.quant.Quantizer;
import dev.bedside.tensor.CpuBackend;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;

/**
 * Every kernel TornadoBackend runs on the device, against the CPU backend on random inputs (random shapes,
 * partial work-groups, accumulation into non-zero gradients). Runs wherever TornadoVM's runtime is in the JVM
 * (the tornado module's tests get it from $TORNADOVM_HOME); skipped with the reason otherwise.
 *
 * <p>Tolerance: the device sums in a different order than the CPU's vector loops, in float; for the sizes here
 * (sums of at most a few hundred terms of magnitude ≤ 1) that moves results by well under 1e-4 · (1 + |x|).
 */
@AddLifecycleHook(TornadoRuntime.class)
class TornadoParityTest {
    private static final float TOLERANCE = 1e-4f;
    private static TornadoBackend device;
    private static final CpuBackend cpu = new CpuBackend();

    @BeforeContainer
    static void start() {
        if (TornadoRuntime.present()) device = new TornadoBackend(TornadoDevice.defaultDeviceName());
    }

    @AfterContainer
    static void stop() {
        if (device != null) device.close();
    }

    private static TornadoBackend device() { return device; }

    static void assertClose(String what, Tensor expected, Tensor actual) {
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= TOLERANCE * (1 + Math.abs(e[i])))) {
                fail(what + ": element " + i + " is " + a[i] + " on the device, " + e[i] + " on the CPU");
            }
        }
    }

    private static Tensor random(long seed, int... shape) { return Tensor.uniform(seed, -1, 1, shape); }

    // ------------------------------------------------------------------ GEMM

    @Property(tries = 12)
    void gemm(@ForAll @IntRange(min = 1, max = 150) int m, @ForAll @IntRange(min = 1, max = 150) int n,
              @ForAll @IntRange(min = 1, max = 70) int k, @ForAll boolean transA, @ForAll boolean transB,
              @ForAll @IntRange(min = 0, max = 2) int betaCase, @ForAll long seed) {
        TornadoBackend gpu = device();
        Tensor a = transA ? random(seed, k, m) : random(seed, m, k);
        Tensor b = transB ? random(seed + 1, n, k) : random(seed + 1, k, n);
        float alpha = 0.75f, beta = new float[] {0f, 1f, -0.5f}[betaCase];
        Tensor expected = random(seed + 2, m, n), actual = expected.copy();
        cpu.gemm(a, transA, b, transB, expected, alpha, beta);
        gpu.gemm(a, transA, b, transB, actual, alpha, beta);
        assertClose("gemm " + m + "x" + n + "x" + k + (transA ? " Aᵀ" : "") + (transB ? " Bᵀ" : "") + " β=" + beta, expected, actual);
    }

    // ------------------------------------------------------------------ frozen weights: F32, BF16, Q8_0, Q4_0, NF4

    @Property(tries = 15)
    void linearForwardAndBackwardInEveryWeightFormat(@ForAll @IntRange(min = 1, max = 70) int rows,
                                                     @ForAll @IntRange(min = 1, max = 3) int blocks,
                                                     @ForAll @IntRange(min = 1, max = 100) int out,
                                                     @ForAll @IntRange(min = 0, max = 5) int formatIndex,
                                                     @ForAll long seed) {
        TornadoBackend gpu = device();
        int in = 32 * blocks;
        Tensor dense = Tensor.normal(seed, 0.1f, out, in);
        Tensor w = switch (formatIndex) {
            case 0 -> dense;
            case 1 -> bf16(dense);
            case 2 -> Tensor.ofQuantized(Quantizer.quantize(dense, DType.Q8_0));
            case 3 -> Tensor.ofQuantized(Quantizer.quantize(dense, DType.Q4_0));
            case 4 -> Tensor.ofQuantized(Quantizer.quantize(dense, DType.NF4, false));
            default -> Tensor.ofQuantized(Quantizer.quantize(dense, DType.NF4, true));
        };
        String what = w.dtype() + (formatIndex == 5 ? " (double-quantized)" : "") + " [" + out + ", " + in + "], rows " + rows;
        Tensor x = random(seed + 1, rows, in);
        Tensor expected = Tensor.zeros(rows, out), actual = Tensor.zeros(rows, out);
        cpu.linear(x, w, expected);
        gpu.linear(x, w, actual);
        assertClose("linear " + what, expected, actual);

        Tensor firstRow = x.slice(0, 0, 1).contiguous(), one0 = Tensor.zeros(1, out), one1 = Tensor.zeros(1, out);
        cpu.linear(firstRow, w, one0);
        gpu.linear(firstRow, w, one1);   // one row: the decode kernel (a work-group per output), not the tiled one
        assertClose("linear, one row, " + what, one0, one1);

        Tensor dy = random(seed + 2, rows, out);
        Tensor dxExpected = random(seed + 3, rows, in), dxActual = dxExpected.copy();   // accumulates
        cpu.linearBackward(dy, w, dxExpected);
        gpu.linearBackward(dy, w, dxActual);
        assertClose("linearBackward " + what, dxExpected, dxActual);
    }

    /** Weights of every format and several shapes in one arena: each is read at its own offsets. */
    @Property(tries = 4)
    void weightsPackedTogetherAreEachReadAtTheirOwnPlace(@ForAll @IntRange(min = 1, max = 20) int rows, @ForAll long seed) {
        TornadoBackend gpu = device();
        int[][] shapes = {{40, 64}, {24, 96}, {40, 64}, {72, 32}, {24, 128}, {33, 64}};
        java.util.List<Tensor> weights = new java.util.ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            Tensor dense = Tensor.normal(seed + i, 0.1f, shapes[i][0], shapes[i][1]);
            weights.add(switch (i % 6) {
                case 0 -> Tensor.ofQuantized(Quantizer.quantize(dense, DType.NF4, true));
                case 1 -> Tensor.ofQuantized(Quantizer.quantize(dense, DType.Q4_0));
                case 2 -> dense;
                case 3 -> Tensor.ofQuantized(Quantizer.quantize(dense, DType.Q8_0));
                case 4 -> bf16(dense);
                default -> Tensor.ofQuantized(Quantizer.quantize(dense, DType.NF4, false));
            });
        }
        gpu.prepareWeights(weights);
        Object arena = gpu.arenaOf(weights.getFirst());
        assertNotNull(arena);
        for (Tensor w : weights) assertSame(arena, gpu.arenaOf(w), "six weights of every format, one arena");
        for (int i = 0; i < weights.size(); i++) {
            Tensor w = weights.get(i);
            int out = w.dim(0), in = w.dim(1);
            String what = "weight " + i + " " + w.dtype() + " [" + out + ", " + in + "] in a shared arena";
            Tensor x = random(seed + 10 + i, rows, in), expected = Tensor.zeros(rows, out), actual = Tensor.zeros(rows, out);
            cpu.linear(x, w, expected);
            gpu.linear(x, w, actual);
            assertClose("linear, " + what, expected, actual);
            Tensor token = x.slice(0, 0, 1).contiguous(), one0 = Tensor.zeros(1, out), one1 = Tensor.zeros(1, out);
            cpu.linear(token, w, one0);
            gpu.linear(token, w, one1);
            assertClose("linear, one row, " + what, one0, one1);
            Tensor dy = random(seed + 20 + i, rows, out), dx0 = random(seed + 30 + i, rows, in), dx1 = dx0.copy();
            cpu.linearBackward(dy, w, dx0);
            gpu.linearBackward(dy, w, dx1);
            assertClose("linearBackward, " + what, dx0, dx1);
        }
        for (Tensor w : weights) assertSame(arena, gpu.arenaOf(w), "using them made no arena of their own");
    }

    private static Tensor bf16(Tensor dense) {
        int[] shape = dense.shape();
        MemorySegment segment = Arena.ofAuto().allocate(2L * dense.numel());
        Tensor w = Tensor.ofSegment(segment, DType.BF16, shape);
        float[] values = dense.toFloatArray();
        for (int i = 0; i < values.length; i++) w.storage().set(i, values[i]);
        return w;
    }

    // ------------------------------------------------------------------ RMSNorm

    @Property(tries = 10)
    void rmsNormForwardAndBackward(@ForAll @IntRange(min = 1, max = 20) int rows, @ForAll @IntRange(min = 1, max = 100) int dim,
                                   @ForAll boolean withWeightGradient, @ForAll long seed) {
        TornadoBackend gpu = device();
        Tensor x = random(seed, rows, dim), w = random(seed + 1, dim);
        Tensor out0 = Tensor.zeros(rows, dim), out1 = Tensor.zeros(rows, dim), inv0 = Tensor.zeros(rows), inv1 = Tensor.zeros(rows);
        cpu.rmsNorm(x, w, 1e-5f, out0, inv0);
        gpu.rmsNorm(x, w, 1e-5f, out1, inv1);
        assertClose("rmsNorm out", out0, out1);
        assertClose("rmsNorm invRms", inv0, inv1);

        Tensor g = random(seed + 2, rows, dim);
        Tensor dx0 = random(seed + 3, rows, dim), dx1 = dx0.copy();
        Tensor dw0 = withWeightGradient ? random(seed + 4, dim) : null, dw1 = withWeightGradient ? dw0.copy() : null;
        cpu.rmsNormBackward(g, x, w, inv0, dx0, dw0);
        gpu.rmsNormBackward(g, x, w, inv0, dx1, dw1);
        assertClose("rmsNormBackward dx", dx0, dx1);
        if (withWeightGradient) assertClose("rmsNormBackward dWeight", dw0, dw1);
    }

    // ------------------------------------------------------------------ softmax and the log-prob gather

    @Property(tries = 10)
    void softmaxAndLogProbGather(@ForAll @IntRange(min = 1, max = 12) int rows, @ForAll @IntRange(min = 2, max = 300) int vocab,
                                 @ForAll long seed) {
        TornadoBackend gpu = device();
        Tensor logits = Tensor.uniform(seed, -8, 8, rows, vocab);
        Tensor p0 = Tensor.zeros(rows, vocab), p1 = Tensor.zeros(rows, vocab);
        cpu.softmax(logits, p0);
        gpu.softmax(logits, p1);
        assertClose("softmax", p0, p1);

        SplittableRandom random = new SplittableRandom(seed);
        int[] targets = new int[rows];
        for (int r = 0; r < rows; r++) targets[r] = random.nextInt(5) == 0 ? -1 : random.nextInt(vocab);
        Tensor lp0 = Tensor.zeros(rows), lp1 = Tensor.zeros(rows), lse0 = Tensor.zeros(rows), lse1 = Tensor.zeros(rows);
        cpu.logProbGather(logits, targets, lp0, lse0);
        gpu.logProbGather(logits, targets, lp1, lse1);
        assertClose("logProbGather logProbs", lp0, lp1);
        assertClose("logProbGather logSumExp", lse0, lse1);

        Tensor dlp = random(seed + 1, rows);
        Tensor d0 = random(seed + 2, rows, vocab), d1 = d0.copy();
        cpu.logProbGatherBackward(dlp, logits, targets, lse0, d0);
        gpu.logProbGatherBackward(dlp, logits, targets, lse0, d1);
        assertClose("logProbGatherBackward", d0, d1);
    }

    // ------------------------------------------------------------------ SwiGLU and rotary embeddings

    @Property(tries = 8)
    void swigluForwardAndBackward(@ForAll @IntRange(min = 1, max = 500) int n, @ForAll long seed) {
        TornadoBackend gpu = device();
        Tensor gate = Tensor.uniform(seed, -6, 6, n), up = random(seed + 1, n);
        Tensor o0 = Tensor.zeros(n), o1 = Tensor.zeros(n);
        cpu.swiglu(gate, up, o0);
        gpu.swiglu(gate, up, o1);
        assertClose("swiglu", o0, o1);
        Tensor dOut = random(seed + 2, n);
        Tensor dg0 = random(seed + 3, n), dg1 = dg0.copy(), du0 = random(seed + 4, n), du1 = du0.copy();
        cpu.swigluBackward(dOut, gate, up, dg0, du0);
        gpu.swigluBackward(dOut, gate, up, dg1, du1);
        assertClose("swigluBackward dGate", dg0, dg1);
        assertClose("swigluBackward dUp", du0, du1);
    }

    @Property(tries = 8)
    void ropeBothDirections(@ForAll @IntRange(min = 1, max = 10) int tokens, @ForAll @IntRange(min = 1, max = 4) int heads,
                            @ForAll @IntRange(min = 1, max = 8) int halfDim, @ForAll boolean inverse, @ForAll long seed) {
        TornadoBackend gpu = device();
        int headDim = 2 * halfDim, maxPositions = 64;
        Tensor cos = Tensor.zeros(maxPositions, halfDim), sin = Tensor.zeros(maxPositions, halfDim);
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < halfDim; i++) {
                double angle = p * Math.pow(500000, -2.0 * i / headDim);
                cos.set((float) Math.cos(angle), p, i);
                sin.set((float) Math.sin(angle), p, i);
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] positions = new int[tokens];
        for (int t = 0; t < tokens; t++) positions[t] = random.nextInt(maxPositions);
        Tensor x0 = random(seed, tokens, heads * headDim), x1 = x0.copy();
        cpu.rope(x0, heads, headDim, positions, cos, sin, inverse);
        gpu.rope(x1, heads, headDim, positions, cos, sin, inverse);
        assertClose("rope" + (inverse ? " inverse" : ""), x0, x1);
    }

    // ------------------------------------------------------------------ attention

    @Property(tries = 10)
    void causalAttentionForwardAndBackward(@ForAll @IntRange(min = 1, max = 70) int tq, @ForAll @IntRange(min = 0, max = 6) int cached,
                                           @ForAll @IntRange(min = 1, max = 2) int kvHeads, @ForAll @IntRange(min = 1, max = 3) int group,
                                           @ForAll @IntRange(min = 1, max = 16) int headDim, @ForAll long seed) {
        TornadoBackend gpu = device();
        int tk = tq + cached, heads = kvHeads * group;
        Tensor q = random(seed, tq, heads * headDim), k = random(seed + 1, tk, kvHeads * headDim), v = random(seed + 2, tk, kvHeads * headDim);
        Tensor out0 = Tensor.zeros(tq, heads * headDim), out1 = Tensor.zeros(tq, heads * headDim);
        Tensor lse0 = Tensor.zeros(heads, tq), lse1 = Tensor.zeros(heads, tq);
        cpu.attention(q, k, v, heads, kvHeads, out0, lse0);
        gpu.attention(q, k, v, heads, kvHeads, out1, lse1);
        assertClose("attention out", out0, out1);
        assertClose("attention logSumExp", lse0, lse1);

        Tensor dOut = random(seed + 3, tq, heads * headDim);
        Tensor dq0 = random(seed + 4, tq, heads * headDim), dq1 = dq0.copy();
        Tensor dk0 = random(seed + 5, tk, kvHeads * headDim), dk1 = dk0.copy();
        Tensor dv0 = random(seed + 6, tk, kvHeads * headDim), dv1 = dv0.copy();
        cpu.attentionBackward(dOut, q, k, v, out0, lse0, heads, kvHeads, dq0, dk0, dv0);
        gpu.attentionBackward(dOut, q, k, v, out0, lse0, heads, kvHeads, dq1, dk1, dv1);
        assertClose("attentionBackward dq", dq0, dq1);
        assertClose("attentionBackward dk", dk0, dk1);
        assertClose("attentionBackward dv", dv0, dv1);
    }
}
