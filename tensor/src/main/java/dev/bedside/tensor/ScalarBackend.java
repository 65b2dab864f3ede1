package dev.bedside.tensor;

import static dev.bedside.tensor.Checks.*;

/**
 * Plain loops, one element at a time, accumulating in double where a sum is long. Slow on purpose:
 * this is the definition every fast kernel is tested against, so it must be obviously right.
 */
public class ScalarBackend implements Backend {

    @Override
    public String name() { return "cpu-scalar"; }

    // ------------------------------------------------------------------ matrix products

    @Override
    public void gemm(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float alpha, float beta) {
        GemmShape s = GemmShape.of("gemm", a, transA, b, transB, c);
        float[] A = a.data(), B = b.data(), C = c.data();
        int ao = (int) a.offset(), bo = (int) b.offset(), co = (int) c.offset();
        for (int i = 0; i < s.m(); i++) {
            for (int j = 0; j < s.n(); j++) {
                double sum = 0;
                for (int p = 0; p < s.k(); p++) {
                    float x = transA ? A[ao + p * s.m() + i] : A[ao + i * s.k() + p];
                    float y = transB ? B[bo + j * s.k() + p] : B[bo + p * s.n() + j];
                    sum += (double) x * y;
                }
                float previous = beta == 0f ? 0f : beta * C[co + i * s.n() + j];
                C[co + i * s.n() + j] = (float) (alpha * sum) + previous;
            }
        }
    }

