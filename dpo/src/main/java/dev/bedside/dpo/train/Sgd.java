package dev.bedside.dpo.train;

import dev.bedside.autograd.Var;
import dev.bedside.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stochastic gradient descent as torch.optim.SGD (dampening 0, not Nesterov), per element:
 * <pre>
 *   g = g + λ·p                              coupled weight decay
 *   b = g on the first step, else μ·b + g    momentum buffer (only when μ &gt; 0)
 *   p = p − lr·b
 * </pre>
 */
public final class Sgd implements Optimizer {
    private final Map<String, Var> params;
    private final double momentum, weightDecay;
    private final Map<String, float[]> buffers = new LinkedHashMap<>();
    private long steps;

    public Sgd(Map<String, Var> params, double momentum, double weightDecay) {
        this.params = params;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        if (momentum > 0) params.forEach((name, p) -> buffers.put(name, new float[p.numel()]));
    }

    @Override
    public void step(double lr) {
        for (var entry : params.entrySet()) {
            Var p = entry.getValue();
            if (p.grad() == null) continue;
            Tensor grad = p.grad().contiguous();
            float[] w = p.value().data(), g = grad.data(), b = buffers.get(entry.getKey());
            int wo = (int) p.value().offset(), go = (int) grad.offset();
            for (int i = 0; i < p.numel(); i++) {
                double d = g[go + i] + weightDecay * w[wo + i];
                if (b != null) {
                    d = steps == 0 ? d : momentum * b[i] + d;
                    b[i] = (float) d;
                }
                w[wo + i] = (float) (w[wo + i] - lr * d);
            }
        }
        steps++;
    }

    @Override
    public long steps() { return steps; }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        buffers.forEach((name, b) -> state.put(name + ".momentum_buffer", Tensor.of(b.clone(), params.get(name).shape())));
        return state;
    }

    @Override
    public void load(Map<String, Tensor> state, long steps) {
        buffers.forEach((name, b) -> AdamW.copyInto(state, name + ".momentum_buffer", b));
        this.steps = steps;
    }
}
