package dev.bedside.lora;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.BasicOps;
import dev.bedside.autograd.Checkpoint;
import dev.bedside.autograd.MatrixOps;
import dev.bedside.autograd.RandomStream;
import dev.bedside.autograd.Var;
import dev.bedside.model.Projection;
import dev.bedside.tensor.Tensor;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** LoraProjection against a double-precision definition, with gradients checked by central differences. */
class LoraProjectionProperties {
    private static final double H = 1e-6, REL = 1e-3, ABS = 1e-5;

    /** y = x·Wᵀ + s·(x·Aᵀ)·Bᵀ in double. x [T, in], W [out, in], A [r, in], B [out, r]. */
    private static double[] reference(double[] x, double[] w, double[] a, double[] b, int tokens, int in, int out, int r, double s) {
        double[] y = new double[tokens * out];
        for (int t = 0; t < tokens; t++) {
            double[] xa = new double[r];
            for (int k = 0; k < r; k++) for (int i = 0; i < in; i++) xa[k] += x[t * in + i] * a[k * in + i];
            for (int o = 0; o < out; o++) {
                double v = 0;
                for (int i = 0; i < in; i++) v += x[t * in + i] * w[o * in + i];
                for (int k = 0; k < r; k++) v += s * xa[k] * b[o * r + k];
                y[t * out + o] = v;
            }
        }
        return y;
    }