    @Override
    public void matVec(Tensor w, Tensor x, Tensor y) {
        requireRank("matVec", 2, w);
        int rows = w.dim(0), cols = w.dim(1);
        requireNumel("matVec", cols, x, w);
        requireNumel("matVec", rows, y, w);
        float[] W = w.data(), X = x.data(), Y = y.data();
        int wo = (int) w.offset(), xo = (int) x.offset(), yo = (int) y.offset();
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int i = 0; i < cols; i++) sum += (double) W[wo + r * cols + i] * X[xo + i];
            Y[yo + r] = (float) sum;
        }
    }

    @Override
    public void linear(Tensor x, Tensor w, Tensor y) {
        LinearShape s = LinearShape.of("linear", x, w, y);
        float[] X = x.data(), Y = y.data();
        Storage W = w.storage();
        for (int r = 0; r < s.rows(); r++) {
            for (int o = 0; o < s.out(); o++) {
                double sum = 0;
                long wRow = w.offset() + (long) o * s.in();
                for (int i = 0; i < s.in(); i++) sum += (double) X[(int) x.offset() + r * s.in() + i] * W.get(wRow + i);
                Y[(int) y.offset() + r * s.out() + o] = (float) sum;
            }
        }
    }

    @Override
    public void linearBackward(Tensor dy, Tensor w, Tensor dx) {
        LinearShape s = LinearShape.of("linearBackward", dx, w, dy);
        float[] G = dy.data(), D = dx.data();
        Storage W = w.storage();
        for (int r = 0; r < s.rows(); r++) {
            for (int i = 0; i < s.in(); i++) {
                double sum = 0;
                for (int o = 0; o < s.out(); o++) {
                    sum += (double) G[(int) dy.offset() + r * s.out() + o] * W.get(w.offset() + (long) o * s.in() + i);
                }
                D[(int) dx.offset() + r * s.in() + i] += (float) sum;
            }
        }
    }

    // ------------------------------------------------------------------ normalisation

    @Override
    public void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out, Tensor invRms) {
        RowShape shape = RowShape.rmsNorm(x, weight, out, invRms);
        int dim = shape.cols(), rows = shape.rows();
        float[] X = x.data(), W = weight.data(), O = out.data(), R = invRms.data();
        for (int r = 0; r < rows; r++) {
            int row = (int) x.offset() + r * dim, outRow = (int) out.offset() + r * dim;
            double sumSquares = 0;
            for (int i = 0; i < dim; i++) sumSquares += (double) X[row + i] * X[row + i];
            float inv = (float) (1.0 / Math.sqrt(sumSquares / dim + eps));
            R[(int) invRms.offset() + r] = inv;
            for (int i = 0; i < dim; i++) O[outRow + i] = X[row + i] * inv * W[(int) weight.offset() + i];
        }
    }

    @Override
    public void rmsNormBackward(Tensor dOut, Tensor x, Tensor weight, Tensor invRms, Tensor dx, Tensor dWeight) {
        RowShape shape = RowShape.rmsNormBackward(dOut, x, weight, invRms, dx, dWeight);
        int dim = shape.cols(), rows = shape.rows();
        float[] X = x.data(), W = weight.data(), G = dOut.data(), R = invRms.data(), DX = dx.data();
        int wo = (int) weight.offset();
        for (int r = 0; r < rows; r++) {
            int row = (int) x.offset() + r * dim, gRow = (int) dOut.offset() + r * dim, dxRow = (int) dx.offset() + r * dim;
            float inv = R[(int) invRms.offset() + r];
            // y_i = x_i·inv·w_i, inv = (mean x² + eps)^(-1/2)  ⇒  dx_i = inv·w_i·g_i − x_i·inv³/dim · Σ_j g_j·w_j·x_j
            double dot = 0;
            for (int i = 0; i < dim; i++) dot += (double) G[gRow + i] * W[wo + i] * X[row + i];
            double coef = dot * inv * inv * inv / dim;
            for (int i = 0; i < dim; i++) {
                DX[dxRow + i] += (float) (inv * W[wo + i] * G[gRow + i] - coef * X[row + i]);
            }
            if (dWeight != null) {
                float[] DW = dWeight.data();
                int dwo = (int) dWeight.offset();
                for (int i = 0; i < dim; i++) DW[dwo + i] += G[gRow + i] * X[row + i] * inv;
            }
        }
    }

    // ------------------------------------------------------------------ softmax family

    @Override
    public void softmax(Tensor x, Tensor out) {
        requireSameShape("softmax", x, out);
        int cols = lastDim(x), rows = rowsOf(x);
        float[] X = x.data(), O = out.data();
        for (int r = 0; r < rows; r++) {
            int xi = (int) x.offset() + r * cols, oi = (int) out.offset() + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) max = Math.max(max, X[xi + j]);
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += Math.exp(X[xi + j] - max);
            for (int j = 0; j < cols; j++) O[oi + j] = (float) (Math.exp(X[xi + j] - max) / sum);
        }
    }

    @Override
    public void softmaxBackward(Tensor dProbs, Tensor probs, Tensor dx) {
        requireSameShape("softmaxBackward", probs, dProbs, dx);
        int cols = lastDim(probs), rows = rowsOf(probs);
        float[] G = dProbs.data(), P = probs.data(), D = dx.data();
        for (int r = 0; r < rows; r++) {
            int gi = (int) dProbs.offset() + r * cols, pi = (int) probs.offset() + r * cols, di = (int) dx.offset() + r * cols;
            double dot = 0;
            for (int j = 0; j < cols; j++) dot += (double) G[gi + j] * P[pi + j];
            for (int j = 0; j < cols; j++) D[di + j] += (float) (P[pi + j] * (G[gi + j] - dot));
        }
    }

    @Override
    public void logSoftmax(Tensor x, Tensor out) {
        requireSameShape("logSoftmax", x, out);
        int cols = lastDim(x), rows = rowsOf(x);
        float[] X = x.data(), O = out.data();
        for (int r = 0; r < rows; r++) {
            int xi = (int) x.offset() + r * cols, oi = (int) out.offset() + r * cols;
            double lse = logSumExp(X, xi, cols);
            for (int j = 0; j < cols; j++) O[oi + j] = (float) (X[xi + j] - lse);
        }
    }

    @Override
    public void logSoftmaxBackward(Tensor dOut, Tensor logProbs, Tensor dx) {
        requireSameShape("logSoftmaxBackward", logProbs, dOut, dx);
        int cols = lastDim(logProbs), rows = rowsOf(logProbs);
        float[] G = dOut.data(), L = logProbs.data(), D = dx.data();
        for (int r = 0; r < rows; r++) {
            int gi = (int) dOut.offset() + r * cols, li = (int) logProbs.offset() + r * cols, di = (int) dx.offset() + r * cols;
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += G[gi + j];
            for (int j = 0; j < cols; j++) D[di + j] += (float) (G[gi + j] - Math.exp(L[li + j]) * sum);
        }
    }

    @Override
    public void logProbGather(Tensor logits, int[] targets, Tensor logProbs, Tensor logSumExp) {
        RowShape shape = RowShape.logProbGather(logits, targets, logProbs, logSumExp);
        int vocab = shape.cols(), rows = shape.rows();
        float[] X = logits.data(), LP = logProbs.data(), LSE = logSumExp.data();
        for (int r = 0; r < rows; r++) {
            int xi = (int) logits.offset() + r * vocab;
            double lse = logSumExp(X, xi, vocab);
            LSE[(int) logSumExp.offset() + r] = (float) lse;
            LP[(int) logProbs.offset() + r] = targets[r] < 0 ? 0f : (float) (X[xi + targets[r]] - lse);
        }
    }

    @Override
    public void logProbGatherBackward(Tensor dLogProbs, Tensor logits, int[] targets, Tensor logSumExp, Tensor dLogits) {
        RowShape shape = RowShape.logProbGatherBackward(dLogProbs, logits, targets, logSumExp, dLogits);
        int vocab = shape.cols(), rows = shape.rows();
        float[] X = logits.data(), G = dLogProbs.data(), LSE = logSumExp.data(), D = dLogits.data();
        for (int r = 0; r < rows; r++) {
            if (targets[r] < 0) continue;
            int xi = (int) logits.offset() + r * vocab, di = (int) dLogits.offset() + r * vocab;
            float g = G[(int) dLogProbs.offset() + r], lse = LSE[(int) logSumExp.offset() + r];
            for (int j = 0; j < vocab; j++) D[di + j] -= (float) (g * Math.exp(X[xi + j] - lse));
            D[di + targets[r]] += g;
        }
    }

    private static double logSumExp(float[] x, int offset, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) max = Math.max(max, x[offset + j]);
        if (max == Float.NEGATIVE_INFINITY) return max;
        double sum = 0;
        for (int j = 0; j < n; j++) sum += Math.exp(x[offset + j] - max);
        return max + Math.log(sum);
    }

    // ------------------------------------------------------------------ element-wise

    @Override
    public void add(Tensor a, Tensor b, Tensor out) { broadcast("add", a, b, out, false); }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) { broadcast("mul", a, b, out, true); }

    private static void broadcast(String op, Tensor a, Tensor b, Tensor out, boolean multiply) {
        int[] shape = Broadcast.shape(op, a.shape(), b.shape());
        requireShape(op, shape, out);
        long[] sa = Broadcast.strides(a.shape(), shape), sb = Broadcast.strides(b.shape(), shape);
        float[] A = a.data(), B = b.data(), O = out.data();
        int n = out.numel();
        int[] index = new int[shape.length];
        for (int i = 0; i < n; i++) {
            long ia = a.offset(), ib = b.offset();
            for (int d = 0; d < shape.length; d++) {
                ia += index[d] * sa[d];
                ib += index[d] * sb[d];
            }
            float x = A[(int) ia], y = B[(int) ib];
            O[(int) out.offset() + i] = multiply ? x * y : x + y;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        requireSameShape("axpy", x, y);
        float[] X = x.data(), Y = y.data();
        int n = x.numel(), xo = (int) x.offset(), yo = (int) y.offset();
        for (int i = 0; i < n; i++) Y[yo + i] += alpha * X[xo + i];
    }

    @Override
    public void sumToShape(Tensor x, Tensor out) {
        requireTrailingShape("sumToShape", x, out);
        int inner = out.numel();
        float[] X = x.data(), O = out.data();
        int outer = inner == 0 ? 0 : x.numel() / inner;
        for (int j = 0; j < inner; j++) {
            double sum = 0;
            for (int r = 0; r < outer; r++) sum += X[(int) x.offset() + r * inner + j];
            O[(int) out.offset() + j] = (float) sum;
        }
    }

    @Override
    public void swiglu(Tensor gate, Tensor up, Tensor out) {
        requireSameShape("swiglu", gate, up, out);
        float[] G = gate.data(), U = up.data(), O = out.data();
        int n = gate.numel();
        for (int i = 0; i < n; i++) {
            float g = G[(int) gate.offset() + i];
            O[(int) out.offset() + i] = (float) (g / (1.0 + Math.exp(-g))) * U[(int) up.offset() + i];
        }
    }

    @Override
    public void swigluBackward(Tensor dOut, Tensor gate, Tensor up, Tensor dGate, Tensor dUp) {
        requireSameShape("swigluBackward", gate, up, dOut, dGate, dUp);
        float[] D = dOut.data(), G = gate.data(), U = up.data(), DG = dGate.data(), DU = dUp.data();
        int n = gate.numel();
        for (int i = 0; i < n; i++) {
            double g = G[(int) gate.offset() + i], d = D[(int) dOut.offset() + i];
            double sigmoid = 1.0 / (1.0 + Math.exp(-g));
            double silu = g * sigmoid;
            // d silu / dg = σ(g) · (1 + g · (1 − σ(g)))
            DG[(int) dGate.offset() + i] += (float) (d * U[(int) up.offset() + i] * sigmoid * (1 + g * (1 - sigmoid)));
            DU[(int) dUp.offset() + i] += (float) (d * silu);
        }
    }

    // ------------------------------------------------------------------ embeddings and positions

    @Override
    public void embedding(Tensor table, int[] ids, Tensor out) {
        requireRank("embedding", 2, table);
        int vocab = table.dim(0), dim = table.dim(1);
        requireShape("embedding", new int[] {ids.length, dim}, out);
        requireIds("embedding", ids, vocab, table);
        if (!table.isContiguous()) throw new ShapeException("embedding", "table must be contiguous", table.shape());
        Storage T = table.storage();
        float[] O = out.data();
        for (int t = 0; t < ids.length; t++) {
            long row = table.offset() + (long) ids[t] * dim;
            for (int i = 0; i < dim; i++) O[(int) out.offset() + t * dim + i] = T.get(row + i);
        }
    }

    @Override
    public void embeddingBackward(Tensor dOut, int[] ids, Tensor dTable) {
        requireRank("embeddingBackward", 2, dTable);
        int vocab = dTable.dim(0), dim = dTable.dim(1);
        requireShape("embeddingBackward", new int[] {ids.length, dim}, dOut);
        requireIds("embeddingBackward", ids, vocab, dTable);   // -1 would scatter into the row before the table
        float[] G = dOut.data(), D = dTable.data();
        for (int t = 0; t < ids.length; t++) {
            int src = (int) dOut.offset() + t * dim, dst = (int) dTable.offset() + ids[t] * dim;
            for (int i = 0; i < dim; i++) D[dst + i] += G[src + i];
        }
    }

    @Override
    public void rope(Tensor x, int heads, int headDim, int[] positions, Tensor cos, Tensor sin, boolean inverse) {
        RopeShape.check(x, heads, headDim, positions, cos, sin);
        float[] X = x.data(), C = cos.data(), S = sin.data();
        int half = headDim / 2;
        for (int t = 0; t < positions.length; t++) {
            int table = positions[t] * half;
            for (int h = 0; h < heads; h++) {
                int base = (int) x.offset() + (t * heads + h) * headDim;
                for (int i = 0; i < half; i++) {
                    float c = C[(int) cos.offset() + table + i];
                    float s = inverse ? -S[(int) sin.offset() + table + i] : S[(int) sin.offset() + table + i];
                    float x0 = X[base + i], x1 = X[base + i + half];
                    X[base + i] = x0 * c - x1 * s;
                    X[base + i + half] = x1 * c + x0 * s;
                }
            }
        }
    }

    // ------------------------------------------------------------------ attention

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, int heads, int kvHeads, Tensor out, Tensor logSumExp) {
        AttentionShape s = AttentionShape.forward(q, k, v, heads, kvHeads, out, logSumExp);
        float[] Q = q.data(), K = k.data(), V = v.data(), O = out.data(), L = logSumExp.data();
        int d = s.headDim();
        double scale = 1.0 / Math.sqrt(d);
        double[] scores = new double[s.tk()];
        for (int h = 0; h < heads; h++) {
            int kvh = h / (heads / kvHeads);
            for (int i = 0; i < s.tq(); i++) {
                int last = s.tk() - s.tq() + i;            // the last key this query may see
                int qi = (int) q.offset() + (i * heads + h) * d;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= last; j++) {
                    int kj = (int) k.offset() + (j * kvHeads + kvh) * d;
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += (double) Q[qi + c] * K[kj + c];
                    scores[j] = dot * scale;
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j <= last; j++) sum += Math.exp(scores[j] - max);
                double lse = max + Math.log(sum);
                L[(int) logSumExp.offset() + h * s.tq() + i] = (float) lse;
                int oi = (int) out.offset() + (i * heads + h) * d;
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int j = 0; j <= last; j++) acc += Math.exp(scores[j] - lse) * V[(int) v.offset() + (j * kvHeads + kvh) * d + c];
                    O[oi + c] = (float) acc;
                }
            }
        }
    }

    @Override
    public void attentionBackward(Tensor dOut, Tensor q, Tensor k, Tensor v, Tensor out, Tensor logSumExp,
                                  int heads, int kvHeads, Tensor dq, Tensor dk, Tensor dv) {
        AttentionShape s = AttentionShape.backward(dOut, q, k, v, out, logSumExp, heads, kvHeads, dq, dk, dv);
        float[] G = dOut.data(), Q = q.data(), K = k.data(), V = v.data(), O = out.data(), L = logSumExp.data();
        float[] DQ = dq.data(), DK = dk.data(), DV = dv.data();
        int d = s.headDim();
        double scale = 1.0 / Math.sqrt(d);
        for (int h = 0; h < heads; h++) {
            int kvh = h / (heads / kvHeads);
            for (int i = 0; i < s.tq(); i++) {
                int last = s.tk() - s.tq() + i;
                int qi = (int) q.offset() + (i * heads + h) * d;
                int gi = (int) dOut.offset() + (i * heads + h) * d;
                int oi = (int) out.offset() + (i * heads + h) * d;
                double lse = L[(int) logSumExp.offset() + h * s.tq() + i];
                // D_i = Σ_c dOut_ic · out_ic  (= Σ_j p_ij · dP_ij): the softmax backward's row dot product.
                double rowDot = 0;
                for (int c = 0; c < d; c++) rowDot += (double) G[gi + c] * O[oi + c];
                for (int j = 0; j <= last; j++) {
                    int kj = (int) k.offset() + (j * kvHeads + kvh) * d;
                    int vj = (int) v.offset() + (j * kvHeads + kvh) * d;
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += (double) Q[qi + c] * K[kj + c];
                    double p = Math.exp(dot * scale - lse);
                    double dp = 0;
                    for (int c = 0; c < d; c++) dp += (double) G[gi + c] * V[vj + c];
                    double dScore = p * (dp - rowDot) * scale;
                    for (int c = 0; c < d; c++) {
                        DV[(int) dv.offset() + (j * kvHeads + kvh) * d + c] += (float) (p * G[gi + c]);
                        DQ[(int) dq.offset() + (i * heads + h) * d + c] += (float) (dScore * K[kj + c]);
                        DK[(int) dk.offset() + (j * kvHeads + kvh) * d + c] += (float) (dScore * Q[qi + c]);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ encoders

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out) {
        int dim = lastDim(x), rows = rowsOf(x);
        requireNumel("layerNorm", dim, weight, x);
        requireNumel("layerNorm", dim, bias, x);
        requireSameShape("layerNorm", x, out);
        float[] X = x.data(), W = weight.data(), B = bias.data(), O = out.data();
        int wo = (int) weight.offset(), bo = (int) bias.offset();
        for (int r = 0; r < rows; r++) {
            int row = (int) x.offset() + r * dim, outRow = (int) out.offset() + r * dim;
            double mean = 0;
            for (int i = 0; i < dim; i++) mean += X[row + i];
            mean /= dim;
            double variance = 0;
            for (int i = 0; i < dim; i++) variance += (X[row + i] - mean) * (X[row + i] - mean);
            double inv = 1.0 / Math.sqrt(variance / dim + eps);
            for (int i = 0; i < dim; i++) O[outRow + i] = (float) ((X[row + i] - mean) * inv * W[wo + i] + B[bo + i]);
        }
    }

    @Override
    public void gelu(Tensor x, Tensor out) {
        requireSameShape("gelu", x, out);
        float[] X = x.data(), O = out.data();
        int xo = (int) x.offset(), oo = (int) out.offset();
        for (int i = 0; i < x.numel(); i++) {
            double v = X[xo + i];
            O[oo + i] = (float) (0.5 * v * (1 + Erf.erf(v / Math.sqrt(2))));
        }
    }

    @Override
    public void encoderAttention(Tensor q, Tensor k, Tensor v, int heads, int keys, Tensor bias, Tensor out) {
        AttentionShape s = AttentionShape.ofEncoder("encoderAttention", q, k, v, heads, keys, bias);
        requireSameShape("encoderAttention", q, out);
        float[] Q = q.data(), K = k.data(), V = v.data(), O = out.data();
        int d = s.headDim(), width = heads * d, tq = s.tq(), tk = s.tk();
        double scale = 1.0 / Math.sqrt(d);
        double[] p = new double[keys];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < tq; i++) {
                int qi = (int) q.offset() + i * width + h * d;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < keys; j++) {
                    int kj = (int) k.offset() + j * width + h * d;
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += (double) Q[qi + c] * K[kj + c];
                    p[j] = dot * scale + (bias == null ? 0 : bias.data()[(int) bias.offset() + (h * tq + i) * tk + j]);
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j < keys; j++) sum += p[j] = Math.exp(p[j] - max);
                int oi = (int) out.offset() + i * width + h * d;
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int j = 0; j < keys; j++) acc += p[j] * V[(int) v.offset() + j * width + h * d + c];
                    O[oi + c] = (float) (acc / sum);
                }
            }
        }
    }
}
