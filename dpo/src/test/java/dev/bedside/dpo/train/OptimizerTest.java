package dev.bedside.dpo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bedside.autograd.BasicOps;
import dev.bedside.autograd.Var;
import dev.bedside.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Optimizer updates against values worked out by hand in double precision from torch's formulas. */
class OptimizerTest {

    /** A parameter whose gradient is {@code g}: backward of sum(p ⊙ g). */
    private static void setGradient(Var p, float... g) {
        p.zeroGrad();
        BasicOps.sum(BasicOps.mul(p, Var.constant(Tensor.of(g, p.shape())))).backward();
    }

    @Test
    void adamWTwoStepsMatchTheHandComputedUpdate() {
        Var p = Var.param(Tensor.of(new float[] {1f, -2f}, 2));
        AdamW adam = new AdamW(Map.of("p", p), 0.9, 0.999, 1e-8, 0.01);
        // Step 1, g = 0.5 for p = 1: p·(1 − 0.1·0.01) − 0.1 · (0.05/0.1) / (√(0.00025)/√0.001 + 1e-8) = 0.899000002.
        // For p = −2, g = 0 the Adam term is 0: only the decay, −2·0.999.
        setGradient(p, 0.5f, 0f);
        adam.step(0.1);
        assertEquals(0.899000002, p.value().data()[0], 1e-7);
        assertEquals(-1.998, p.value().data()[1], 1e-7);
        // Step 2, g = −0.25: m = 0.02, v = 0.00031225, bias corrections 0.19 and 0.001999 → 0.8714672987.
        setGradient(p, -0.25f, 0f);
        adam.step(0.1);
        assertEquals(0.8714672987058463, p.value().data()[0], 1e-7);
        assertEquals(2, adam.steps());
    }

    @Test
    void adamWStateRoundTripsAndContinuesIdentically() {
        Var a = Var.param(Tensor.of(new float[] {0.3f, -0.7f, 1.1f}, 3));
        Var b = Var.param(Tensor.of(new float[] {0.3f, -0.7f, 1.1f}, 3));
        AdamW first = new AdamW(Map.of("w", a), 0.9, 0.999, 1e-8, 0.0);
        setGradient(a, 0.2f, -0.4f, 0.9f);
        first.step(0.01);
        System.arraycopy(a.value().data(), 0, b.value().data(), 0, 3);
        AdamW restored = new AdamW(Map.of("w", b), 0.9, 0.999, 1e-8, 0.0);
        restored.load(first.state(), first.steps());
        setGradient(a, -0.1f, 0.3f, 0.5f);
        setGradient(b, -0.1f, 0.3f, 0.5f);
        first.step(0.01);
        restored.step(0.01);
        assertArrayEquals(a.value().toFloatArray(), b.value().toFloatArray(), 0f);
    }

    @Test
    void sgdIsWMinusLrTimesG() {
        Var p = Var.param(Tensor.of(new float[] {1f, 2f}, 2));
        Sgd sgd = new Sgd(Map.of("p", p), 0.0, 0.0);
        setGradient(p, 0.5f, -1f);
        sgd.step(0.1);
        assertArrayEquals(new float[] {0.95f, 2.1f}, p.value().toFloatArray(), 1e-7f);
        // With momentum 0.9 and weight decay 0.1 (torch: g += λp; b = g first, then μb + g).
        Var q = Var.param(Tensor.of(new float[] {1f}, 1));
        Sgd momentum = new Sgd(Map.of("q", q), 0.9, 0.1);
        setGradient(q, 0.5f);
        momentum.step(0.1);           // d = 0.5 + 0.1 = 0.6 → q = 0.94
        assertEquals(0.94, q.value().data()[0], 1e-7);
        setGradient(q, 0.5f);
        momentum.step(0.1);           // d = 0.5 + 0.094 = 0.594; b = 0.54 + 0.594 = 1.134 → q = 0.8266
        assertEquals(0.8266, q.value().data()[0], 1e-6);
    }

    @Test
    void clippingUsesTheGlobalNormOverAllParameters() {
        Var a = Var.param(Tensor.of(new float[] {0f, 0f}, 2));
        Var b = Var.param(Tensor.of(new float[] {0f}, 1));
        setGradient(a, 3f, 0f);
        setGradient(b, 4f);
        Map<String, Var> params = new LinkedHashMap<>(Map.of("a", a, "b", b));
        double norm = GradientClipping.globalNorm(params.values());
        assertEquals(5.0, norm, 1e-12);
        GradientClipping.clip(params.values(), norm, 1.0);
        assertEquals(3 / (5 + 1e-6), a.grad().data()[0], 1e-7);
        assertEquals(4 / (5 + 1e-6), b.grad().data()[0], 1e-7);
        GradientClipping.clip(params.values(), 0.5, 1.0);   // under the limit: unchanged
        assertEquals(4 / (5 + 1e-6), b.grad().data()[0], 1e-7);
    }
}