    private static double[] toDouble(Tensor t) {
        float[] f = t.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    @Property(tries = 60)
    void forwardAndGradients(@ForAll long seed, @ForAll @IntRange(min = 0, max = 5) int tokens, @ForAll @IntRange(min = 1, max = 9) int in,
                             @ForAll @IntRange(min = 1, max = 9) int out, @ForAll @IntRange(min = 1, max = 4) int r,
                             @ForAll @DoubleRange(min = 0.1, max = 4) double scale) {
        Autograd.tape().clear();
        Tensor xT = Tensor.uniform(seed, -1, 1, tokens, in), wT = Tensor.uniform(seed + 1, -1, 1, out, in);
        Tensor aT = Tensor.uniform(seed + 2, -1, 1, r, in), bT = Tensor.uniform(seed + 3, -1, 1, out, r);
        Var x = Var.param(xT), a = Var.param(aT), b = Var.param(bT);
        LoraProjection lora = new LoraProjection(new Projection.Frozen(wT), a, b, scale, 0.3, seed);   // dropout off: not training
        Var y = lora.apply(x);
        assertArrayEquals(new int[] {tokens, out}, y.shape());

        double[][] inputs = {toDouble(xT), toDouble(wT), toDouble(aT), toDouble(bT)};
        double s = lora.scale();   // the float the op uses
        java.util.function.Function<double[][], double[]> ref = v -> reference(v[0], v[1], v[2], v[3], tokens, in, out, r, s);
        double[] want = ref.apply(inputs);
        float[] got = y.value().toFloatArray();
        for (int j = 0; j < want.length; j++) assertEquals(want[j], got[j], 1e-5 * Math.max(1, Math.abs(want[j])), "y element " + j);
        if (tokens == 0) return;

        Tensor rT = Tensor.uniform(seed + 4, -1, 1, tokens, out);
        BasicOps.sum(BasicOps.mul(Var.constant(rT), y)).backward();
        double[] rd = toDouble(rT);
        Var[] trainable = {x, null, a, b};
        String[] names = {"x", "W", "A", "B"};
        for (int v : new int[] {0, 2, 3}) {
            double[] numeric = new double[inputs[v].length];
            for (int j = 0; j < numeric.length; j++) {
                double saved = inputs[v][j];
                inputs[v][j] = saved + H;
                double plus = dot(rd, ref.apply(inputs));
                inputs[v][j] = saved - H;
                double minus = dot(rd, ref.apply(inputs));
                inputs[v][j] = saved;
                numeric[j] = (plus - minus) / (2 * H);
            }
            double[] analytic = toDouble(trainable[v].grad());
            double err = 0, norm = 0;
            for (int j = 0; j < numeric.length; j++) {
                err += (analytic[j] - numeric[j]) * (analytic[j] - numeric[j]);
                norm += numeric[j] * numeric[j];
            }
            assertTrue(Math.sqrt(err) <= REL * Math.sqrt(norm) + ABS, "gradient of " + names[v] + " off by " + Math.sqrt(err)
                    + "\n analytic " + Arrays.toString(analytic) + "\n numeric  " + Arrays.toString(numeric));
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** Disabled, the projection is its base bit for bit, and records no gradient for A and B. */
    @Property(tries = 20)
    void disabledIsTheBase(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int tokens, @ForAll @IntRange(min = 1, max = 9) int in,
                           @ForAll @IntRange(min = 1, max = 9) int out) {
        Autograd.tape().clear();
        Tensor w = Tensor.uniform(seed + 1, -1, 1, out, in);
        LoraProjection lora = new LoraProjection(new Projection.Frozen(w), Var.param(Tensor.uniform(seed, -1, 1, 2, in)),
                Var.param(Tensor.uniform(seed + 2, -1, 1, out, 2)), 2, 0, seed);
        Var x = Var.constant(Tensor.uniform(seed + 3, -1, 1, tokens, in));
        lora.setEnabled(false);
        Var y = lora.apply(x);
        assertArrayEquals(new Projection.Frozen(w).apply(x).value().toFloatArray(), y.value().toFloatArray());
        assertFalse(y.requiresGrad(), "a disabled adapter must not reach the graph");
    }

    /** PEFT's init: A ~ U(−1/√in, 1/√in) (Kaiming-uniform, a = √5), B = 0, so the adapter starts as the base. */
    @Test
    void peftInitialisation() {
        int in = 400, out = 50, r = 16;
        Tensor w = Tensor.uniform(9, -1, 1, out, in);
        LoraProjection lora = LoraProjection.init(new Projection.Frozen(w), r, 2.0, 0, 42);
        float[] a = lora.a().value().toFloatArray();
        double bound = 1 / Math.sqrt(in), sum = 0, sumSq = 0, max = 0;
        for (float v : a) {
            sum += v;
            sumSq += v * v;
            max = Math.max(max, Math.abs(v));
        }
        int n = a.length;
        assertTrue(max <= bound, "A exceeds the bound 1/√in = " + bound + ": " + max);
        assertTrue(max > 0.99 * bound, "A does not fill its range: max " + max);
        // U(−b, b): mean 0 (sd b/√(3n)), variance b²/3 (relative sd √(4/5n) ≈ 0.6% here).
        assertEquals(0, sum / n, 5 * bound / Math.sqrt(3.0 * n), "mean of A");
        assertEquals(bound * bound / 3, sumSq / n, 0.05 * bound * bound / 3, "variance of A");
        for (float v : lora.b().value().toFloatArray()) assertEquals(0f, v, "B starts at zero");
        assertArrayEquals(new int[] {r, in}, lora.a().shape());
        assertArrayEquals(new int[] {out, r}, lora.b().shape());
        // Reproducible from the seed, different for another seed.
        LoraProjection again = LoraProjection.init(new Projection.Frozen(w), r, 2.0, 0, 42);
        assertArrayEquals(a, again.a().value().toFloatArray());
        assertFalse(Arrays.equals(a, LoraProjection.init(new Projection.Frozen(w), r, 2.0, 0, 43).a().value().toFloatArray()));
    }

    /**
     * With W = 0, A = B = I and scale 1 the projection is dropout(x) itself: in training mode a fraction p of the
     * elements is zeroed and the rest scaled by 1/(1 − p), reproducibly from the seed; in evaluation mode y = x.
     */
    @Property(tries = 10)
    void dropout(@ForAll long seed, @ForAll @DoubleRange(min = 0.05, max = 0.9) double p) {
        int n = 64, tokens = 50;
        float[] identity = new float[n * n];
        for (int i = 0; i < n; i++) identity[i * n + i] = 1;
        Projection zero = new Projection.Frozen(Tensor.zeros(n, n));
        LoraProjection lora = new LoraProjection(zero, Var.constant(Tensor.of(identity.clone(), n, n)), Var.constant(Tensor.of(identity.clone(), n, n)), 1, p, seed);
        LoraProjection twin = new LoraProjection(zero, Var.constant(Tensor.of(identity.clone(), n, n)), Var.constant(Tensor.of(identity.clone(), n, n)), 1, p, seed);
        float[] ones = new float[tokens * n];
        Arrays.fill(ones, 1f);
        Var x = Var.constant(Tensor.of(ones, tokens, n));

        assertArrayEquals(ones, lora.apply(x).value().toFloatArray(), "evaluation mode: no dropout");
        lora.setTraining(true);
        twin.setTraining(true);
        long position = RandomStream.position();
        float[] y = lora.apply(x).value().toFloatArray();
        RandomStream.seek(position);
        assertArrayEquals(y, twin.apply(x).value().toFloatArray(), "same seed and stream position, same masks");
        assertFalse(Arrays.equals(y, lora.apply(x).value().toFloatArray()), "each forward draws a new mask");
        int zeros = 0;
        float keep = (float) (1 / (1 - p));
        for (float v : y) {
            if (v == 0) zeros++;
            else assertEquals(keep, v, 1e-6 * keep, "kept elements are scaled by 1/(1 − p)");
        }
        double m = y.length, sd = Math.sqrt(m * p * (1 - p));
        assertEquals(p * m, zeros, 5 * sd, "number of dropped elements");
        lora.setTraining(false);
        assertArrayEquals(ones, lora.apply(x).value().toFloatArray(), "back in evaluation mode");
    }

    /** Activation checkpointing recomputes a block with dropout on: the replayed masks give identical gradients. */
    @Property(tries = 10)
    void dropoutUnderCheckpointingGivesTheSameGradients(@ForAll long seed) {
        int tokens = 7, in = 12, out = 10, r = 4;
        Projection base = new Projection.Frozen(Tensor.uniform(seed, -1, 1, out, in));
        float[][] grads = new float[2][];
        for (int run = 0; run < 2; run++) {
            LoraProjection lora = LoraProjection.init(base, r, 2.0, 0.5, seed);
            Var b = lora.b();
            float[] nonZero = Tensor.uniform(seed + 1, -1, 1, out, r).toFloatArray();   // B = 0 at init would hide A's gradient
            System.arraycopy(nonZero, 0, b.value().data(), (int) b.value().offset(), nonZero.length);
            lora.setTraining(true);
            Var x = Var.param(Tensor.uniform(seed + 2, -1, 1, tokens, in));
            RandomStream.seek(1000);
            java.util.function.Function<Var, Var> block = h -> MatrixOps.linear(lora.apply(h), Var.constant(Tensor.uniform(seed + 3, -1, 1, 5, out)));
            Var y = run == 0 ? block.apply(x) : Checkpoint.apply(block, x);
            // A second draw after the block: the checkpoint must leave the stream where the forward left it.
            long after = RandomStream.position();
            BasicOps.sum(BasicOps.square(y)).backward();
            assertEquals(after, RandomStream.position(), "recomputation restores the stream position");
            grads[run] = concat(lora.a().grad().toFloatArray(), lora.b().grad().toFloatArray(), x.grad().toFloatArray());
        }
        assertArrayEquals(grads[0], grads[1]);
    }

    /**
     * With dropout on, the fused op (LoraLinear) against the same projection composed from the general ops
     * (mul by the mask, two linears, scale, add) with the same mask: outputs and the gradients of x, A and B.
     */
    @Property(tries = 30)
    void fusedDropoutMatchesTheComposedOps(@ForAll long seed, @ForAll @IntRange(min = 1, max = 9) int tokens,
                                           @ForAll @IntRange(min = 1, max = 40) int in, @ForAll @IntRange(min = 1, max = 40) int out,
                                           @ForAll @IntRange(min = 1, max = 5) int r, @ForAll @DoubleRange(min = 0.05, max = 0.6) double p) {
        Autograd.tape().clear();
        Projection base = new Projection.Frozen(Tensor.uniform(seed, -1, 1, out, in));
        Tensor aT = Tensor.uniform(seed + 1, -1, 1, r, in), bT = Tensor.uniform(seed + 2, -1, 1, out, r);
        Tensor xT = Tensor.uniform(seed + 3, -1, 1, tokens, in), weights = Tensor.uniform(seed + 4, -1, 1, tokens, out);
        float[][] results = new float[2][];
        for (int run = 0; run < 2; run++) {
            Var a = Var.param(aT.copy()), b = Var.param(bT.copy()), x = Var.param(xT.copy());
            LoraProjection lora = new LoraProjection(base, a, b, 1.7, p, seed);
            lora.setTraining(true);
            RandomStream.seek(77);
            Var y = run == 0 ? lora.apply(x) : lora.composed(x, lora.dropoutMask(x.numel()));
            BasicOps.sum(BasicOps.mul(Var.constant(weights), y)).backward();
            results[run] = concat(y.value().toFloatArray(), x.grad().toFloatArray(), a.grad().toFloatArray(), b.grad().toFloatArray());
        }
        for (int i = 0; i < results[0].length; i++) {
            assertEquals(results[1][i], results[0][i], 1e-5f * Math.max(1, Math.abs(results[1][i])), "element " + i + " of y, dx, dA, dB");
        }
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
