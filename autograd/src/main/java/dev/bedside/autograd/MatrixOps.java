package dev.bedside.autograd;

import dev.bedside.tensor.Backend;
import dev.bedside.tensor.Backends;
import dev.bedside.tensor.ShapeException;
import dev.bedside.tensor.Tensor;

/**
 * Matrix products through {@link Backend#gemm}. A frozen weight held in another storage (memory-mapped BF16) goes
 * through {@link Backend#linear} and {@link Backend#linearBackward} instead, which read it in place.
 */
public final class MatrixOps {
    private MatrixOps() {}

    /** a · b for 2-D a [m, k] and b [k, n]. */
    public static Var matmul(Var a, Var b) { return matmul(a, false, b, false); }

    /** op(a) · op(b), op(x) = xᵀ when its flag is set: op(a) [m, k], op(b) [k, n] → [m, n]. */
    public static Var matmul(Var a, boolean transA, Var b, boolean transB) {
        requireFit("matmul", a, transA, b, transB);
        int m = transA ? a.dim(1) : a.dim(0), n = transB ? b.dim(0) : b.dim(1);
        Tensor out = Tensor.zeros(m, n);
        Backends.current().gemm(a.f32(), transA, b.f32(), transB, out, 1f, 0f);
        return Autograd.record("matmul", out, dOut -> {
            Backend backend = Backends.current();
            // C = op(A)·op(B)  ⇒  d op(A) = dC·op(B)ᵀ  and  d op(B) = op(A)ᵀ·dC; beta = 1 accumulates.
            if (a.requiresGrad()) {
                if (!transA) backend.gemm(dOut, false, b.f32(), !transB, a.gradBuffer(), 1f, 1f);   // dA = dC·op(B)ᵀ
                else backend.gemm(b.f32(), transB, dOut, true, a.gradBuffer(), 1f, 1f);           // dA = op(B)·dCᵀ
            }
            if (b.requiresGrad()) {
                if (!transB) backend.gemm(a.f32(), !transA, dOut, false, b.gradBuffer(), 1f, 1f);  // dB = op(A)ᵀ·dC
                else backend.gemm(dOut, true, a.f32(), transA, b.gradBuffer(), 1f, 1f);           // dB = dCᵀ·op(A)
            }
        }, a, b);
    }

    /**
     * A linear layer without bias: x [tokens, in] · weightᵀ for weight [out, in] (the checkpoint layout) → [tokens, out].
     * A frozen weight may stay in its storage (e.g. memory-mapped BF16): it is never widened as a whole.
     */
    public static Var linear(Var x, Var weight) {
        requireFit("linear", x, false, weight, true);
        Tensor out = Tensor.zeros(x.dim(0), weight.dim(0));
        timesWeight(x.f32(), weight, out);
        return Autograd.record("linear", out, dOut -> {
            if (x.requiresGrad()) addTimesWeight(dOut, weight.value(), x.gradBuffer());                          // dx += dy · W
            if (weight.requiresGrad()) Backends.current().gemm(dOut, true, x.f32(), false, weight.gradBuffer(), 1f, 1f);   // dW += dyᵀ · x
        }, x, weight);
    }

    /**
     * y = x · wᵀ (written). A frozen weight goes through {@link Backend#linear}, in whatever storage it has (a
     * backend may keep it packed); a trainable one, which the optimizer changes, through a plain gemm.
     */
    static void timesWeight(Tensor x, Var w, Tensor y) {
        if (w.requiresGrad()) Backends.current().gemm(x, false, w.value(), true, y, 1f, 0f);
        else Backends.current().linear(x, w.value(), y);
    }

    /** dx += dy · w, the weight read in whatever storage it has. */
    static void addTimesWeight(Tensor dy, Tensor w, Tensor dx) { Backends.current().linearBackward(dy, w, dx); }

    private static void requireFit(String op, Var a, boolean transA, Var b, boolean transB) {
        if (a.rank() != 2 || b.rank() != 2) throw new ShapeException(op, "needs 2-D operands", a.shape(), b.shape());
        int ka = transA ? a.dim(0) : a.dim(1), kb = transB ? b.dim(1) : b.dim(0);
        if (ka != kb) {
            throw new ShapeException(op, "inner sizes " + ka + " and " + kb + " differ (transA=" + transA + ", transB=" + transB + ")",
                    a.shape(), b.shape());
        }
    }
}
