package dev.bedside.dpo.train;

import dev.bedside.autograd.Var;
import dev.bedside.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW as torch.optim.AdamW computes it (Loshchilov &amp; Hutter, decoupled weight decay), per element:
 * <pre>
 *   t = t + 1
 *   p = p − lr·λ·p                          decoupled weight decay, before the Adam update
 *   m = β1·m + (1 − β1)·g
 *   v = β2·v + (1 − β2)·g²
 *   p = p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 * </pre>
 * Moments are kept in F32 like torch's for F32 parameters; the arithmetic of one element is done in double.
 */
public final class AdamW implements Optimizer {
    /** torch / transformers defaults. */
    public static final double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

    private final Map<String, Var> params;
    private final double beta1, beta2, eps, weightDecay;
    private final Map<String, float[]> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
    private long steps;

    public AdamW(Map<String, Var> params, double beta1, double beta2, double eps, double weightDecay) {
        this.params = params;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        params.forEach((name, p) -> {
            m.put(name, new float[p.numel()]);
            v.put(name, new float[p.numel()]);
        });
    }

    @Override
    public void step(double lr) {
        steps++;
        double correction1 = 1 - Math.pow(beta1, steps);
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(beta2, steps));
        double stepSize = lr / correction1;
        for (var entry : params.entrySet()) {
            Var p = entry.getValue();
            if (p.grad() == null) continue;
            float[] w = p.value().data(), g = p.grad().contiguous().data(), mm = m.get(entry.getKey()), vv = v.get(entry.getKey());
            int wo = (int) p.value().offset(), go = (int) p.grad().contiguous().offset();
            for (int i = 0; i < mm.length; i++) {
                double gi = g[go + i];
                double wi = w[wo + i] * (1 - lr * weightDecay);
                mm[i] = (float) (beta1 * mm[i] + (1 - beta1) * gi);
                vv[i] = (float) (beta2 * vv[i] + (1 - beta2) * gi * gi);
                w[wo + i] = (float) (wi - stepSize * mm[i] / (Math.sqrt(vv[i]) / sqrtCorrection2 + eps));
            }
        }
    }

    @Override
    public long steps() { return steps; }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            state.put(name + ".exp_avg", Tensor.of(m.get(name).clone(), p.shape()));
            state.put(name + ".exp_avg_sq", Tensor.of(v.get(name).clone(), p.shape()));
        });
        return state;
    }

    @Override
    public void load(Map<String, Tensor> state, long steps) {
        for (String name : params.keySet()) {
            copyInto(state, name + ".exp_avg", m.get(name));
            copyInto(state, name + ".exp_avg_sq", v.get(name));
        }
        this.steps = steps;
    }

    static void copyInto(Map<String, Tensor> state, String key, float[] target) {
        Tensor t = state.get(key);
        if (t == null) throw new IllegalArgumentException("optimizer state has no tensor " + key);
        float[] values = t.toFloatArray();
        if (values.length != target.length) {
            throw new IllegalArgumentException("optimizer state " + key + " has " + values.length + " values, the parameter " + target.length);
        }
        System.arraycopy(values, 0, target, 0, target.length);
    }
}
