package dev.bedside.tensor;

import dev.bedside.tensor.cpu.Gemm;
import dev.bedside.tensor.cpu.MatVec;
import dev.bedside.tensor.cpu.WeightMatmul;

/**
 * The CPU backend: Vector API kernels, multi-threaded over the available cores. Kernels that have no
 * vectorised version yet fall back to the scalar reference.
 */
public class CpuBackend extends ScalarBackend {

    @Override
    public String name() { return "cpu-vector"; }

    // ------------------------------------------------------------------ matrix products

    @Override
    public void gemm(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float alpha, float beta) {
        Gemm.gemm(a, transA, b, transB, c, alpha, beta);
    }

    @Override
    public void matVec(Tensor w, Tensor x, Tensor y) {
        MatVec.matVec(w, x, y);
    }

    // ------------------------------------------------------------------ frozen-weight products

    @Override
    public void linear(Tensor x, Tensor w, Tensor y) { WeightMatmul.linear(x, w, y); }

    @Override
    public void linearBackward(Tensor dy, Tensor w, Tensor dx) { WeightMatmul.linearBackward(dy, w, dx); }
}
