package dev.bedside.tensor;

import java.util.Arrays;

/** Shape checks shared by every backend, so each kernel fails the same way on bad input. */
public final class Checks {
    private Checks() {}

    /** Size of the last axis (1 for a scalar). */
    public static int lastDim(Tensor x) { return x.rank() == 0 ? 1 : x.dim(-1); }

    /** Product of all axes but the last. */
    public static int rowsOf(Tensor x) {
        int last = lastDim(x);
        return last == 0 ? 0 : x.numel() / last;
    }

    public static void requireRank(String op, int rank, Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t.rank() != rank) throw new ShapeException(op, "expected rank " + rank + ", got " + t.rank(), t.shape());
        }
    }

    public static void requireNumel(String op, int numel, Tensor t, Tensor context) {
        if (t.numelLong() != numel) {
            throw new ShapeException(op, "expected " + numel + " elements, got " + t.numelLong(), t.shape(), context.shape());
        }
    }

    public static void requireShape(String op, int[] expected, Tensor t) {
        if (!Arrays.equals(expected, t.shape())) {
            throw new ShapeException(op, "expected shape " + Arrays.toString(expected), t.shape());
        }
    }

    public static void requireSameShape(String op, Tensor first, Tensor... others) {
        for (Tensor t : others) {
            if (!Arrays.equals(first.shape(), t.shape())) throw new ShapeException(op, "shapes differ", first.shape(), t.shape());
        }
    }

    public static void requireTargets(String op, int[] targets, int rows, int vocab, Tensor context) {
        if (targets.length != rows) {
            throw new ShapeException(op, targets.length + " targets for " + rows + " rows", context.shape());
        }
        for (int r = 0; r < rows; r++) {
            if (targets[r] >= vocab || targets[r] < -1) {
                throw new ShapeException(op, "id " + targets[r] + " at row " + r + " outside [0, " + vocab + ")", context.shape());
            }
        }
    }

    /** Token ids into a table of {@code vocab} rows: unlike targets, -1 is not allowed. */
    public static void requireIds(String op, int[] ids, int vocab, Tensor context) {
        for (int t = 0; t < ids.length; t++) {
            if (ids[t] < 0 || ids[t] >= vocab) {
                throw new ShapeException(op, "id " + ids[t] + " at " + t + " outside [0, " + vocab + ")", context.shape());
            }
        }
    }

    /** {@code out}'s axes must be the trailing axes of {@code x} (as in a reduction over the leading axes). */
    public static void requireTrailingShape(String op, Tensor x, Tensor out) {
        int[] xs = x.shape(), os = out.shape();
        if (os.length > xs.length) throw new ShapeException(op, "target has more axes than the input", xs, os);
        for (int d = 1; d <= os.length; d++) {
            if (xs[xs.length - d] != os[os.length - d]) throw new ShapeException(op, "trailing axes differ", xs, os);
        }
    }

    /** m, n, k of a checked matrix product. */
    public record GemmShape(int m, int n, int k) {
        public static GemmShape of(String op, Tensor a, boolean transA, Tensor b, boolean transB, Tensor c) {
            requireRank(op, 2, a, b, c);
            int m = transA ? a.dim(1) : a.dim(0), ka = transA ? a.dim(0) : a.dim(1);
            int kb = transB ? b.dim(1) : b.dim(0), n = transB ? b.dim(0) : b.dim(1);
            if (ka != kb || c.dim(0) != m || c.dim(1) != n) {
                throw new ShapeException(op, "op(a) [m, k] · op(b) [k, n] → c [m, n] does not fit (transA=" + transA
                        + ", transB=" + transB + ")", a.shape(), b.shape(), c.shape());
            }
            return new GemmShape(m, n, ka);
        }
    }

    /** Sizes of a checked {@code y = x · wᵀ}; w may be in any storage but must be contiguous. */
    public record LinearShape(int rows, int in, int out) {
        public static LinearShape of(String op, Tensor x, Tensor w, Tensor y) {
            requireRank(op, 2, x, w, y);
            if (!w.isContiguous()) throw new ShapeException(op, "weight must be contiguous", w.shape());
            int rows = x.dim(0), in = x.dim(1), out = w.dim(0);
            if (w.dim(1) != in || y.dim(0) != rows || y.dim(1) != out) {
                throw new ShapeException(op, "x [rows, in] · w [out, in]ᵀ → y [rows, out] does not fit", x.shape(), w.shape(), y.shape());
            }
            return new LinearShape(rows, in, out);
        }
    }

    /** Rows and row length of a checked row-wise kernel (RMSNorm, the log-prob gather), forward or backward. */
    public record RowShape(int rows, int cols) {
        /** x, out [rows, dim]; weight [dim]; invRms [rows]. */
        public static RowShape rmsNorm(Tensor x, Tensor weight, Tensor out, Tensor invRms) {
            int dim = lastDim(x), rows = rowsOf(x);
            requireNumel("rmsNorm", dim, weight, x);
            requireSameShape("rmsNorm", x, out);
            requireNumel("rmsNorm", rows, invRms, x);
            return new RowShape(rows, dim);
        }

        /** As the forward, with dOut and dx shaped as x and dWeight (if any) as weight. */
        public static RowShape rmsNormBackward(Tensor dOut, Tensor x, Tensor weight, Tensor invRms, Tensor dx, Tensor dWeight) {
            int dim = lastDim(x), rows = rowsOf(x);
            requireSameShape("rmsNormBackward", x, dOut, dx);
            requireNumel("rmsNormBackward", dim, weight, x);
            requireNumel("rmsNormBackward", rows, invRms, x);
            if (dWeight != null) requireNumel("rmsNormBackward", dim, dWeight, x);
            return new RowShape(rows, dim);
        }

        /** logits [rows, vocab]; a target per row (or -1); logProbs and logSumExp [rows]. */
        public static RowShape logProbGather(Tensor logits, int[] targets, Tensor logProbs, Tensor logSumExp) {
            int vocab = lastDim(logits), rows = rowsOf(logits);
            requireTargets("logProbGather", targets, rows, vocab, logits);
            requireNumel("logProbGather", rows, logProbs, logits);
            requireNumel("logProbGather", rows, logSumExp, logits);
            return new RowShape(rows, vocab);
        }

        /** As the forward, with dLogits shaped as logits. */
        public static RowShape logProbGatherBackward(Tensor dLogProbs, Tensor logits, int[] targets, Tensor logSumExp, Tensor dLogits) {
            int vocab = lastDim(logits), rows = rowsOf(logits);
            requireSameShape("logProbGatherBackward", logits, dLogits);
            requireTargets("logProbGatherBackward", targets, rows, vocab, logits);
            requireNumel("logProbGatherBackward", rows, dLogProbs, logits);
            requireNumel("logProbGatherBackward", rows, logSumExp, logits);
            return new RowShape(rows, vocab);
        }
    }

    /** Lengths of a checked attention call. */
    public record AttentionShape(int tq, int tk, int headDim) {
        public static AttentionShape of(String op, Tensor q, Tensor k, Tensor v, int heads, int kvHeads) {
            requireRank(op, 2, q, k, v);
            if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
                throw new ShapeException(op, heads + " query heads cannot share " + kvHeads + " KV heads", q.shape(), k.shape());
            }
            if (q.dim(1) % heads != 0) throw new ShapeException(op, "width not divisible by " + heads + " heads", q.shape());
            int d = q.dim(1) / heads;
            if (k.dim(1) != kvHeads * d || !Arrays.equals(k.shape(), v.shape()) || q.dim(0) > k.dim(0)) {
                throw new ShapeException(op, "q [tq, heads·d], k and v [tk, kvHeads·d] with tq ≤ tk expected (heads="
                        + heads + ", kvHeads=" + kvHeads + ")", q.shape(), k.shape(), v.shape());
            }
            return new AttentionShape(q.dim(0), k.dim(0), d);
        }

        /** A causal attention forward: out shaped as q, logSumExp [heads, tq]. */
        public static AttentionShape forward(Tensor q, Tensor k, Tensor v, int heads, int kvHeads, Tensor out, Tensor logSumExp) {
            AttentionShape s = of("attention", q, k, v, heads, kvHeads);
            requireSameShape("attention", q, out);
            requireShape("attention", new int[] {heads, s.tq()}, logSumExp);
            return s;
        }

        /** Its backward: dOut, out and dq shaped as q; dk and dv as k. */
        public static AttentionShape backward(Tensor dOut, Tensor q, Tensor k, Tensor v, Tensor out, Tensor logSumExp,
                                              int heads, int kvHeads, Tensor dq, Tensor dk, Tensor dv) {
            AttentionShape s = of("attentionBackward", q, k, v, heads, kvHeads);
            requireSameShape("attentionBackward", q, dOut, out, dq);
            requireSameShape("attentionBackward", k, dk, v, dv);
            requireShape("attentionBackward", new int[] {heads, s.tq()}, logSumExp);
            return s;
        }

        /** Checks of a bidirectional attention call: the first {@code keys} keys are real, bias is null or [heads, tq, tk]. */
        public static AttentionShape ofEncoder(String op, Tensor q, Tensor k, Tensor v, int heads, int keys, Tensor bias) {
            requireRank(op, 2, q, k, v);
            if (heads <= 0 || q.dim(1) % heads != 0) throw new ShapeException(op, "width not divisible by " + heads + " heads", q.shape());
            if (!Arrays.equals(k.shape(), v.shape()) || k.dim(1) != q.dim(1)) {
                throw new ShapeException(op, "q [tq, heads·d], k and v [tk, heads·d] expected (heads=" + heads + ")",
                        q.shape(), k.shape(), v.shape());
            }
            if (keys < 1 || keys > k.dim(0)) throw new ShapeException(op, keys + " real keys out of " + k.dim(0), k.shape());
            if (bias != null) requireShape(op, new int[] {heads, q.dim(0), k.dim(0)}, bias);
            return new AttentionShape(q.dim(0), k.dim(0), q.dim(1) / heads);
        }
    }

    /** Checks of a rotary-embedding call. */
    public static final class RopeShape {
        private RopeShape() {}

        public static void check(Tensor x, int heads, int headDim, int[] positions, Tensor cos, Tensor sin) {
            if (headDim % 2 != 0) throw new ShapeException("rope", "head dimension " + headDim + " is odd", x.shape());
            requireShape("rope", new int[] {positions.length, heads * headDim}, x);
            requireRank("rope", 2, cos, sin);
            requireSameShape("rope", cos, sin);
            if (cos.dim(1) != headDim / 2) throw new ShapeException("rope", "tables need headDim/2 columns", cos.shape());
            for (int t = 0; t < positions.length; t++) {
                if (positions[t] < 0 || positions[t] >= cos.dim(0)) {
                    throw new ShapeException("rope", "position " + positions[t] + " outside the table", cos.shape());
                }
            }
        }
    }

    /** NumPy broadcasting rules. */
    public static final class Broadcast {
        private Broadcast() {}

        public static int[] shape(String op, int[] a, int[] b) {
            int rank = Math.max(a.length, b.length);
            int[] out = new int[rank];
            for (int d = 0; d < rank; d++) {
                int x = d - (rank - a.length) >= 0 ? a[d - (rank - a.length)] : 1;
                int y = d - (rank - b.length) >= 0 ? b[d - (rank - b.length)] : 1;
                if (x != y && x != 1 && y != 1) throw new ShapeException(op, "shapes do not broadcast", a, b);
                out[d] = x == 1 ? y : x;
            }
            return out;
        }

        /** Row-major strides of {@code shape} seen in {@code target}: 0 on broadcast axes. */
        public static long[] strides(int[] shape, int[] target) {
            long[] own = Tensor.rowMajorStrides(shape);
            long[] out = new long[target.length];
            int shift = target.length - shape.length;
            for (int d = 0; d < shape.length; d++) out[d + shift] = shape[d] == 1 ? 0 : own[d];
            return out;
        }
    }
}
