package dev.bedside.autograd;

import java.util.function.DoubleBinaryOperator;

/**
 * Double-precision forwards written from the textbook definitions, independently of the kernels: the
 * functions whose finite differences the analytic gradients are checked against. Arrays are flat, row-major.
 */
final class Ref {
    private Ref() {}

    static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** NumPy broadcasting of two shapes (the test's own definition). */
    static int[] broadcastShape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int d = 0; d < rank; d++) {
            int x = d < rank - a.length ? 1 : a[d - (rank - a.length)];
            int y = d < rank - b.length ? 1 : b[d - (rank - b.length)];
            out[d] = x == 1 ? y : x;
        }
        return out;
    }

    /** f(a, b) element-wise with broadcasting: each output index is mapped back to each operand's index. */
    static double[] broadcast(double[] a, int[] as, double[] b, int[] bs, DoubleBinaryOperator f) {
        int[] os = broadcastShape(as, bs);
        double[] out = new double[numel(os)];
        for (int i = 0; i < out.length; i++) {
            int[] index = unravel(i, os);
            out[i] = f.applyAsDouble(a[ravelBroadcast(index, as)], b[ravelBroadcast(index, bs)]);
        }
        return out;
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    private static int ravelBroadcast(int[] index, int[] shape) {
        int flat = 0, shift = index.length - shape.length;
        for (int d = 0; d < shape.length; d++) flat = flat * shape[d] + (shape[d] == 1 ? 0 : index[d + shift]);
        return flat;
    }

    /** op(a)·op(b) where a is stored [ar, ac] and b [br, bc]. */
    static double[] matmul(double[] a, int ar, int ac, boolean ta, double[] b, int br, int bc, boolean tb) {
        int m = ta ? ac : ar, k = ta ? ar : ac, n = tb ? br : bc;
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (ta ? a[p * ac + i] : a[i * ac + p]) * (tb ? b[j * bc + p] : b[p * bc + j]);
                c[i * n + j] = s;
            }
        }
        return c;
    }

    static double[] rmsNorm(double[] x, int rows, int dim, double[] w, double eps) {
        double[] out = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double ms = 0;
            for (int i = 0; i < dim; i++) ms += x[r * dim + i] * x[r * dim + i] / dim;
            for (int i = 0; i < dim; i++) out[r * dim + i] = x[r * dim + i] / Math.sqrt(ms + eps) * w[i];
        }
        return out;
    }

    static double[] swiglu(double[] gate, double[] up) {
        double[] out = new double[gate.length];
        for (int i = 0; i < out.length; i++) out[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
        return out;
    }

    static double[] embedding(double[] table, int dim, int[] ids) {
        double[] out = new double[ids.length * dim];
        for (int t = 0; t < ids.length; t++) System.arraycopy(table, ids[t] * dim, out, t * dim, dim);
        return out;
    }

    /** Rotate-half RoPE: within each head, the pair (i, i + d/2) is rotated by the angle of position p, frequency i. */
    static double[] rope(double[] x, int heads, int headDim, int[] positions, double[] cos, double[] sin) {
        double[] out = x.clone();
        int half = headDim / 2;
        for (int t = 0; t < positions.length; t++) {
            for (int h = 0; h < heads; h++) {
                int base = (t * heads + h) * headDim;
                for (int i = 0; i < half; i++) {
                    double c = cos[positions[t] * half + i], s = sin[positions[t] * half + i];
                    double x0 = x[base + i], x1 = x[base + i + half];
                    out[base + i] = x0 * c - x1 * s;
                    out[base + i + half] = x0 * s + x1 * c;
                }
            }
        }
        return out;
    }

    /** softmax(q kᵀ / √d + causal mask) v per head; query i is at position tk − tq + i; head h reads kv head h / (heads / kvHeads). */
    static double[] attention(double[] q, double[] k, double[] v, int tq, int tk, int heads, int kvHeads, int d) {
        double[] out = new double[tq * heads * d];
        int group = heads / kvHeads;
        for (int h = 0; h < heads; h++) {
            int g = h / group;
            for (int i = 0; i < tq; i++) {
                int visible = tk - tq + i + 1;
                double[] p = new double[visible];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < visible; j++) {
                    double s = 0;
                    for (int c = 0; c < d; c++) s += q[(i * heads + h) * d + c] * k[(j * kvHeads + g) * d + c];
                    p[j] = s / Math.sqrt(d);
                    max = Math.max(max, p[j]);
                }
                for (int j = 0; j < visible; j++) sum += p[j] = Math.exp(p[j] - max);
                for (int j = 0; j < visible; j++) {
                    for (int c = 0; c < d; c++) out[(i * heads + h) * d + c] += p[j] / sum * v[(j * kvHeads + g) * d + c];
                }
            }
        }
        return out;
    }

    static double[] logSoftmax(double[] x, int rows, int cols) {
        double[] out = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += Math.exp(x[r * cols + j]);
            for (int j = 0; j < cols; j++) out[r * cols + j] = x[r * cols + j] - Math.log(sum);
        }
        return out;
    }

    static double[] softmax(double[] x, int rows, int cols) {
        double[] out = logSoftmax(x, rows, cols);
        for (int i = 0; i < out.length; i++) out[i] = Math.exp(out[i]);
        return out;
    }

    /** log softmax(hidden · lmHeadᵀ)[t, targets[t]], 0 where the target is −1. */
    static double[] logProbsOfTargets(double[] hidden, int rows, int dim, double[] lmHead, int vocab, int[] targets) {
        double[] logits = matmul(hidden, rows, dim, false, lmHead, vocab, dim, true);
        double[] logProbs = logSoftmax(logits, rows, vocab);
        double[] out = new double[rows];
        for (int t = 0; t < rows; t++) out[t] = targets[t] < 0 ? 0 : logProbs[t * vocab + targets[t]];
        return out;
    }
}
