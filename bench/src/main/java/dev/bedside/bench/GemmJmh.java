package dev.bedside.bench;

import dev.bedside.tensor.Backend;
import dev.bedside.tensor.Backends;
import dev.bedside.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmarks of the matrix products of the current backend. GFLOP/s = 2·size³ / time.
 * Run from the fat jar: {@code ./bedside bench jmh GemmJmh} (or {@code java --add-modules jdk.incubator.vector
 * -cp cli/target/bedside.jar org.openjdk.jmh.Main GemmJmh}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC"})
public class GemmJmh {
    /** Square size m = n = k. */
    @Param({"512", "1024", "2048"})
    int size;

    /** Which operands are transposed: NN, NT (b transposed, as in x · Wᵀ), TN or TT. */
    @Param({"NN", "NT"})
    String transposes;

    private final Backend backend = Backends.current();
    private Tensor a, b, c;
    private boolean transA, transB;

    @Setup
    public void setUp() {
        transA = transposes.charAt(0) == 'T';
        transB = transposes.charAt(1) == 'T';
        a = Tensor.uniform(1, -1, 1, size, size);
        b = Tensor.uniform(2, -1, 1, size, size);
        c = Tensor.zeros(size, size);
    }

    @Benchmark
    public Tensor gemm() {
        backend.gemm(a, transA, b, transB, c, 1f, 0f);
        return c;
    }
}
