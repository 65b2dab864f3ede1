package dev.bedside.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The few vector building blocks the CPU kernels share: the preferred species, a fast exp, and
 * whole-array reductions (vector body, scalar tail).
 */
public final class VectorMath {
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    public static final int LANES = F.length();

    private VectorMath() {}

    // exp(x) = 2^n · exp(r) with n = round(x / ln 2) and |r| ≤ ln 2 / 2; exp(r) by its Taylor series to r⁶.
    private static final float LOG2_E = 1.44269504f;
    private static final float LN2_HIGH = 0.693145752f, LN2_LOW = 1.42860677e-6f;   // ln 2 split so n·LN2_HIGH is exact
    private static final float ROUNDER = 12582912f;      // 1.5·2²³: adding it rounds to an integer kept in the low mantissa bits
    private static final int ROUNDER_BITS = 0x4B400000;  // Float.floatToIntBits(ROUNDER)
    private static final float MIN_ARG = -87.33654f, MAX_ARG = 88.72283f;   // exp stays a normal float in between

    /**
     * e^x for every lane, within 3e-7 relative error of {@link Math#exp} for normal results. Arguments below
     * -87.3 give 0 (the true value is subnormal), above 88.7 the largest float; about twice as fast here as
     * {@code lanewise(VectorOperators.EXP)}.
     */
    public static FloatVector exp(FloatVector x) {
        FloatVector clamped = x.max(MIN_ARG).min(MAX_ARG);
        FloatVector rounded = clamped.fma(FloatVector.broadcast(F, LOG2_E), FloatVector.broadcast(F, ROUNDER));
        FloatVector n = rounded.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HIGH), clamped).sub(n.mul(LN2_LOW));
        FloatVector p = r.fma(FloatVector.broadcast(F, 1f / 720), FloatVector.broadcast(F, 1f / 120));
        p = p.fma(r, FloatVector.broadcast(F, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(F, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(F, 0.5f));
        p = p.fma(r, FloatVector.broadcast(F, 1f));
        p = p.fma(r, FloatVector.broadcast(F, 1f));
        // Multiply by 2^n by adding n to the exponent field; n sits in the low bits of rounded's pattern.
        IntVector exponent = rounded.reinterpretAsInts().sub(ROUNDER_BITS).lanewise(VectorOperators.LSHL, 23);
        FloatVector result = p.reinterpretAsInts().add(exponent).reinterpretAsFloats();
        return result.blend(0f, x.compare(VectorOperators.LT, MIN_ARG));
    }

    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256, F128 = FloatVector.SPECIES_128;

    /**
     * The sum of a vector's lanes in one fixed order: upper half onto lower half (512 → 256 → 128 bits), then
     * (l0 + l2) + (l1 + l3). {@code reduceLanes(ADD)} leaves the order open, and the JIT-compiled code and the
     * interpreter use different ones, so a run's results changed in their last bits depending on when a method
     * got compiled; with this every run of a program gives the same bits.
     */
    public static float sumLanes(FloatVector v) {
        FloatVector quarter;
        if (LANES == 16) {
            FloatVector half = ((FloatVector) v.reinterpretShape(F256, 0)).add((FloatVector) v.reinterpretShape(F256, 1));
            quarter = ((FloatVector) half.reinterpretShape(F128, 0)).add((FloatVector) half.reinterpretShape(F128, 1));
        } else if (LANES == 8) {
            quarter = ((FloatVector) v.reinterpretShape(F128, 0)).add((FloatVector) v.reinterpretShape(F128, 1));
        } else {
            float sum = 0f;   // other widths: lane by lane, in order
            for (int i = 0; i < LANES; i++) sum += v.lane(i);
            return sum;
        }
        return (quarter.lane(0) + quarter.lane(2)) + (quarter.lane(1) + quarter.lane(3));
    }

    /** Largest of a[from .. from+n); -∞ when n = 0. */
    public static float max(float[] a, int from, int n) {
        FloatVector best = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i < F.loopBound(n); i += LANES) best = best.max(FloatVector.fromArray(F, a, from + i));
        float max = best.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) max = Math.max(max, a[from + i]);
        return max;
    }

    /** Σ a[from .. from+n). */
    public static float sum(float[] a, int from, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i < F.loopBound(n); i += LANES) acc = acc.add(FloatVector.fromArray(F, a, from + i));
        float sum = sumLanes(acc);
        for (; i < n; i++) sum += a[from + i];
        return sum;
    }

    /** Σ a[ai + i] · b[bi + i] over i in [0, n). */
    public static float dot(float[] a, int ai, float[] b, int bi, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i < F.loopBound(n); i += LANES) {
            acc = FloatVector.fromArray(F, a, ai + i).fma(FloatVector.fromArray(F, b, bi + i), acc);
        }
        float dot = sumLanes(acc);
        for (; i < n; i++) dot += a[ai + i] * b[bi + i];
        return dot;
    }

    /** y[yi + i] += alpha · x[xi + i] over i in [0, n). */
    public static void axpy(float alpha, float[] x, int xi, float[] y, int yi, int n) {
        FloatVector a = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (; i < F.loopBound(n); i += LANES) {
            FloatVector.fromArray(F, x, xi + i).fma(a, FloatVector.fromArray(F, y, yi + i)).intoArray(y, yi + i);
        }
        for (; i < n; i++) y[yi + i] = Math.fma(alpha, x[xi + i], y[yi + i]);   // fused like the lanes: one rounding
    }

    /** Rows per parallel chunk so that each chunk covers at least ~32K elements of {@code cols} each. */
    public static int rowGrain(int cols) { return Math.max(1, (1 << 15) / Math.max(cols, 1)); }

    /** Column blocks (one vector wide) per parallel chunk when the work walks a block down {@code rows} rows. */
    public static int columnBlockGrain(int rows) { return Math.max(1, rowGrain(rows) / LANES); }
}
