package dev.bedside.tensor.cpu;

import static dev.bedside.tensor.Checks.*;
import static dev.bedside.tensor.cpu.VectorMath.F;
import static dev.bedside.tensor.cpu.VectorMath.LANES;

import dev.bedside.tensor.Parallel;
import dev.bedside.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** The kernels an encoder (BERT, MPNet) needs beyond a decoder's: LayerNorm, erf GELU, bidirectional attention. */
public final class EncoderKernels {
    private EncoderKernels() {}

    public static void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out) {
        int dim = lastDim(x), rows = rowsOf(x);
        requireNumel("layerNorm", dim, weight, x);
        requireNumel("layerNorm", dim, bias, x);
        requireSameShape("layerNorm", x, out);
        float[] X = x.data(), W = weight.data(), B = bias.data(), O = out.data();
        int xo = (int) x.offset(), wo = (int) weight.offset(), bo = (int) bias.offset(), oo = (int) out.offset();
        Parallel.forRange(rows, VectorMath.rowGrain(dim), (start, end) -> {
            for (int r = start; r < end; r++) {
                int row = xo + r * dim, outRow = oo + r * dim;
                float mean = VectorMath.sum(X, row, dim) / dim;
                // Variance from the centred values (two passes): no cancellation when |mean| ≫ spread.
                FloatVector acc = FloatVector.zero(F);
                int i = 0;
                for (; i < F.loopBound(dim); i += LANES) {
                    FloatVector centred = FloatVector.fromArray(F, X, row + i).sub(mean);
                    acc = centred.fma(centred, acc);
                }
                float squares = VectorMath.sumLanes(acc);
                for (; i < dim; i++) squares += (X[row + i] - mean) * (X[row + i] - mean);
                float inv = (float) (1.0 / Math.sqrt(squares / dim + eps));
                i = 0;
                for (; i < F.loopBound(dim); i += LANES) {
                    FloatVector normed = FloatVector.fromArray(F, X, row + i).sub(mean).mul(inv);
                    normed.fma(FloatVector.fromArray(F, W, wo + i), FloatVector.fromArray(F, B, bo + i)).intoArray(O, outRow + i);
                }
                for (; i < dim; i++) O[outRow + i] = (X[row + i] - mean) * inv * W[wo + i] + B[bo + i];
            }
        });
    }

    public static void gelu(Tensor x, Tensor out) {
        requireSameShape("gelu", x, out);
        float[] X = x.data(), O = out.data();
        int xo = (int) x.offset(), oo = (int) out.offset(), n = x.numel();
        Parallel.forRange(n, 1 << 14, (start, end) -> {
            int i = start;
            for (; i + LANES <= end; i += LANES) gelu(FloatVector.fromArray(F, X, xo + i)).intoArray(O, oo + i);
            for (; i < end; i++) O[oo + i] = gelu(X[xo + i]);
        });
    }

    // erfc(z) = t · exp(−z² + P(t)), t = 1 / (1 + z/2), z ≥ 0: the Chebyshev fit of Numerical Recipes (erfcc),
    // relative error below 1.2e-7 for every z. Then 1 + erf(x/√2) = erfc(z) for x < 0 and 2 − erfc(z) for x ≥ 0,
    // so GELU of a negative x keeps its relative accuracy (no 1 − 1 cancellation).
    private static final float[] P = {-1.26551223f, 1.00002368f, 0.37409196f, 0.09678418f, -0.18628806f,
            0.27886807f, -1.13520398f, 1.48851587f, -0.82215223f, 0.17087277f};
    private static final float INV_SQRT2 = 0.70710678f;

    private static FloatVector gelu(FloatVector x) {
        FloatVector z = x.abs().mul(INV_SQRT2);
        FloatVector t = FloatVector.broadcast(F, 1f).div(z.fma(FloatVector.broadcast(F, 0.5f), FloatVector.broadcast(F, 1f)));
        FloatVector poly = FloatVector.broadcast(F, P[9]);
        for (int c = 8; c >= 0; c--) poly = poly.fma(t, FloatVector.broadcast(F, P[c]));
        FloatVector erfc = t.mul(VectorMath.exp(poly.sub(z.mul(z))));
        FloatVector onePlusErf = erfc.neg().add(2f).blend(erfc, x.compare(VectorOperators.LT, 0f));
        return x.mul(0.5f).mul(onePlusErf);
    }

    private static float gelu(float x) {
        float z = Math.abs(x) * INV_SQRT2, t = 1f / (1f + 0.5f * z);
        float poly = P[9];
        for (int c = 8; c >= 0; c--) poly = poly * t + P[c];
        float erfc = t * (float) Math.exp(poly - z * z);
        return 0.5f * x * (x < 0 ? erfc : 2f - erfc);
    }

    public static void encoderAttention(Tensor q, Tensor k, Tensor v, int heads, int keys, Tensor bias, Tensor out) {
        AttentionShape s = AttentionShape.ofEncoder("encoderAttention", q, k, v, heads, keys, bias);
        requireSameShape("encoderAttention", q, out);
        float[] Q = q.data(), K = k.data(), V = v.data(), O = out.data(), BIAS = bias == null ? null : bias.data();
        int qo = (int) q.offset(), ko = (int) k.offset(), vo = (int) v.offset(), oo = (int) out.offset();
        int bo = bias == null ? 0 : (int) bias.offset();
        int tq = s.tq(), tk = s.tk(), d = s.headDim(), width = heads * d;
        float scale = (float) (1.0 / Math.sqrt(d));
        Parallel.forRange(heads, 1, (startHead, endHead) -> {
            float[] kT = new float[d * keys], scores = new float[keys];
            for (int h = startHead; h < endHead; h++) {
                AttentionKernels.transpose(K, ko + h * d, width, keys, d, kT);   // keys of head h as [d, keys]
                for (int i = 0; i < tq; i++) {
                    AttentionKernels.transposedProducts(Q, qo + i * width + h * d, d, scale, kT, keys, scores, keys);
                    if (BIAS != null) {
                        int row = bo + (h * tq + i) * tk, j = 0;
                        for (; j < F.loopBound(keys); j += LANES) {
                            FloatVector.fromArray(F, scores, j).add(FloatVector.fromArray(F, BIAS, row + j)).intoArray(scores, j);
                        }
                        for (; j < keys; j++) scores[j] += BIAS[row + j];
                    }
                    float max = VectorMath.max(scores, 0, keys);
                    float sum = AttentionKernels.expInPlace(scores, max, keys);
                    AttentionKernels.weightedRows(scores, keys, V, vo + h * d, width, d, 1f / sum, O, oo + i * width + h * d, false);
                }
            }
        });
    }
}
