package dev.bedside.autograd;

import dev.bedside.tensor.Backend;
import dev.bedside.tensor.Backends;
import dev.bedside.tensor.Checks;
import dev.bedside.tensor.ShapeException;
import dev.bedside.tensor.Tensor;
import java.util.Arrays;

/**
 * The language-model head fused with log-softmax and the target lookup. A [tokens, vocab] logits matrix for a
 * 128k vocabulary is the largest tensor of a training step; this op never holds more than a chunk of it.
 */
public final class LossOps {
    /** At least this many rows per chunk. */
    public static final int DEFAULT_CHUNK_ROWS = 64;
    /** Logits per chunk by default: 16 Mi floats (64 MB), e.g. 130 rows of a 128k vocabulary, 524 of 32k. */
    static final int CHUNK_LOGITS = 1 << 24;

    /**
     * Rows per chunk for a vocabulary: [rows, vocab] logits and as many gradients are the only vocabulary-sized
     * buffers; larger chunks make fewer, fuller products with the head (each reads the whole head once).
     */
    public static int chunkRows(int vocab) { return Math.max(DEFAULT_CHUNK_ROWS, CHUNK_LOGITS / Math.max(1, vocab)); }

    private LossOps() {}

    /** {@link #logProbsOfTargets(Var, Var, int[], int)} with {@link #chunkRows(int)} rows per chunk. */
    public static Var logProbsOfTargets(Var hidden, Var lmHead, int[] targets) {
        return logProbsOfTargets(hidden, lmHead, targets, chunkRows(lmHead.rank() == 2 ? lmHead.dim(0) : 1));
    }

    /**
     * log p(targets[t] | row t) = logits[t, targets[t]] − logSumExp(logits[t, :]) with logits = hidden · lmHeadᵀ,
     * for hidden [T, D] and lmHead [V, D] → [T]. A frozen lmHead is read in place in any storage (e.g. memory-mapped
     * BF16). A target of −1 marks an ignored row (e.g. a prompt token): its log-prob is 0 and it gets no gradient;
     * chunks of ignored rows are skipped entirely.
     *
     * <p>Forward keeps only the per-row log-sum-exp. Backward recomputes each chunk's logits, turns them into
     * d logits (softmax minus one-hot, scaled) and multiplies them straight into d hidden and d lmHead.
     */
    public static Var logProbsOfTargets(Var hidden, Var lmHead, int[] targets, int chunkRows) {
        if (hidden.rank() != 2 || lmHead.rank() != 2 || hidden.dim(1) != lmHead.dim(1)) {
            throw new ShapeException("logProbsOfTargets", "hidden [T, D] and lmHead [V, D] expected", hidden.shape(), lmHead.shape());
        }
        if (chunkRows <= 0) throw new IllegalArgumentException("logProbsOfTargets: chunkRows " + chunkRows + " must be positive");
        int rows = hidden.dim(0), vocab = lmHead.dim(0);
        int[] savedTargets = targets.clone();
        Checks.requireTargets("logProbsOfTargets", savedTargets, rows, vocab, hidden.value());
        Tensor logProbs = Tensor.zeros(rows), logSumExp = Tensor.zeros(rows);
        Tensor logits = Tensor.zeros(Math.min(chunkRows, rows), vocab);
        Backend backend = Backends.current();
        for (int start = 0; start < rows; start += chunkRows) {
            int end = Math.min(rows, start + chunkRows);
            if (allIgnored(savedTargets, start, end)) continue;
            Tensor chunkLogits = chunkLogits(hidden, lmHead, start, end, logits);
            backend.logProbGather(chunkLogits, Arrays.copyOfRange(savedTargets, start, end),
                    logProbs.slice(0, start, end), logSumExp.slice(0, start, end));
        }
        return Autograd.record("logProbsOfTargets", logProbs, dOut -> {
            Backend b = Backends.current();
            Tensor chunkBuffer = Tensor.zeros(Math.min(chunkRows, rows), vocab);
            Tensor dLogitsBuffer = Tensor.zeros(Math.min(chunkRows, rows), vocab);
            for (int start = 0; start < rows; start += chunkRows) {
                int end = Math.min(rows, start + chunkRows);
                if (allIgnored(savedTargets, start, end)) continue;
                Tensor chunkLogits = chunkLogits(hidden, lmHead, start, end, chunkBuffer);
                Tensor dLogits = dLogitsBuffer.slice(0, 0, end - start);
                Arrays.fill(dLogits.data(), 0f);   // the backward kernel accumulates
                b.logProbGatherBackward(dOut.slice(0, start, end), chunkLogits, Arrays.copyOfRange(savedTargets, start, end),
                        logSumExp.slice(0, start, end), dLogits);
                if (hidden.requiresGrad()) {   // d hidden[chunk] += d logits · lmHead
                    MatrixOps.addTimesWeight(dLogits, lmHead.value(), hidden.gradBuffer().slice(0, start, end));
                }
                if (lmHead.requiresGrad()) {   // d lmHead += d logitsᵀ · hidden[chunk]
                    b.gemm(dLogits, true, hidden.f32().slice(0, start, end), false, lmHead.gradBuffer(), 1f, 1f);
                }
            }
        }, hidden, lmHead);
    }

    /** logits[0 : end − start] = hidden[start : end] · lmHeadᵀ, written into the front of {@code buffer}. */
    private static Tensor chunkLogits(Var hidden, Var lmHead, int start, int end, Tensor buffer) {
        Tensor chunk = buffer.slice(0, 0, end - start);
        MatrixOps.timesWeight(hidden.f32().slice(0, start, end), lmHead, chunk);
        return chunk;
    }

    private static boolean allIgnored(int[] targets, int start, int end) {
        for (int t = start; t < end; t++) if (targets[t] >= 0) return false;
        return true;
    }
}
