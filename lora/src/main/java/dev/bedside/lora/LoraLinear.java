package dev.bedside.lora;

import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.Var;
import dev.bedside.tensor.Backend;
import dev.bedside.tensor.Backends;
import dev.bedside.tensor.Tensor;

/**
 * A LoRA projection over a frozen weight as one op:
 * <pre>
 *   xd = x ⊙ mask (dropout; x itself without a mask)     h = xd · Aᵀ [T, r]
 *   y  = x · Wᵀ + scale · h · Bᵀ                          (the second product accumulates into y)
 * backward, with dh = scale · dy · B [T, r]:
 *   dB += scale · dyᵀ · h     dA += dhᵀ · xd     dx += dy · W + mask ⊙ (dh · A)
 * </pre>
 * Built from the general ops the same projection takes six [T, in] or [T, out] tensors (the mask product,
 * the update, its scaled copy, the sum, and their gradients); here only y, xd and the small h stay.
 */
final class LoraLinear {
    private LoraLinear() {}

    /** x [T, in], w [out, in] frozen in any storage, a [r, in], b [out, r]; mask [T·in] or null. */
    static Var apply(Var x, Tensor w, Var a, Var b, float scale, float[] mask) {
        Backend backend = Backends.current();
        int rows = x.dim(0), out = w.dim(0), r = a.dim(0);
        Tensor input = x.f32();
        Tensor dropped = mask == null ? input : masked(input, mask);
        Tensor h = Tensor.zeros(rows, r);
        backend.gemm(dropped, false, a.f32(), true, h, 1f, 0f);       // h = xd · Aᵀ
        Tensor y = Tensor.zeros(rows, out);
        backend.linear(input, w, y);                                    // y = x · Wᵀ
        backend.gemm(h, false, b.f32(), true, y, scale, 1f);          // y += scale · h · Bᵀ
        return Autograd.record("loraLinear", y, dy -> {
            Backend k = Backends.current();
            Tensor dh = Tensor.zeros(rows, r);
            k.gemm(dy, false, b.f32(), false, dh, scale, 0f);          // dh = scale · dy · B
            if (b.requiresGrad()) k.gemm(dy, true, h, false, b.gradBuffer(), scale, 1f);          // dB += scale · dyᵀ · h
            if (a.requiresGrad()) k.gemm(dh, true, dropped, false, a.gradBuffer(), 1f, 1f);       // dA += dhᵀ · xd
            if (x.requiresGrad()) {
                Tensor dx = x.gradBuffer();
                k.linearBackward(dy, w, dx);                                                      // dx += dy · W
                if (mask == null) {
                    k.gemm(dh, false, a.f32(), false, dx, 1f, 1f);                              // dx += dh · A
                } else {
                    Tensor dDropped = Tensor.zeros(dx.shape());
                    k.gemm(dh, false, a.f32(), false, dDropped, 1f, 0f);                        // d xd = dh · A
                    addMasked(dDropped, mask, dx);                                                // dx += mask ⊙ d xd
                }
            }
        }, x, a, b);
    }

    /** x ⊙ mask as a new tensor. */
    private static Tensor masked(Tensor x, float[] mask) {
        float[] X = x.data(), out = new float[mask.length];
        int xo = (int) x.offset();
        for (int i = 0; i < out.length; i++) out[i] = X[xo + i] * mask[i];
        return Tensor.of(out, x.shape());
    }

    /** dx += mask ⊙ g. */
    private static void addMasked(Tensor g, float[] mask, Tensor dx) {
        float[] G = g.data(), D = dx.data();
        int go = (int) g.offset(), dxo = (int) dx.offset();
        for (int i = 0; i < mask.length; i++) D[dxo + i] += mask[i] * G[go + i];
    }
}
