package dev.bedside.tensor;

import dev.bedside.tensor.cpu.WeightMatmul;

/**
 * The CPU backend: Vector API kernels, multi-threaded over the available cores. Kernels that have no
 * vectorised version yet fall back to the scalar reference.
 */
public class CpuBackend extends ScalarBackend {

    @Override
    public String name() { return "cpu-vector"; }

    // ------------------------------------------------------------------ frozen-weight products

    @Override
    public void linear(Tensor x, Tensor w, Tensor y) { WeightMatmul.linear(x, w, y); }

    @Override
    public void linearBackward(Tensor dy, Tensor w, Tensor dx) { WeightMatmul.linearBackward(dy, w, dx); }
}
