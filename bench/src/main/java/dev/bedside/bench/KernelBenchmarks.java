package dev.bedside.bench;

import dev.bedside.tensor.Backend;
import dev.bedside.tensor.CpuBackend;
import dev.bedside.tensor.ScalarBackend;
import dev.bedside.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Non-GEMM kernels at Llama 3.1 8B sizes, vector backend against the scalar reference:
 * RMSNorm of 512 rows × 4096, the log-probabilities of 512 targets over the 128256-token vocabulary,
 * and causal attention over 512 tokens with 32 query / 8 KV heads of 64.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp ... org.openjdk.jmh.Main KernelBenchmarks}.
 * The scalar attention backward takes minutes per call; it is left out.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class KernelBenchmarks {
    private static final int TOKENS = 512, DIM = 4096, VOCAB = 128256, HEADS = 32, KV_HEADS = 8, HEAD_DIM = 64;

    @Param({"cpu-vector", "cpu-scalar"})
    public String backendName;

    private Backend backend;
    private Tensor x, weight, out, invRms;
    private Tensor logits, logProbs, logSumExp, dLogProbs, dLogits;
    private int[] targets;
    private Tensor q, k, v, attnOut, attnLse, dOut, dq, dk, dv;

    @Setup(Level.Trial)
    public void setup() {
        backend = backendName.equals("cpu-scalar") ? new ScalarBackend() : new CpuBackend();
        x = Tensor.normal(1, 1f, TOKENS, DIM);
        weight = Tensor.normal(2, 1f, DIM);
        out = Tensor.zeros(TOKENS, DIM);
        invRms = Tensor.zeros(TOKENS);

        logits = Tensor.normal(3, 2f, TOKENS, VOCAB);
        targets = new SplittableRandom(4).ints(TOKENS, 0, VOCAB).toArray();
        logProbs = Tensor.zeros(TOKENS);
        logSumExp = Tensor.zeros(TOKENS);
        dLogProbs = Tensor.normal(5, 1f, TOKENS);
        dLogits = Tensor.zeros(TOKENS, VOCAB);
        backend.logProbGather(logits, targets, logProbs, logSumExp);

        q = Tensor.normal(6, 1f, TOKENS, HEADS * HEAD_DIM);
        k = Tensor.normal(7, 1f, TOKENS, KV_HEADS * HEAD_DIM);
        v = Tensor.normal(8, 1f, TOKENS, KV_HEADS * HEAD_DIM);
        attnOut = Tensor.zeros(TOKENS, HEADS * HEAD_DIM);
        attnLse = Tensor.zeros(HEADS, TOKENS);
        dOut = Tensor.normal(9, 1f, TOKENS, HEADS * HEAD_DIM);
        dq = Tensor.zeros(TOKENS, HEADS * HEAD_DIM);
        dk = Tensor.zeros(TOKENS, KV_HEADS * HEAD_DIM);
        dv = Tensor.zeros(TOKENS, KV_HEADS * HEAD_DIM);
        backend.attention(q, k, v, HEADS, KV_HEADS, attnOut, attnLse);
    }

    @Benchmark
    public Tensor rmsNorm() {
        backend.rmsNorm(x, weight, 1e-5f, out, invRms);
        return out;
    }

    @Benchmark
    public Tensor logProbGather() {
        backend.logProbGather(logits, targets, logProbs, logSumExp);
        return logProbs;
    }

    @Benchmark
    public Tensor logProbGatherBackward() {
        backend.logProbGatherBackward(dLogProbs, logits, targets, logSumExp, dLogits);
        return dLogits;
    }

    @Benchmark
    public Tensor attention() {
        backend.attention(q, k, v, HEADS, KV_HEADS, attnOut, attnLse);
        return attnOut;
    }

    @Benchmark
    public Tensor attentionBackward() {
        if (backend instanceof ScalarBackend && !(backend instanceof CpuBackend)) return dq;   // far too slow to time
        backend.attentionBackward(dOut, q, k, v, attnOut, attnLse, HEADS, KV_HEADS, dq, dk, dv);
        return dq;
    }
}
