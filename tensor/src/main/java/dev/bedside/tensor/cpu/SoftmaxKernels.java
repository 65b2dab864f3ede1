package dev.bedside.tensor.cpu;

import static dev.bedside.tensor.Checks.*;
import static dev.bedside.tensor.cpu.VectorMath.F;
import static dev.bedside.tensor.cpu.VectorMath.LANES;

import dev.bedside.tensor.Parallel;
import dev.bedside.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Softmax, log-softmax and the gathered log-probabilities of a vocabulary, rows in parallel. */
public final class SoftmaxKernels {
    private SoftmaxKernels() {}

    public static void softmax(Tensor x, Tensor out) {
        requireSameShape("softmax", x, out);
        int cols = lastDim(x), rows = rowsOf(x);
        float[] X = x.data(), O = out.data();
        int xo = (int) x.offset(), oo = (int) out.offset();
        Parallel.forRange(rows, VectorMath.rowGrain(cols), (start, end) -> {
            for (int r = start; r < end; r++) {
                int xi = xo + r * cols, oi = oo + r * cols;
                float max = VectorMath.max(X, xi, cols);
                float sum = expShifted(X, xi, max, O, oi, cols);   // O holds exp(x − max)
                scale(O, oi, 1f / sum, cols);
            }
        });
    }

    public static void softmaxBackward(Tensor dProbs, Tensor probs, Tensor dx) {
        requireSameShape("softmaxBackward", probs, dProbs, dx);
        int cols = lastDim(probs), rows = rowsOf(probs);
        float[] G = dProbs.data(), P = probs.data(), D = dx.data();
        int go = (int) dProbs.offset(), po = (int) probs.offset(), dxo = (int) dx.offset();
        Parallel.forRange(rows, VectorMath.rowGrain(cols), (start, end) -> {
            for (int r = start; r < end; r++) {
                int gi = go + r * cols, pi = po + r * cols, di = dxo + r * cols;
                float dot = VectorMath.dot(G, gi, P, pi, cols);
                int j = 0;
                for (; j < F.loopBound(cols); j += LANES) {
                    FloatVector p = FloatVector.fromArray(F, P, pi + j);
                    FloatVector g = FloatVector.fromArray(F, G, gi + j);
                    g.sub(dot).fma(p, FloatVector.fromArray(F, D, di + j)).intoArray(D, di + j);
                }
                for (; j < cols; j++) D[di + j] += P[pi + j] * (G[gi + j] - dot);
            }
        });
    }

    public static void logSoftmax(Tensor x, Tensor out) {
        requireSameShape("logSoftmax", x, out);
        int cols = lastDim(x), rows = rowsOf(x);
        float[] X = x.data(), O = out.data();
        int xo = (int) x.offset(), oo = (int) out.offset();
        Parallel.forRange(rows, VectorMath.rowGrain(cols), (start, end) -> {
            for (int r = start; r < end; r++) {
                int xi = xo + r * cols, oi = oo + r * cols;
                float lse = logSumExp(X, xi, cols);
                int j = 0;
                for (; j < F.loopBound(cols); j += LANES) FloatVector.fromArray(F, X, xi + j).sub(lse).intoArray(O, oi + j);
                for (; j < cols; j++) O[oi + j] = X[xi + j] - lse;
            }
        });
    }

    public static void logSoftmaxBackward(Tensor dOut, Tensor logProbs, Tensor dx) {
        requireSameShape("logSoftmaxBackward", logProbs, dOut, dx);
        int cols = lastDim(logProbs), rows = rowsOf(logProbs);
        float[] G = dOut.data(), L = logProbs.data(), D = dx.data();
        int go = (int) dOut.offset(), lo = (int) logProbs.offset(), dxo = (int) dx.offset();
        Parallel.forRange(rows, VectorMath.rowGrain(cols), (start, end) -> {
            for (int r = start; r < end; r++) {
                int gi = go + r * cols, li = lo + r * cols, di = dxo + r * cols;
                float sum = VectorMath.sum(G, gi, cols);
                int j = 0;
                for (; j < F.loopBound(cols); j += LANES) {
                    FloatVector p = VectorMath.exp(FloatVector.fromArray(F, L, li + j));
                    FloatVector d = FloatVector.fromArray(F, G, gi + j).sub(p.mul(sum));
                    d.add(FloatVector.fromArray(F, D, di + j)).intoArray(D, di + j);
                }
                for (; j < cols; j++) D[di + j] += G[gi + j] - (float) Math.exp(L[li + j]) * sum;
            }
        });
    }

