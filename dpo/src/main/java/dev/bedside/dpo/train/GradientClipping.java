package dev.bedside.dpo.train;

import dev.bedside.autograd.Var;
import dev.bedside.tensor.Tensor;
import java.util.Collection;

/**
 * Global gradient-norm clipping as torch.nn.utils.clip_grad_norm_: the L2 norm over all gradients together;
 * when it exceeds maxNorm, every gradient is scaled by maxNorm / (norm + 1e-6).
 */
public final class GradientClipping {
    private GradientClipping() {}

    /** The global L2 norm of the gradients (parameters without one count as zero); NaN/inf propagate. */
    public static double globalNorm(Collection<Var> params) {
        double sum = 0;
        for (Var p : params) {
            if (p.grad() == null) continue;
            for (float g : p.grad().toFloatArray()) sum += (double) g * g;
        }
        return Math.sqrt(sum);
    }

    /** Scales the gradients in place when {@code norm} (from {@link #globalNorm}) exceeds {@code maxNorm}. */
    public static void clip(Collection<Var> params, double norm, double maxNorm) {
        double coefficient = maxNorm / (norm + 1e-6);
        if (!(coefficient < 1)) return;
        for (Var p : params) {
            if (p.grad() == null) continue;
            Tensor g = p.grad().contiguous();
            float[] data = g.data();
            int offset = (int) g.offset();
            for (int i = 0; i < g.numel(); i++) data[offset + i] = (float) (data[offset + i] * coefficient);
        }
    }
}
