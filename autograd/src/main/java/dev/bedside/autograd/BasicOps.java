package dev.bedside.autograd;

import dev.bedside.tensor.Backends;
import dev.bedside.tensor.Checks.Broadcast;
import dev.bedside.tensor.ShapeException;
import dev.bedside.tensor.Tensor;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * Element-wise arithmetic with NumPy broadcasting, point-wise functions, reductions and shape ops.
 * Each op's backward is written right after its forward. These serve the small tensors of a loss
 * (the DPO objective) and glue between the fused ops; they are plain loops.
 */
public final class BasicOps {
    private BasicOps() {}

    // ------------------------------------------------------------------ broadcasting arithmetic

    /** a + b, broadcasting. */
    public static Var add(Var a, Var b) {
        Tensor out = Tensor.zeros(Broadcast.shape("add", a.shape(), b.shape()));
        Backends.current().add(a.f32(), b.f32(), out);
        return Autograd.record("add", out, dOut -> {
            // dOut is this node's gradient, dropped after this closure: a takes it over (when the shapes match),
            // b accumulates it (a copy or an add; when b is a itself, that doubles it in place, as it should).
            if (a.requiresGrad() && Arrays.equals(a.shape(), dOut.shape())) a.accumulateOwned(dOut);
            else accumulateBroadcast(a, dOut);
            accumulateBroadcast(b, dOut);
        }, a, b);
    }

    /** a − b, broadcasting. */
    public static Var sub(Var a, Var b) {
        Broadcast.shape("sub", a.shape(), b.shape());   // name this op in a shape error
        return add(a, neg(b));
    }

    /** a ⊙ b, broadcasting. */
    public static Var mul(Var a, Var b) {
        Tensor out = Tensor.zeros(Broadcast.shape("mul", a.shape(), b.shape()));
        Backends.current().mul(a.f32(), b.f32(), out);
        return Autograd.record("mul", out, dOut -> {
            // d a = dOut ⊙ b and d b = dOut ⊙ a, each summed over the axes it was broadcast along.
            Tensor product = Tensor.zeros(dOut.shape());
            if (a.requiresGrad()) {
                Backends.current().mul(dOut, b.f32(), product);
                accumulateBroadcast(a, product);
            }
            if (b.requiresGrad()) {
                Backends.current().mul(dOut, a.f32(), product);
                accumulateBroadcast(b, product);
            }
        }, a, b);
    }

    /** a / b, broadcasting: a ⊙ (1 / b). */
    public static Var div(Var a, Var b) {
        Broadcast.shape("div", a.shape(), b.shape());
        return mul(a, reciprocal(b));
    }

