package dev.bedside.autograd;

import dev.bedside.tensor.Backend;
import dev.bedside.tensor.Backends;
import dev.bedside.tensor.Checks;
import dev.bedside.tensor.ShapeException;
import dev.bedside.tensor.Tensor;
import java.util.Arrays;

/**
 * Ops with frozen weights given as plain {@link Tensor}s rather than {@link Var}s, so a weight stays where it
 * is — memory-mapped BF16, F16, or later 4-bit — instead of being widened into an F32 copy. Gradients flow to
 * the activations only; the weights never get a gradient buffer.
 */
public final class FrozenOps {
    private FrozenOps() {}

    /** x [tokens, in] · wᵀ for a frozen w [out, in] in any storage → [tokens, out]. */
    public static Var linear(Var x, Tensor w) {
        Tensor out = Tensor.zeros(x.dim(0), w.dim(0));
        Checks.LinearShape.of("linear", x.value(), w, out);
        Backends.current().linear(x.value(), w, out);
        return Autograd.record("linear", out, dOut -> Backends.current().linearBackward(dOut, w, x.gradBuffer()), x);
    }

    /** Rows of a frozen table [vocab, dim] in any storage, picked by ids → [ids.length, dim]. A constant. */
    public static Var embedding(Tensor table, int[] ids) {
        Tensor out = Tensor.zeros(ids.length, table.dim(1));
        Backends.current().embedding(table, ids, out);
        return Var.constant(out);
    }

    /** {@link #logProbsOfTargets(Var, Tensor, int[], int)} with {@link LossOps#DEFAULT_CHUNK_ROWS}. */
    public static Var logProbsOfTargets(Var hidden, Tensor lmHead, int[] targets) {
        return logProbsOfTargets(hidden, lmHead, targets, LossOps.DEFAULT_CHUNK_ROWS);
    }

    /**
     * {@link LossOps#logProbsOfTargets} for a frozen head [V, D] in any storage (BF16, F16, 4-bit): log p(targets[t])
     * under softmax(hidden[t] · lmHeadᵀ) → [T], target −1 = ignored row (log-prob 0, no gradient). The head is read
     * through {@link Backend#linear} and {@link Backend#linearBackward} a chunk of rows at a time, so neither the
     * [T, V] logits nor a widened copy of the head ever exist. The gradient reaches {@code hidden} only.
     */
    public static Var logProbsOfTargets(Var hidden, Tensor lmHead, int[] targets, int chunkRows) {
        if (hidden.rank() != 2 || lmHead.rank() != 2 || hidden.dim(1) != lmHead.dim(1)) {
            throw new ShapeException("logProbsOfTargets", "hidden [T, D] and frozen lmHead [V, D] expected", hidden.shape(), lmHead.shape());
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
            Tensor chunkLogits = chunkLogits(backend, hidden, lmHead, start, end, logits);
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
                Tensor chunkLogits = chunkLogits(b, hidden, lmHead, start, end, chunkBuffer);
                Tensor dLogits = dLogitsBuffer.slice(0, 0, end - start);
                Arrays.fill(dLogits.data(), 0f);   // the backward kernel accumulates
                b.logProbGatherBackward(dOut.slice(0, start, end), chunkLogits, Arrays.copyOfRange(savedTargets, start, end),
                        logSumExp.slice(0, start, end), dLogits);
                b.linearBackward(dLogits, lmHead, hidden.gradBuffer().slice(0, start, end));   // d hidden[chunk] += d logits · lmHead
            }
        }, hidden);
    }

    /** logits[0 : end − start] = hidden[start : end] · lmHeadᵀ, written into the front of {@code buffer}. */
    private static Tensor chunkLogits(Backend backend, Var hidden, Tensor lmHead, int start, int end, Tensor buffer) {
        Tensor chunk = buffer.slice(0, 0, end - start);
        backend.linear(hidden.value().slice(0, start, end), lmHead, chunk);
        return chunk;
    }

    private static boolean allIgnored(int[] targets, int start, int end) {
        for (int t = start; t < end; t++) if (targets[t] >= 0) return false;
        return true;
    }
}
