package dev.bedside.bench;

import dev.bedside.tensor.Backend;
import dev.bedside.tensor.Parallel;
import dev.bedside.tensor.Tensor;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * A plain timing loop for {@code Backend.gemm}: warm-up calls (until the JIT has compiled the kernels), then
 * {@code repeats} timed calls; reports the median, which shrugs off the odd run slowed by another process.
 * {@code bedside bench gemm} prints its result; {@link GemmJmh} is the JMH version.
 */
public final class GemmBenchmark {
    private GemmBenchmark() {}

    /** Median and spread of the timed runs. GFLOP/s counts 2·m·n·k flops per product. */
    public record Result(String backend, int threads, int m, int n, int k, boolean transA, boolean transB,
                         int repeats, double medianMs, double minMs, double maxMs) {
        public double gflops() { return flops(medianMs); }
        public double bestGflops() { return flops(minMs); }
        public double worstGflops() { return flops(maxMs); }

        private double flops(double ms) { return 2.0 * m * n * k / (ms * 1e6); }
    }

    /** Times {@code c = a · b} (op(a) [m, k], op(b) [k, n]) on {@code backend}, after {@link #warmUp}. */
    public static Result run(Backend backend, int m, int n, int k, boolean transA, boolean transB, int repeats) {
        if (m <= 0 || n <= 0 || k <= 0 || repeats <= 0) {
            throw new IllegalArgumentException("gemm benchmark needs m, n, k and repeats > 0, got m=" + m + " n=" + n
                    + " k=" + k + " repeats=" + repeats);
        }
        Tensor a = transA ? Tensor.uniform(1, -1, 1, k, m) : Tensor.uniform(1, -1, 1, m, k);
        Tensor b = transB ? Tensor.uniform(2, -1, 1, n, k) : Tensor.uniform(2, -1, 1, k, n);
        Tensor c = Tensor.zeros(m, n);
        warmUp(() -> backend.gemm(a, transA, b, transB, c, 1f, 0f));
        double[] ms = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            backend.gemm(a, transA, b, transB, c, 1f, 0f);
            ms[r] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        double median = repeats % 2 == 1 ? ms[repeats / 2] : (ms[repeats / 2 - 1] + ms[repeats / 2]) / 2;
        return new Result(backend.name(), Parallel.threads(), m, n, k, transA, transB, repeats, median, ms[0], ms[repeats - 1]);
    }

    /**
     * Calls {@code call} until the JIT has compiled the kernels: until no compilation has finished for 2 seconds
     * (C2 takes seconds to compile the kernel and the loops around it when the cores are busy, and the C1 code
     * before it runs at a steady, slower pace, so steadiness alone is no sign) and the median of the last 5 calls
     * is within 15% of the fastest seen; at least 10 calls, at most 20 seconds.
     */
    static void warmUp(Runnable call) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime(), jitQuietSince = start, jitTotal = -1;
        double best = Double.MAX_VALUE;
        double[] recent = new double[5];
        for (int i = 0; ; i++) {
            long t = System.nanoTime();
            call.run();
            long now = System.nanoTime();
            best = Math.min(best, now - t);
            recent[i % recent.length] = now - t;
            long total = jitTimed ? jit.getTotalCompilationTime() : 0;
            if (total != jitTotal) {
                jitTotal = total;
                jitQuietSince = now;
            }
            if (now - start > 20e9) return;
            boolean jitQuiet = now - jitQuietSince > 2e9 && now - start > 3e9;
            boolean steady = Arrays.stream(recent).sorted().toArray()[2] < 1.15 * best;
            if (i >= 10 && jitQuiet && steady) return;
        }
    }
}