    public static void logProbGather(Tensor logits, int[] targets, Tensor logProbs, Tensor logSumExp) {
        RowShape shape = RowShape.logProbGather(logits, targets, logProbs, logSumExp);
        int vocab = shape.cols(), rows = shape.rows();
        float[] X = logits.data(), LP = logProbs.data(), LSE = logSumExp.data();
        int xo = (int) logits.offset(), lpo = (int) logProbs.offset(), lseo = (int) logSumExp.offset();
        Parallel.forRange(rows, VectorMath.rowGrain(vocab), (start, end) -> {
            for (int r = start; r < end; r++) {
                int xi = xo + r * vocab;
                float lse = logSumExp(X, xi, vocab);
                LSE[lseo + r] = lse;
                LP[lpo + r] = targets[r] < 0 ? 0f : X[xi + targets[r]] - lse;
            }
        });
    }

    public static void logProbGatherBackward(Tensor dLogProbs, Tensor logits, int[] targets, Tensor logSumExp, Tensor dLogits) {
        RowShape shape = RowShape.logProbGatherBackward(dLogProbs, logits, targets, logSumExp, dLogits);
        int vocab = shape.cols(), rows = shape.rows();
        float[] X = logits.data(), G = dLogProbs.data(), LSE = logSumExp.data(), D = dLogits.data();
        int xo = (int) logits.offset(), go = (int) dLogProbs.offset(), lseo = (int) logSumExp.offset(), dxo = (int) dLogits.offset();
        Parallel.forRange(rows, VectorMath.rowGrain(vocab), (start, end) -> {
            for (int r = start; r < end; r++) {
                if (targets[r] < 0) continue;
                int xi = xo + r * vocab, di = dxo + r * vocab;
                float g = G[go + r], lse = LSE[lseo + r];
                // dLogits_j −= g · exp(x_j − lse), then the target gets + g.
                int j = 0;
                for (; j < F.loopBound(vocab); j += LANES) {
                    FloatVector p = VectorMath.exp(FloatVector.fromArray(F, X, xi + j).sub(lse));
                    p.fma(FloatVector.broadcast(F, -g), FloatVector.fromArray(F, D, di + j)).intoArray(D, di + j);
                }
                for (; j < vocab; j++) D[di + j] -= g * (float) Math.exp(X[xi + j] - lse);
                D[di + targets[r]] += g;
            }
        });
    }

    /**
     * log Σ exp(x) over one row in a single sweep of memory (online softmax): each lane keeps a running max and
     * the sum of exp(x − max) so far, rescaling its sum in the rare step where its max grows. Lanes start at
     * −MAX_VALUE rather than −∞ so a −∞ (masked) input gives exp(−∞) = 0, not NaN.
     */
    static float logSumExp(float[] x, int from, int n) {
        FloatVector laneMax = FloatVector.broadcast(F, -Float.MAX_VALUE), laneSum = FloatVector.zero(F);
        int j = 0;
        for (; j < F.loopBound(n); j += LANES) {
            FloatVector v = FloatVector.fromArray(F, x, from + j);
            if (v.compare(VectorOperators.GT, laneMax).anyTrue()) {
                FloatVector grown = laneMax.max(v);
                laneSum = laneSum.mul(VectorMath.exp(laneMax.sub(grown)));
                laneMax = grown;
            }
            laneSum = laneSum.add(VectorMath.exp(v.sub(laneMax)));
        }
        float max = laneMax.reduceLanes(VectorOperators.MAX);
        float sum = VectorMath.sumLanes(laneSum.mul(VectorMath.exp(laneMax.sub(max))));
        for (; j < n; j++) {   // the tail, online in the same way
            if (x[from + j] > max) {
                sum *= (float) Math.exp(max - x[from + j]);
                max = x[from + j];
            }
            sum += (float) Math.exp(x[from + j] - max);
        }
        return sum == 0f ? Float.NEGATIVE_INFINITY : max + (float) Math.log(sum);
    }

    /** out[outFrom + j] = exp(x[from + j] − shift) for j < n; returns their sum. */
    private static float expShifted(float[] x, int from, float shift, float[] out, int outFrom, int n) {
        FloatVector acc = FloatVector.zero(F);
        int j = 0;
        for (; j < F.loopBound(n); j += LANES) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, from + j).sub(shift));
            e.intoArray(out, outFrom + j);
            acc = acc.add(e);
        }
        float sum = VectorMath.sumLanes(acc);
        for (; j < n; j++) {
            out[outFrom + j] = (float) Math.exp(x[from + j] - shift);
            sum += out[outFrom + j];
        }
        return sum;
    }

    private static void scale(float[] a, int from, float factor, int n) {
        int j = 0;
        for (; j < F.loopBound(n); j += LANES) FloatVector.fromArray(F, a, from + j).mul(factor).intoArray(a, from + j);
        for (; j < n; j++) a[from + j] *= factor;
    }
}
