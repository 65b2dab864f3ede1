package dev.bedside.tensor.cpu;

import static dev.bedside.tensor.cpu.GemmKernel.LANES;
import static dev.bedside.tensor.cpu.GemmKernel.MR;
import static dev.bedside.tensor.cpu.GemmKernel.NR;
import static dev.bedside.tensor.cpu.GemmKernel.SPECIES;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Copies blocks of op(A) and op(B) into the order {@link GemmKernel} reads them, so the kernel's loads are
 * contiguous whatever the transposes. Panels past the matrix edge are padded with zeros: the kernel then
 * always computes full tiles, and the zeros add nothing.
 */
final class GemmPacking {
    private GemmPacking() {}

    /**
     * Packs op(A)[rows, p0 .. p0+kc) into MR-row panels: panel r holds, for each p, the MR values of
     * column p. op(A)[i, p] is {@code a[aOff + i·lda + p]}, or {@code a[aOff + p·lda + i]} when transposed.
     */
    static void packA(float[] a, int aOff, int lda, boolean transA, int row0, int rows, int p0, int kc, float[] dst) {
        for (int panel = 0; panel * MR < rows; panel++) {
            int base = panel * MR * kc, first = row0 + panel * MR, height = Math.min(MR, rows - panel * MR);
            if (height < MR) Arrays.fill(dst, base, base + MR * kc, 0f);
            if (transA) {
                // Column p of the panel is contiguous in the stored A: MR neighbours of one stored row.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + first;
                    for (int r = 0; r < height; r++) dst[base + p * MR + r] = a[src + r];
                }
            } else {
                for (int r = 0; r < height; r++) {
                    int src = aOff + (first + r) * lda + p0;
                    for (int p = 0; p < kc; p++) dst[base + p * MR + r] = a[src + p];
                }
            }
        }
    }

    /**
     * Packs NR-column panels [panelFrom, panelTo) of op(B)[p0 .. p0+kc, col0 .. col0+cols) into dst: panel q
     * starts at q·NR·kc and holds, for each p, the NR values of row p. op(B)[p, j] is {@code b[bOff + p·ldb + j]},
     * or {@code b[bOff + j·ldb + p]} when transposed.
     */
    static void packB(float[] b, int bOff, int ldb, boolean transB, int p0, int kc, int col0, int cols,
                      int panelFrom, int panelTo, float[] dst) {
        for (int panel = panelFrom; panel < panelTo; panel++) {
            int base = panel * NR * kc, first = col0 + panel * NR, width = Math.min(NR, cols - panel * NR);
            if (width < NR) Arrays.fill(dst, base, base + NR * kc, 0f);
            if (transB) {
                // Row j of the stored B is column j of op(B): read it contiguously, write it with stride NR.
                for (int j = 0; j < width; j++) {
                    int src = bOff + (first + j) * ldb + p0;
                    for (int p = 0; p < kc; p++) dst[base + p * NR + j] = b[src + p];
                }
            } else if (width == NR) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (p0 + p) * ldb + first, to = base + p * NR;
                    FloatVector.fromArray(SPECIES, b, src).intoArray(dst, to);
                    FloatVector.fromArray(SPECIES, b, src + LANES).intoArray(dst, to + LANES);
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (p0 + p) * ldb + first;
                    System.arraycopy(b, src, dst, base + p * NR, width);
                }
            }
        }
    }
}
