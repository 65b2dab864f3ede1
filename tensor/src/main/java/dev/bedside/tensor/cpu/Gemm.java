package dev.bedside.tensor.cpu;

import static dev.bedside.tensor.cpu.GemmKernel.MR;
import static dev.bedside.tensor.cpu.GemmKernel.NR;

import dev.bedside.tensor.Checks.GemmShape;
import dev.bedside.tensor.Parallel;
import dev.bedside.tensor.Tensor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * F32 matrix product {@code C = alpha · op(A) · op(B) + beta · C}, row-major, in the classic blocked
 * layout (Goto / BLIS):
 * <pre>
 *   for each NC-wide column block of C:
 *     for each KC-deep slice of the shared dimension:
 *       pack op(B)[slice, block] into NR-wide panels            (shared by all threads)
 *       for each MC-high row block of C (shared out to the threads in tasks):
 *         pack op(A)[rows, slice] into MR-high panels           (per thread)
 *         for each NR panel, for each MR panel: one register tile ({@link GemmKernel})
 * </pre>
 * A packed B panel (KC × NR) stays in L1 while the MR panels of A stream past it from L2; the A block
 * (MC × KC) stays in L2. Beta applies on the first KC slice only; later slices accumulate.
 */
public final class Gemm {
    /** Depth of one slice of the shared dimension. */
    static final int KC = Integer.getInteger("bedside.gemm.kc", 256);
    /** Rows of A packed at once (a multiple of MR). */
    static final int MC = Math.max(MR, Integer.getInteger("bedside.gemm.mc", 96) / MR * MR);
    /** Columns of B packed at once (a multiple of NR). */
    static final int NC = Math.max(NR, Integer.getInteger("bedside.gemm.nc", 4096) / NR * NR);
    /** NR panels per task when threads share out the packing of B, or the columns of C (few rows). */
    static final int TASK_PANELS = 4;
    /** Below this many flops, threads cost more than they save. */
    private static final long PARALLEL_MIN_FLOPS = 1L << 21;

    /** Packing buffers, one set per thread, grown on demand and kept. */
    private static final class Buffers {
        float[] a = new float[0], b = new float[0];
        final float[] tile = new float[MR * NR];

        float[] a(int size) { return a.length >= size ? a : (a = new float[size]); }
        float[] b(int size) { return b.length >= size ? b : (b = new float[size]); }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private Gemm() {}

    /** The {@code Backend.gemm} contract on tensors: shapes checked, offsets honoured. */
    public static void gemm(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float alpha, float beta) {
        GemmShape s = GemmShape.of("gemm", a, transA, b, transB, c);
        gemm(transA, transB, s.m(), s.n(), s.k(), alpha,
                a.data(), (int) a.offset(), a.dim(1), b.data(), (int) b.offset(), b.dim(1),
                beta, c.data(), (int) c.offset(), s.n());
    }

    /**
     * {@code C = alpha · op(A) · op(B) + beta · C} on raw arrays. op(A) is [m, k], op(B) [k, n], C [m, n];
     * element (i, j) of a row-major matrix X with leading dimension ldx is {@code x[xOff + i·ldx + j]}, and A
     * (B) is stored as [k, m] ([n, k]) when transA (transB). With beta = 0, C is only written (NaN ignored).
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null);
    }

    /**
     * op(B) [k, n] packed once, block by block in the order {@link #gemm} walks them, for a B that never changes
     * (a frozen weight): products with it then skip the packing. Block (jc, pc) starts at
     * {@code jc · k + pc · roundUp(cols, NR)} (every column block before it is NC wide, a multiple of NR).
     */
    record PackedB(float[] data, int k, int n, int sourceOffset) {
        static PackedB of(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
            float[] data = new float[Math.multiplyExact(k, roundUp(n, NR))];
            float[] block = new float[KC * roundUp(Math.min(NC, n), NR)];
            PackedB packed = new PackedB(data, k, n, bOff);
            for (int jc = 0; jc < n; jc += NC) {
                int cols = Math.min(NC, n - jc), panels = (cols + NR - 1) / NR;
                for (int pc = 0; pc < k; pc += KC) {
                    int kc = Math.min(KC, k - pc);
                    GemmPacking.packB(b, bOff, ldb, transB, pc, kc, jc, cols, 0, panels, block);
                    System.arraycopy(block, 0, data, packed.offset(jc, pc, cols), kc * panels * NR);
                }
            }
            return packed;
        }

        int offset(int jc, int pc, int cols) { return jc * k + pc * roundUp(cols, NR); }
    }

