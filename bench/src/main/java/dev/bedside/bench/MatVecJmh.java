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

/** JMH benchmark of the decode-time product y = W · x (bandwidth bound: rows · cols · 4 bytes per call). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC"})
public class MatVecJmh {
    /** W is [rows, cols]: 2048 × 2048 (Llama 3.2 1B attention) and 8192 × 2048 (its MLP). */
    @Param({"2048x2048", "8192x2048"})
    String shape;

    private final Backend backend = Backends.current();
    private Tensor w, x, y;

    @Setup
    public void setUp() {
        String[] parts = shape.split("x");
        int rows = Integer.parseInt(parts[0]), cols = Integer.parseInt(parts[1]);
        w = Tensor.uniform(1, -1, 1, rows, cols);
        x = Tensor.uniform(2, -1, 1, cols);
        y = Tensor.zeros(rows);
    }

    @Benchmark
    public Tensor matVec() {
        backend.matVec(w, x, y);
        return y;
    }
}
