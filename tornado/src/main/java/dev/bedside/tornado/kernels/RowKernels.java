package dev.bedside.tornado.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Kernels over the rows of a [rows, cols] matrix: RMSNorm, softmax and the log-probability gather, forward and
 * backward. A row (4,096 wide for RMSNorm, 128,256 for the gather) is one work-group of {@link #GROUP} work-items:
 * each covers a strided slice of the row, then the group combines its partial results with a tree in local
 * memory. Grid (rows · GROUP), groups of GROUP; dims = [rows, cols].
 */
public final class RowKernels {
    public static final int GROUP = 128;

    private RowKernels() {}

    /**
     * The sum of every work-item's {@code value} over the work-group, returned to all of them: a tree in local memory
     * ({@code partial}, GROUP floats), halving the active work-items at each step.
     */
    static float groupSum(KernelContext ctx, float[] partial, float value) {
        int lane = ctx.localIdx;
        partial[lane] = value;
        for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
            ctx.localBarrier();
            if (lane < stride) partial[lane] += partial[lane + stride];
        }
        ctx.localBarrier();
        float total = partial[0];
        ctx.localBarrier();   // everyone has read it before partial is used again
        return total;
    }

    /** The largest {@code value} over the work-group, the same way. */
    static float groupMax(KernelContext ctx, float[] partial, float value) {
        int lane = ctx.localIdx;
        partial[lane] = value;
        for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
            ctx.localBarrier();
            if (lane < stride) partial[lane] = TornadoMath.max(partial[lane], partial[lane + stride]);
        }
        ctx.localBarrier();
        float max = partial[0];
        ctx.localBarrier();
        return max;
    }

    /** The largest of x[row · cols + j] over j, returned to every work-item of the row's group. */
    static float rowMax(KernelContext ctx, float[] partial, FloatArray x, int row, int cols) {
        float max = -3.4028235e38f;
        for (int j = ctx.localIdx; j < cols; j += GROUP) max = TornadoMath.max(max, x.get(row * cols + j));
        return groupMax(ctx, partial, max);
    }

    // ------------------------------------------------------------------ RMSNorm

    /** out[r, i] = x[r, i] · invRms[r] · w[i]; invRms[r] = 1/√(mean x² + eps). scalars = [eps]. */
    public static void rmsNorm(KernelContext ctx, FloatArray x, FloatArray w, FloatArray out, FloatArray invRms,
                               IntArray dims, FloatArray scalars) {
        int r = ctx.groupIdx, lane = ctx.localIdx, dim = dims.get(1);
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        float squares = 0f;
        for (int i = lane; i < dim; i += GROUP) squares += x.get(r * dim + i) * x.get(r * dim + i);
        float inv = 1f / TornadoMath.sqrt(groupSum(ctx, partial, squares) / dim + scalars.get(0));
        if (lane == 0) invRms.set(r, inv);
        for (int i = lane; i < dim; i += GROUP) out.set(r * dim + i, x.get(r * dim + i) * inv * w.get(i));
    }

    /** dx_i = inv·w_i·g_i − x_i·inv³/dim · Σ_j g_j·w_j·x_j (written: the backend adds it to the gradient on the host). */
    public static void rmsNormBackward(KernelContext ctx, FloatArray g, FloatArray x, FloatArray w, FloatArray invRms,
                                       FloatArray dx, IntArray dims) {
        int r = ctx.groupIdx, lane = ctx.localIdx, dim = dims.get(1);
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        float dot = 0f;
        for (int i = lane; i < dim; i += GROUP) dot += g.get(r * dim + i) * w.get(i) * x.get(r * dim + i);
        float inv = invRms.get(r);
        float coef = groupSum(ctx, partial, dot) * inv * inv * inv / dim;
        for (int i = lane; i < dim; i += GROUP) {
            int at = r * dim + i;
            dx.set(at, inv * w.get(i) * g.get(at) - coef * x.get(at));
        }
    }

    /** dW[i] = Σ_r g[r, i] · x[r, i] · invRms[r] (written). One work-item per weight: grid (cols), any group size. */
    public static void rmsNormWeightGrad(KernelContext ctx, FloatArray g, FloatArray x, FloatArray invRms, FloatArray dw,
                                         IntArray dims) {
        int i = ctx.globalIdx, rows = dims.get(0), dim = dims.get(1);
        if (i < dim) {
            float sum = 0f;
            for (int r = 0; r < rows; r++) sum += g.get(r * dim + i) * x.get(r * dim + i) * invRms.get(r);
            dw.set(i, sum);
        }
    }

    // ------------------------------------------------------------------ softmax and the log-probability gather

    /** out[r, :] = softmax(x[r, :]) (written). */
    public static void softmax(KernelContext ctx, FloatArray x, FloatArray out, IntArray dims) {
        int r = ctx.groupIdx, lane = ctx.localIdx, cols = dims.get(1);
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        float max = rowMax(ctx, partial, x, r, cols);
        float sum = 0f;
        for (int j = lane; j < cols; j += GROUP) {
            float e = TornadoMath.exp(x.get(r * cols + j) - max);
            out.set(r * cols + j, e);
            sum += e;
        }
        float inv = 1f / groupSum(ctx, partial, sum);
        for (int j = lane; j < cols; j += GROUP) out.set(r * cols + j, out.get(r * cols + j) * inv);
    }

    /** logSumExp[r] = log Σ_j exp(logits[r, j]); logProbs[r] = logits[r, target] − logSumExp[r], 0 for target -1. */
    public static void logProbGather(KernelContext ctx, FloatArray logits, IntArray targets, FloatArray logProbs,
                                     FloatArray logSumExp, IntArray dims) {
        int r = ctx.groupIdx, lane = ctx.localIdx, vocab = dims.get(1);
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        float max = rowMax(ctx, partial, logits, r, vocab);
        float sum = 0f;
        for (int j = lane; j < vocab; j += GROUP) sum += TornadoMath.exp(logits.get(r * vocab + j) - max);
        float lse = max + TornadoMath.log(groupSum(ctx, partial, sum));
        if (lane == 0) {
            int target = targets.get(r);
            logSumExp.set(r, lse);
            logProbs.set(r, target < 0 ? 0f : logits.get(r * vocab + target) - lse);
        }
    }

    /**
     * dLogits[r, j] = dLogProbs[r] · (1[j = target] − softmax_j), 0 in an ignored row (written). One work-item per logit:
     * grid (vocab, rows).
     */
    public static void logProbGatherBackward(KernelContext ctx, FloatArray dLogProbs, FloatArray logits, IntArray targets,
                                             FloatArray logSumExp, FloatArray dLogits, IntArray dims) {
        int j = ctx.globalIdx, r = ctx.globalIdy, vocab = dims.get(1);
        if (r < dims.get(0) && j < vocab) {
            int at = r * vocab + j;
            float gradient = 0f;
            if (targets.get(r) >= 0) {
                float p = TornadoMath.exp(logits.get(at) - logSumExp.get(r));
                float indicator = j == targets.get(r) ? 1f : 0f;
                gradient = dLogProbs.get(r) * (indicator - p);
            }
            dLogits.set(at, gradient);
        }
    }
}
