package dev.bedside.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled heart of {@link Gemm}: one MR × NR tile of C from packed panels.
 *
 * <p>Per step p of the shared dimension it loads one row of the B micro-panel (NR floats = 2 vectors),
 * broadcasts each of the MR values of the A micro-panel's column p, and does MR × 2 fused multiply-adds
 * into accumulators that live in registers for the whole loop (12 of the 32 AVX-512 registers).
 * Everything it reads is contiguous because {@link GemmPacking} laid it out so.
 */
final class GemmKernel {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    /** Rows of C per tile. */
    static final int MR = 6;
    /** Columns of C per tile: two vectors. */
    static final int NR = 2 * LANES;

    private GemmKernel() {}

    /**
     * {@code C[0..MR, 0..NR] = alpha · Apanel · Bpanel + beta · C} (beta = 0: C is not read).
     * aPanel holds kc groups of MR floats (column p of the A rows), bPanel kc groups of NR floats (row p of B).
     */
    static void tile(int kc, float[] aPanel, int aStart, float[] bPanel, int bStart,
                     float[] c, int cStart, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = aStart + p * MR, bi = bStart + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bPanel, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bPanel, bi + LANES);
            FloatVector a = FloatVector.broadcast(SPECIES, aPanel[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(SPECIES, aPanel[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(SPECIES, aPanel[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(SPECIES, aPanel[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(SPECIES, aPanel[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(SPECIES, aPanel[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        // Written out row by row: a helper taking vectors would not always be inlined, and then they get boxed.
        int c1 = cStart + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, cStart);
            c01.mul(alpha).intoArray(c, cStart + LANES);
            c10.mul(alpha).intoArray(c, c1);
            c11.mul(alpha).intoArray(c, c1 + LANES);
            c20.mul(alpha).intoArray(c, c2);
            c21.mul(alpha).intoArray(c, c2 + LANES);
            c30.mul(alpha).intoArray(c, c3);
            c31.mul(alpha).intoArray(c, c3 + LANES);
            c40.mul(alpha).intoArray(c, c4);
            c41.mul(alpha).intoArray(c, c4 + LANES);
            c50.mul(alpha).intoArray(c, c5);
            c51.mul(alpha).intoArray(c, c5 + LANES);
        } else {
            c00.mul(alpha).add(FloatVector.fromArray(SPECIES, c, cStart).mul(beta)).intoArray(c, cStart);
            c01.mul(alpha).add(FloatVector.fromArray(SPECIES, c, cStart + LANES).mul(beta)).intoArray(c, cStart + LANES);
            c10.mul(alpha).add(FloatVector.fromArray(SPECIES, c, c1).mul(beta)).intoArray(c, c1);
            c11.mul(alpha).add(FloatVector.fromArray(SPECIES, c, c1 + LANES).mul(beta)).intoArray(c, c1 + LANES);
            c20.mul(alpha).add(FloatVector.fromArray(SPECIES, c, c2).mul(beta)).intoArray(c, c2);
            c21.mul(alpha).add(FloatVector.fromArray(SPECIES, c, c2 + LANES).mul(beta)).intoArray(c, c2 + LANES);
            c30.mul(alpha).add(FloatVector.fromArray(SPECIES, c, c3).mul(beta)).intoArray(c, c3);
            c31.mul(alpha).add(FloatVector.fromArray(SPECIES, c, c3 + LANES).mul(beta)).intoArray(c, c3 + LANES);
            c40.mul(alpha).add(FloatVector.fromArray(SPECIES, c, c4).mul(beta)).intoArray(c, c4);
            c41.mul(alpha).add(FloatVector.fromArray(SPECIES, c, c4 + LANES).mul(beta)).intoArray(c, c4 + LANES);
            c50.mul(alpha).add(FloatVector.fromArray(SPECIES, c, c5).mul(beta)).intoArray(c, c5);
            c51.mul(alpha).add(FloatVector.fromArray(SPECIES, c, c5 + LANES).mul(beta)).intoArray(c, c5 + LANES);
        }
    }
}
