package dev.bedside.tensor;

import java.util.function.ToDoubleFunction;

/**
 * Textbook forward definitions in double precision, written independently of the kernels, plus a central
 * finite-difference gradient. Arrays are row-major; shapes are passed alongside.
 */
final class DoubleDefinitions {
    private DoubleDefinitions() {}

    static double[] rmsNorm(double[] x, double[] w, double eps, int rows, int dim) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double meanSquare = 0;
            for (int i = 0; i < dim; i++) meanSquare += x[r * dim + i] * x[r * dim + i] / dim;
            for (int i = 0; i < dim; i++) y[r * dim + i] = x[r * dim + i] / Math.sqrt(meanSquare + eps) * w[i];
        }
        return y;
    }

    static double[] softmax(double[] x, int rows, int cols) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double total = 0;
            for (int j = 0; j < cols; j++) total += Math.exp(x[r * cols + j]);
            for (int j = 0; j < cols; j++) y[r * cols + j] = Math.exp(x[r * cols + j]) / total;
        }
        return y;
    }

    static double[] logSoftmax(double[] x, int rows, int cols) {
        double[] p = softmax(x, rows, cols), y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.log(p[i]);
        return y;
    }

    /** log softmax(logits)[r, target[r]], 0 for target -1. */
    static double[] logProbGather(double[] logits, int[] targets, int rows, int vocab) {
        double[] logProbs = logSoftmax(logits, rows, vocab), out = new double[rows];
        for (int r = 0; r < rows; r++) out[r] = targets[r] < 0 ? 0 : logProbs[r * vocab + targets[r]];
        return out;
    }

    static double[] swiglu(double[] gate, double[] up) {
        double[] y = new double[gate.length];
        for (int i = 0; i < y.length; i++) y[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
        return y;
    }

    static double[] embedding(double[] table, int[] ids, int dim) {
        double[] y = new double[ids.length * dim];
        for (int t = 0; t < ids.length; t++) System.arraycopy(table, ids[t] * dim, y, t * dim, dim);
        return y;
    }

    /**
     * Rotary embedding as complex multiplication: the pair (x_i, x_{i+d/2}) of each head is the complex number
     * x_i + i·x_{i+d/2}, multiplied by cos + i·sin of its position's angle.
     */
    static double[] rope(double[] x, int heads, int headDim, int[] positions, double[] cos, double[] sin) {
        int half = headDim / 2;
        double[] y = x.clone();
        for (int t = 0; t < positions.length; t++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < half; i++) {
                    int re = (t * heads + h) * headDim + i, im = re + half;
                    double c = cos[positions[t] * half + i], s = sin[positions[t] * half + i];
                    y[re] = x[re] * c - x[im] * s;   // (a + ib)(c + is) = (ac − bs) + i(as + bc)
                    y[im] = x[re] * s + x[im] * c;
                }
            }
        }
        return y;
    }

    /** softmax(Q Kᵀ / √d + causal mask) V for every head, from full score matrices. Returns out then logSumExp. */
    static double[][] attention(double[] q, double[] k, double[] v, int tq, int tk, int heads, int kvHeads, int d) {
        double[] out = new double[tq * heads * d], logSumExp = new double[heads * tq];
        for (int h = 0; h < heads; h++) {
            int kvh = h * kvHeads / heads;
            double[][] scores = new double[tq][tk];
            for (int i = 0; i < tq; i++) {
                for (int j = 0; j < tk; j++) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += q[(i * heads + h) * d + c] * k[(j * kvHeads + kvh) * d + c];
                    boolean future = j > i + (tk - tq);   // query i sits at position tk − tq + i
                    scores[i][j] = future ? Double.NEGATIVE_INFINITY : dot / Math.sqrt(d);
                }
                double total = 0;
                for (int j = 0; j < tk; j++) total += Math.exp(scores[i][j]);
                logSumExp[h * tq + i] = Math.log(total);
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int j = 0; j < tk; j++) acc += Math.exp(scores[i][j]) / total * v[(j * kvHeads + kvh) * d + c];
                    out[(i * heads + h) * d + c] = acc;
                }
            }
        }
        return new double[][] {out, logSumExp};
    }

    /** Σ r ⊙ y. */
    static double weightedSum(double[] r, double[] y) {
        double sum = 0;
        for (int i = 0; i < y.length; i++) sum += r[i] * y[i];
        return sum;
    }

    /** dL/dx by central differences, perturbing one element of x at a time (x is restored). */
    static double[] numericGradient(ToDoubleFunction<double[]> loss, double[] x) {
        double[] grad = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double saved = x[i], h = 1e-5 * Math.max(1, Math.abs(saved));
            x[i] = saved + h;
            double up = loss.applyAsDouble(x);
            x[i] = saved - h;
            double down = loss.applyAsDouble(x);
            x[i] = saved;
            grad[i] = (up - down) / (2 * h);
        }
        return grad;
    }
}
