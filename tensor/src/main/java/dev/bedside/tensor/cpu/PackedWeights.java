package dev.bedside.tensor.cpu;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Frozen F32 weights on the heap, packed once for {@code y = x · wᵀ} ({@link Gemm.PackedB}) and kept: a training
 * step multiplies by each weight six times (reference, policy, recomputation; two sequences each), and re-packing
 * it every time cost about a sixth of the step. The copy is as large as the weight, so only F32 heap weights are
 * packed (BF16, F16 and 4-bit weights are widened panel by panel as before, never cached), and only up to a
 * budget: a quarter of the maximum heap, or {@code -Dbedside.gemm.packedWeightBytes=N} (0 turns it off).
 * Entries go when their weight array is collected. {@code Backend.linear}'s weights are frozen by contract:
 * a weight changed in place after its first product would keep being multiplied in its old values.
 */
final class PackedWeights {
    private PackedWeights() {}

    private static final long BUDGET = Long.getLong("bedside.gemm.packedWeightBytes", Runtime.getRuntime().maxMemory() / 4);
    private static final AtomicLong PACKED_BYTES = new AtomicLong();
    private static final Map<float[], Gemm.PackedB> PACKED = Collections.synchronizedMap(new WeakHashMap<>());

    /** w [out, in] at {@code offset} of {@code array}, packed as op(B) = wᵀ; null when over the budget or another view of the array is cached. */
    static Gemm.PackedB of(float[] array, int offset, int out, int in) {
        Gemm.PackedB packed = PACKED.get(array);
        if (packed == null) {
            long bytes = 4L * in * (out + GemmKernel.NR);
            if (PACKED_BYTES.get() + bytes > BUDGET) return null;
            synchronized (PACKED) {
                packed = PACKED.get(array);
                if (packed == null) {
                    packed = Gemm.PackedB.of(true, in, out, array, offset, in);
                    PACKED.put(array, packed);
                    PACKED_BYTES.addAndGet(bytes);
                }
            }
        }
        return packed.k() == in && packed.n() == out && packed.sourceOffset() == offset ? packed : null;
    }

    /** Bytes of packed copies made so far (entries of collected weights included). */
    static long packedBytes() { return PACKED_BYTES.get(); }
}
