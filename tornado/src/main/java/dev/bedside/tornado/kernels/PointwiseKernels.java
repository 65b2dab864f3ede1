package dev.bedside.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** SwiGLU and rotary position embeddings: one work-item per element (or element pair). */
public final class PointwiseKernels {
    private PointwiseKernels() {}

    // ------------------------------------------------------------------ SwiGLU: out = silu(gate) ⊙ up

    /** dims = [n]. Grid (n). */
    public static void swiglu(KernelContext ctx, FloatArray gate, FloatArray up, FloatArray out, IntArray dims) {
        int i = ctx.globalIdx;
        if (i < dims.get(0)) {
            float g = gate.get(i);
            out.set(i, g / (1f + TornadoMath.exp(-g)) * up.get(i));
        }
    }

    /** dGate = dOut·up·σ(g)(1 + g(1 − σ(g))); dUp = dOut·g·σ(g) (both written). dims = [n]. Grid (n). */
    public static void swigluBackward(KernelContext ctx, FloatArray dOut, FloatArray gate, FloatArray up,
                                      FloatArray dGate, FloatArray dUp, IntArray dims) {
        int i = ctx.globalIdx;
        if (i < dims.get(0)) {
            float g = gate.get(i), d = dOut.get(i);
            float sigmoid = 1f / (1f + TornadoMath.exp(-g));
            dGate.set(i, d * up.get(i) * sigmoid * (1f + g * (1f - sigmoid)));
            dUp.set(i, d * g * sigmoid);
        }
    }

    // ------------------------------------------------------------------ rotary embeddings, "rotate half"

    /**
     * In place: within each head, element i (i &lt; d/2) pairs with i + d/2 and the pair turns by pos·θ_i
     * (by −pos·θ_i when dims[4] = 1, the backward). dims = [tokens, heads, headDim, half = headDim/2, inverse];
     * cos, sin [maxPositions, half]. Grid (heads · half, tokens).
     */
    public static void rope(KernelContext ctx, FloatArray x, IntArray positions, FloatArray cos, FloatArray sin, IntArray dims) {
        int pair = ctx.globalIdx, t = ctx.globalIdy;
        int heads = dims.get(1), headDim = dims.get(2), half = dims.get(3);
        if (t < dims.get(0) && pair < heads * half) {
            int h = pair / half, i = pair % half;
            int table = positions.get(t) * half + i;
            float c = cos.get(table), s = dims.get(4) == 1 ? -sin.get(table) : sin.get(table);
            int first = t * heads * headDim + h * headDim + i, second = first + half;
            float x0 = x.get(first), x1 = x.get(second);
            x.set(first, x0 * c - x1 * s);
            x.set(second, x1 * c + x0 * s);
        }
    }
}
