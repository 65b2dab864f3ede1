package dev.bedside.autograd;

import dev.bedside.tensor.Backend;
import dev.bedside.tensor.Backends;
import dev.bedside.tensor.ShapeException;
import dev.bedside.tensor.Tensor;

/** Matrix products through {@link Backend#gemm}, forward and both backward products. */
public final class MatrixOps {
    private MatrixOps() {}

    /** a · b for 2-D a [m, k] and b [k, n]. */
    public static Var matmul(Var a, Var b) { return matmul("matmul", a, false, b, false); }

    /** op(a) · op(b), op(x) = xᵀ when its flag is set: op(a) [m, k], op(b) [k, n] → [m, n]. */
    public static Var matmul(Var a, boolean transA, Var b, boolean transB) { return matmul("matmul", a, transA, b, transB); }

    /** A linear layer without bias: x [tokens, in] · weightᵀ for weight [out, in] (the checkpoint layout) → [tokens, out]. */
    public static Var linear(Var x, Var weight) { return matmul("linear", x, false, weight, true); }

    private static Var matmul(String op, Var a, boolean transA, Var b, boolean transB) {
        if (a.rank() != 2 || b.rank() != 2) throw new ShapeException(op, "needs 2-D operands", a.shape(), b.shape());
        int m = transA ? a.dim(1) : a.dim(0), ka = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0), n = transB ? b.dim(0) : b.dim(1);
        if (ka != kb) {
            throw new ShapeException(op, "inner sizes " + ka + " and " + kb + " differ (transA=" + transA + ", transB=" + transB + ")",
                    a.shape(), b.shape());
        }
        Tensor out = Tensor.zeros(m, n);
        Backends.current().gemm(a.value(), transA, b.value(), transB, out, 1f, 0f);
        return Autograd.record(op, out, dOut -> {
            Backend backend = Backends.current();
            // C = op(A)·op(B)  ⇒  d op(A) = dC·op(B)ᵀ  and  d op(B) = op(A)ᵀ·dC; beta = 1 accumulates.
            if (a.requiresGrad()) {
                if (!transA) backend.gemm(dOut, false, b.value(), !transB, a.gradBuffer(), 1f, 1f);   // dA = dC·op(B)ᵀ
                else backend.gemm(b.value(), transB, dOut, true, a.gradBuffer(), 1f, 1f);           // dA = op(B)·dCᵀ
            }
            if (b.requiresGrad()) {
                if (!transB) backend.gemm(a.value(), !transA, dOut, false, b.gradBuffer(), 1f, 1f);  // dB = op(A)ᵀ·dC
                else backend.gemm(dOut, true, a.value(), transA, b.gradBuffer(), 1f, 1f);           // dB = dCᵀ·op(A)
            }
        }, a, b);
    }
}
