package dev.bedside.tensor.cpu;

import static dev.bedside.tensor.Checks.requireNumel;
import static dev.bedside.tensor.Checks.requireRank;

import dev.bedside.tensor.Parallel;
import dev.bedside.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code y = W · x} for W [rows, cols]: the decode-time product. It reads every weight once, so it is bound
 * by memory bandwidth; four rows share each load of x, and the rows are split over the cores.
 */
public final class MatVec {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Rows per thread chunk at least: below ~64K multiply-adds a thread costs more than it saves. */
    private static final int MIN_WORK = 1 << 16;

    private MatVec() {}

    /** The {@code Backend.matVec} contract on tensors. */
    public static void matVec(Tensor w, Tensor x, Tensor y) {
        requireRank("matVec", 2, w);
        int rows = w.dim(0), cols = w.dim(1);
        requireNumel("matVec", cols, x, w);
        requireNumel("matVec", rows, y, w);
        matVec(w.data(), (int) w.offset(), rows, cols, x.data(), (int) x.offset(), y.data(), (int) y.offset());
    }

    /** y[yOff + r] = Σ_i w[wOff + r·cols + i] · x[xOff + i] for r in [0, rows). */
    public static void matVec(float[] w, int wOff, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        int grain = Math.max(4, MIN_WORK / Math.max(cols, 1));
        Parallel.forRange(rows, grain, (from, to) -> rowsOf(w, wOff, cols, x, xOff, y, yOff, from, to));
    }

    private static void rowsOf(float[] w, int wOff, int cols, float[] x, int xOff, float[] y, int yOff, int from, int to) {
        int vectorEnd = SPECIES.loopBound(cols);
        int r = from;
        for (; r + 4 <= to; r += 4) {
            int w0 = wOff + r * cols, w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
            FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
            for (int i = 0; i < vectorEnd; i += LANES) {
                FloatVector xv = FloatVector.fromArray(SPECIES, x, xOff + i);
                s0 = FloatVector.fromArray(SPECIES, w, w0 + i).fma(xv, s0);
                s1 = FloatVector.fromArray(SPECIES, w, w1 + i).fma(xv, s1);
                s2 = FloatVector.fromArray(SPECIES, w, w2 + i).fma(xv, s2);
                s3 = FloatVector.fromArray(SPECIES, w, w3 + i).fma(xv, s3);
            }
            float t0 = VectorMath.sumLanes(s0), t1 = VectorMath.sumLanes(s1);
            float t2 = VectorMath.sumLanes(s2), t3 = VectorMath.sumLanes(s3);
            for (int i = vectorEnd; i < cols; i++) {
                float xi = x[xOff + i];
                t0 += w[w0 + i] * xi;
                t1 += w[w1 + i] * xi;
                t2 += w[w2 + i] * xi;
                t3 += w[w3 + i] * xi;
            }
            y[yOff + r] = t0;
            y[yOff + r + 1] = t1;
            y[yOff + r + 2] = t2;
            y[yOff + r + 3] = t3;
        }
        for (; r < to; r++) {   // the last rows, one at a time
            int w0 = wOff + r * cols;
            FloatVector s0 = FloatVector.zero(SPECIES);
            for (int i = 0; i < vectorEnd; i += LANES) {
                s0 = FloatVector.fromArray(SPECIES, w, w0 + i).fma(FloatVector.fromArray(SPECIES, x, xOff + i), s0);
            }
            float t0 = VectorMath.sumLanes(s0);
            for (int i = vectorEnd; i < cols; i++) t0 += w[w0 + i] * x[xOff + i];
            y[yOff + r] = t0;
        }
    }
}
