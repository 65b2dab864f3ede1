package dev.bedside.tensor.cpu;

import static dev.bedside.tensor.Checks.*;
import static dev.bedside.tensor.cpu.VectorMath.F;
import static dev.bedside.tensor.cpu.VectorMath.LANES;

import dev.bedside.tensor.Parallel;
import dev.bedside.tensor.Tensor;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/** Element-wise kernels: add and mul (with the two common broadcasts), axpy, sumToShape, SwiGLU. */
public final class ElementwiseKernels {
    private ElementwiseKernels() {}

    /** Elements per parallel chunk of a memory-bound element-wise loop. */
    private static final int GRAIN = 1 << 16;

    /**
     * out = a + b (or a ⊙ b) when the broadcast is one of the fast cases: same shapes, or one operand
     * repeated along the rows of the other (e.g. [rows, cols] + [cols]). Returns false for any other broadcast,
     * which the caller then runs with the general reference loop. Shapes are checked either way.
     */
    public static boolean broadcast(String op, Tensor a, Tensor b, Tensor out, boolean multiply) {
        int[] shape = Broadcast.shape(op, a.shape(), b.shape());
        requireShape(op, shape, out);
        if (!Arrays.equals(a.shape(), shape)) {
            if (!Arrays.equals(b.shape(), shape)) return false;
            Tensor swap = a;   // both ops commute: put the full-shape operand first
            a = b;
            b = swap;
        }
        if (!repeatsAlongRows(b.shape(), shape)) return false;
        float[] A = a.data(), B = b.data(), O = out.data();
        int ao = (int) a.offset(), bo = (int) b.offset(), oo = (int) out.offset();
        int n = out.numel(), inner = b.numel();
        if (inner == 0) return true;
        int rows = n / inner;
        if (rows == 1) {   // same number of elements: one flat loop, split over the cores
            Parallel.forRange(n, GRAIN, (start, end) -> combine(A, ao + start, B, bo + start, O, oo + start, end - start, multiply));
        } else {
            Parallel.forRange(rows, VectorMath.rowGrain(inner), (start, end) -> {
                for (int r = start; r < end; r++) combine(A, ao + r * inner, B, bo, O, oo + r * inner, inner, multiply);
            });
        }
        return true;
    }

    /** True when {@code small}, leading ones aside, is the trailing part of {@code full}: it repeats along full's rows. */
    private static boolean repeatsAlongRows(int[] small, int[] full) {
        int lead = 0;
        while (lead < small.length && small[lead] == 1) lead++;
        int tail = small.length - lead;
        return Arrays.equals(small, lead, small.length, full, full.length - tail, full.length);
    }

    private static void combine(float[] A, int ai, float[] B, int bi, float[] O, int oi, int n, boolean multiply) {
        int i = 0;
        for (; i < F.loopBound(n); i += LANES) {
            FloatVector x = FloatVector.fromArray(F, A, ai + i), y = FloatVector.fromArray(F, B, bi + i);
            (multiply ? x.mul(y) : x.add(y)).intoArray(O, oi + i);
        }
        for (; i < n; i++) O[oi + i] = multiply ? A[ai + i] * B[bi + i] : A[ai + i] + B[bi + i];
    }

    public static void axpy(float alpha, Tensor x, Tensor y) {
        requireSameShape("axpy", x, y);
        float[] X = x.data(), Y = y.data();
        int xo = (int) x.offset(), yo = (int) y.offset();
        Parallel.forRange(x.numel(), GRAIN, (start, end) -> VectorMath.axpy(alpha, X, xo + start, Y, yo + start, end - start));
    }

    public static void sumToShape(Tensor x, Tensor out) {
        requireTrailingShape("sumToShape", x, out);
        float[] X = x.data(), O = out.data();
        int xo = (int) x.offset(), oo = (int) out.offset();
        int inner = out.numel(), outer = inner == 0 ? 0 : x.numel() / inner;
        if (inner == 1) {
            O[oo] = VectorMath.sum(X, xo, outer);
            return;
        }
        // Columns in parallel (whole vectors each), rows summed in order into out.
        int blocks = (inner + LANES - 1) / LANES;
        Parallel.forRange(blocks, VectorMath.columnBlockGrain(outer), (startBlock, endBlock) -> {
            int from = startBlock * LANES, to = Math.min(inner, endBlock * LANES);
            Arrays.fill(O, oo + from, oo + to, 0f);
            for (int r = 0; r < outer; r++) {
                int row = xo + r * inner;
                int j = from;
                for (; j + LANES <= to; j += LANES) {
                    FloatVector.fromArray(F, X, row + j).add(FloatVector.fromArray(F, O, oo + j)).intoArray(O, oo + j);
                }
                for (; j < to; j++) O[oo + j] += X[row + j];
            }
        });
    }

    public static void swiglu(Tensor gate, Tensor up, Tensor out) {
        requireSameShape("swiglu", gate, up, out);
        float[] G = gate.data(), U = up.data(), O = out.data();
        int go = (int) gate.offset(), uo = (int) up.offset(), oo = (int) out.offset();
        Parallel.forRange(gate.numel(), GRAIN, (start, end) -> {
            int i = start;
            for (; i + LANES <= end; i += LANES) {
                FloatVector g = FloatVector.fromArray(F, G, go + i);
                FloatVector silu = g.div(VectorMath.exp(g.neg()).add(1f));
                silu.mul(FloatVector.fromArray(F, U, uo + i)).intoArray(O, oo + i);
            }
            for (; i < end; i++) {
                float g = G[go + i];
                O[oo + i] = g / (1f + (float) Math.exp(-g)) * U[uo + i];
            }
        });
    }

    public static void swigluBackward(Tensor dOut, Tensor gate, Tensor up, Tensor dGate, Tensor dUp) {
        requireSameShape("swigluBackward", gate, up, dOut, dGate, dUp);
        float[] D = dOut.data(), G = gate.data(), U = up.data(), DG = dGate.data(), DU = dUp.data();
        int dO = (int) dOut.offset(), go = (int) gate.offset(), uo = (int) up.offset(), dgo = (int) dGate.offset(),
                duo = (int) dUp.offset();
        // silu(g) = g·σ(g);  d silu / dg = σ(g) · (1 + g · (1 − σ(g)))
        Parallel.forRange(gate.numel(), GRAIN, (start, end) -> {
            int i = start;
            for (; i + LANES <= end; i += LANES) {
                FloatVector g = FloatVector.fromArray(F, G, go + i), d = FloatVector.fromArray(F, D, dO + i);
                FloatVector sigmoid = FloatVector.broadcast(F, 1f).div(VectorMath.exp(g.neg()).add(1f));
                FloatVector dSilu = sigmoid.mul(g.mul(sigmoid.neg().add(1f)).add(1f));
                d.mul(FloatVector.fromArray(F, U, uo + i)).fma(dSilu, FloatVector.fromArray(F, DG, dgo + i)).intoArray(DG, dgo + i);
                d.mul(g).fma(sigmoid, FloatVector.fromArray(F, DU, duo + i)).intoArray(DU, duo + i);
            }
            for (; i < end; i++) {
                float g = G[go + i], d = D[dO + i];
                float sigmoid = 1f / (1f + (float) Math.exp(-g));
                DG[dgo + i] += d * U[uo + i] * sigmoid * (1 + g * (1 - sigmoid));
                DU[duo + i] += d * g * sigmoid;
            }
        });
    }
}