    /** {@link #gemm} with op(B) already packed ({@code packedB} null: packed here, as usual). */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc, PackedB prepacked) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        int threads = 2L * m * n * k >= PARALLEL_MIN_FLOPS ? Parallel.threads() : 1;
        // Few rows (decode, small batches): give each thread its own columns instead.
        boolean splitRows = m >= n || m >= threads * MR * 8;
        // Rows per task: at most one row block (smaller tasks reload each B panel into L1 more often, and
        // measured slower), but at least 4 tasks per thread so the last one hardly delays the end.
        int taskRows = Math.min(MC, roundUp((m + 4 * threads - 1) / (4 * threads), MR));
        Buffers own = BUFFERS.get();
        float[] packedB = own.b(KC * roundUp(Math.min(NC, n), NR));
        for (int jc = 0; jc < n; jc += NC) {
            int col0 = jc, cols = Math.min(NC, n - jc), panels = (cols + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += KC) {
                int p0 = pc, kc = Math.min(KC, k - pc);
                float betaNow = pc == 0 ? beta : 1f;
                if (prepacked != null) {
                    Block block = new Block(transA, a, aOff, lda, c, cOff, ldc, alpha, betaNow, p0, kc, col0, cols,
                            prepacked.data(), prepacked.offset(jc, pc, cols));
                    if (threads == 1) block.run(0, m, 0, panels);
                    else if (splitRows) shareOut(threads, (m + taskRows - 1) / taskRows, t -> block.run(t * taskRows, Math.min(m, (t + 1) * taskRows), 0, panels));
                    else shareOut(threads, (panels + TASK_PANELS - 1) / TASK_PANELS, t -> block.run(0, m, t * TASK_PANELS, Math.min(panels, (t + 1) * TASK_PANELS)));
                    continue;
                }
                Block block = new Block(transA, a, aOff, lda, c, cOff, ldc, alpha, betaNow, p0, kc, col0, cols, packedB, 0);
                if (threads == 1) {
                    GemmPacking.packB(b, bOff, ldb, transB, p0, kc, col0, cols, 0, panels, packedB);
                    block.run(0, m, 0, panels);
                } else if (splitRows) {
                    shareOut(threads, (panels + TASK_PANELS - 1) / TASK_PANELS, t -> {
                        int q0 = t * TASK_PANELS, q1 = Math.min(panels, q0 + TASK_PANELS);
                        GemmPacking.packB(b, bOff, ldb, transB, p0, kc, col0, cols, q0, q1, packedB);
                    });
                    shareOut(threads, (m + taskRows - 1) / taskRows, t ->
                            block.run(t * taskRows, Math.min(m, (t + 1) * taskRows), 0, panels));
                } else {
                    shareOut(threads, (panels + TASK_PANELS - 1) / TASK_PANELS, t -> {
                        int q0 = t * TASK_PANELS, q1 = Math.min(panels, q0 + TASK_PANELS);
                        GemmPacking.packB(b, bOff, ldb, transB, p0, kc, col0, cols, q0, q1, packedB);
                        block.run(0, m, q0, q1);
                    });
                }
            }
        }
    }

    /** One KC slice of one NC column block, with op(B) already packed; {@link #run} covers part of it. */
    private record Block(boolean transA, float[] a, int aOff, int lda,
                         float[] c, int cOff, int ldc, float alpha, float beta, int p0, int kc, int col0, int cols,
                         float[] packedB, int bBase) {

        /** Rows [rowFrom, rowTo) of C against B panels [panelFrom, panelTo). */
        void run(int rowFrom, int rowTo, int panelFrom, int panelTo) {
            Buffers mine = BUFFERS.get();
            for (int ic = rowFrom; ic < rowTo; ic += MC) {
                int rows = Math.min(MC, rowTo - ic);
                float[] packedA = mine.a(roundUp(MC, MR) * KC);
                GemmPacking.packA(a, aOff, lda, transA, ic, rows, p0, kc, packedA);
                for (int q = panelFrom; q < panelTo; q++) {
                    int col = col0 + q * NR, width = Math.min(NR, cols - q * NR), bStart = bBase + q * NR * kc;
                    for (int ir = 0; ir < rows; ir += MR) {
                        int height = Math.min(MR, rows - ir), cStart = cOff + (ic + ir) * ldc + col;
                        if (height == MR && width == NR) {
                            GemmKernel.tile(kc, packedA, ir * kc, packedB, bStart, c, cStart, ldc, alpha, beta);
                        } else {
                            edgeTile(packedA, ir * kc, bStart, cStart, height, width, mine.tile);
                        }
                    }
                }
            }
        }

        /** A tile cut by the matrix edge: compute it whole into a scratch tile, then write the part that exists. */
        private void edgeTile(float[] packedA, int aStart, int bStart, int cStart, int height, int width, float[] tile) {
            GemmKernel.tile(kc, packedA, aStart, packedB, bStart, tile, 0, NR, 1f, 0f);
            for (int r = 0; r < height; r++) {
                for (int j = 0; j < width; j++) {
                    int at = cStart + r * ldc + j;
                    float previous = beta == 0f ? 0f : beta * c[at];
                    c[at] = alpha * tile[r * NR + j] + previous;
                }
            }
        }
    }

    /**
     * Runs tasks 0 … count-1 on up to {@code threads} threads, each taking the next task when it finishes its
     * last: a thread slowed down by another process simply does fewer, instead of holding up the others.
     */
    private static void shareOut(int threads, int count, IntConsumer task) {
        AtomicInteger next = new AtomicInteger();
        Parallel.forRange(Math.min(threads, count), 1, (from, to) -> {
            for (int t = next.getAndIncrement(); t < count; t = next.getAndIncrement()) task.accept(t);
        });
    }

    /** C = beta · C (the whole product when k = 0); beta = 0 writes zeros. */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = cOff + i * ldc + j;
                c[at] = beta == 0f ? 0f : beta * c[at];
            }
        }
    }

    private static int roundUp(int x, int multiple) { return (x + multiple - 1) / multiple * multiple; }
}