    /**
     * grad(x) += g summed over the axes along which x was broadcast to g's shape
     * (leading axes x lacks, and axes where x has size 1).
     */
    static void accumulateBroadcast(Var x, Tensor g) {
        if (!x.requiresGrad()) return;
        if (Arrays.equals(x.shape(), g.shape())) {
            x.accumulate(g);
            return;
        }
        int[] shape = g.shape();
        long[] strides = Broadcast.strides(x.shape(), shape);   // 0 along broadcast axes
        float[] G = g.data(), D = x.gradBuffer().data();
        int go = (int) g.offset(), n = g.numel();
        int[] index = new int[shape.length];
        for (int i = 0; i < n; i++) {
            long j = 0;
            for (int d = 0; d < shape.length; d++) j += index[d] * strides[d];
            D[(int) j] += G[go + i];
            for (int d = shape.length - 1; d >= 0; d--) {   // odometer increment
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
    }

    // ------------------------------------------------------------------ point-wise functions

    /** The derivative of y = f(x) at one element, given x and y (whichever is cheaper to use). */
    @FunctionalInterface
    interface Derivative {
        double at(double x, double y);
    }

    /** y = f(x) element-wise; backward dx += dy · f'(x). Computed in double, stored in float. */
    static Var pointwise(String op, Var x, DoubleUnaryOperator f, Derivative derivative) {
        Tensor in = x.f32();
        float[] X = in.data();
        int xo = (int) in.offset(), n = x.numel();
        float[] Y = new float[n];
        for (int i = 0; i < n; i++) Y[i] = (float) f.applyAsDouble(X[xo + i]);
        return Autograd.record(op, Tensor.of(Y, x.shape()), dOut -> {
            float[] G = dOut.data(), D = x.gradBuffer().data();
            int go = (int) dOut.offset();
            for (int i = 0; i < n; i++) D[i] += (float) (G[go + i] * derivative.at(X[xo + i], Y[i]));
        }, x);
    }

    /** c · x. */
    public static Var scale(Var x, float c) { return pointwise("scale", x, v -> c * v, (v, y) -> c); }

    /** −x. */
    public static Var neg(Var x) { return pointwise("neg", x, v -> -v, (v, y) -> -1); }

    /** x + c. */
    public static Var addScalar(Var x, float c) { return pointwise("addScalar", x, v -> v + c, (v, y) -> 1); }

    /** 1 / x. */
    public static Var reciprocal(Var x) { return pointwise("reciprocal", x, v -> 1 / v, (v, y) -> -y * y); }

    public static Var exp(Var x) { return pointwise("exp", x, Math::exp, (v, y) -> y); }

    /** Natural logarithm. */
    public static Var log(Var x) { return pointwise("log", x, Math::log, (v, y) -> 1 / v); }

    /** x². */
    public static Var square(Var x) { return pointwise("square", x, v -> v * v, (v, y) -> 2 * v); }

    /** max(x, 0); the derivative at 0 is taken as 0. */
    public static Var relu(Var x) { return pointwise("relu", x, v -> Math.max(v, 0), (v, y) -> v > 0 ? 1 : 0); }

    /** σ(x) = 1 / (1 + e^−x). */
    public static Var sigmoid(Var x) { return pointwise("sigmoid", x, BasicOps::sigmoid, (v, y) -> sigmoid(v) * sigmoid(-v)); }

    /** log σ(x) = −log(1 + e^−x), computed without overflow for large |x|; d/dx = σ(−x). */
    public static Var logSigmoid(Var x) {
        return pointwise("logSigmoid", x, v -> Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v))), (v, y) -> sigmoid(-v));
    }

    private static double sigmoid(double v) {
        return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }

    // ------------------------------------------------------------------ reductions

    /** Σ of all elements, as a scalar (shape []). */
    public static Var sum(Var x) {
        Tensor in = x.f32();
        float[] X = in.data();
        int xo = (int) in.offset(), n = x.numel();
        double total = 0;
        for (int i = 0; i < n; i++) total += X[xo + i];
        Tensor out = Tensor.of(new float[] {(float) total});
        return Autograd.record("sum", out, dOut -> {
            float g = dOut.data()[(int) dOut.offset()];
            float[] D = x.gradBuffer().data();
            for (int i = 0; i < n; i++) D[i] += g;
        }, x);
    }

    /** Mean of all elements, as a scalar (NaN for an empty tensor). */
    public static Var mean(Var x) { return scale(sum(x), 1f / x.numel()); }

    // ------------------------------------------------------------------ shapes

    /** The same elements in a new shape (one axis may be −1); a view, no copy. */
    public static Var reshape(Var x, int... shape) {
        Tensor out = x.value().reshape(shape);
        return Autograd.record("reshape", out, dOut -> x.accumulate(dOut.reshape(x.shape())), x);
    }

    /** Rows [start, end) of axis 0; a view, no copy. */
    public static Var sliceRows(Var x, int start, int end) {
        if (x.rank() == 0 || start < 0 || end > x.dim(0) || start > end) {
            throw new ShapeException("sliceRows", "rows [" + start + ", " + end + ") outside the first axis", x.shape());
        }
        Tensor out = x.value().slice(0, start, end);
        return Autograd.record("sliceRows", out, dOut -> {
            Backends.current().axpy(1f, dOut, x.gradBuffer().slice(0, start, end));
        }, x);
    }

    /** Concatenation along axis 0; all parts share their other axes. */
    public static Var concatRows(Var... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concatRows: no parts");
        int[] shape = parts[0].shape();
        if (shape.length == 0) throw new ShapeException("concatRows", "scalars have no rows", shape);
        int rows = 0;
        for (Var part : parts) {
            int[] s = part.shape();
            if (s.length != shape.length || !Arrays.equals(Arrays.copyOfRange(s, 1, s.length), Arrays.copyOfRange(shape, 1, shape.length))) {
                throw new ShapeException("concatRows", "parts differ beyond the first axis", shape, s);
            }
            rows += s[0];
        }
        int[] outShape = shape.clone();
        outShape[0] = rows;
        Tensor out = Tensor.zeros(outShape);
        int[] starts = new int[parts.length];
        int at = 0;
        for (int p = 0; p < parts.length; p++) {
            Tensor v = parts[p].f32();
            starts[p] = at;
            System.arraycopy(v.data(), (int) v.offset(), out.data(), at * rowSize(outShape), v.numel());
            at += v.dim(0);
        }
        return Autograd.record("concatRows", out, dOut -> {
            for (int p = 0; p < parts.length; p++) {
                parts[p].accumulate(dOut.slice(0, starts[p], starts[p] + parts[p].dim(0)));
            }
        }, parts);
    }

    private static int rowSize(int[] shape) {
        int n = 1;
        for (int d = 1; d < shape.length; d++) n *= shape[d];
        return n;
    }
}
