package dev.bedside.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Checks an op's analytic (float) gradients against central finite differences of an independent
 * double-precision forward. The scalar checked is L = Σ r ⊙ op(x) for a random r, so every output element
 * and every input element take part.
 */
final class GradCheck {
    /** Step of the central difference; the double forward makes rounding negligible at this size. */
    private static final double H = 1e-6;
    /** ‖analytic − numeric‖₂ ≤ REL · ‖numeric‖₂ + ABS. */
    private static final double REL = 1e-3, ABS = 1e-5;

    private GradCheck() {}

    /** Inputs of one check; {@code trainable[i]} picks which get gradients (the others must get none). */
    record Case(String name, Tensor[] inputs, boolean[] trainable) {
        static Case allTrainable(String name, Tensor... inputs) {
            boolean[] t = new boolean[inputs.length];
            Arrays.fill(t, true);
            return new Case(name, inputs, t);
        }
    }

    static void check(Case c, Function<Var[], Var> op, Function<double[][], double[]> reference, long seed) {
        Autograd.tape().clear();   // a failed earlier check may have left nodes behind
        Var[] vars = new Var[c.inputs().length];
        double[][] x = new double[vars.length][];
        for (int i = 0; i < vars.length; i++) {
            vars[i] = c.trainable()[i] ? Var.param(c.inputs()[i]) : Var.constant(c.inputs()[i]);
            x[i] = toDouble(c.inputs()[i].toFloatArray());
        }
        Var y = op.apply(vars);
        double[] yRef = reference.apply(x);
        float[] yFloat = y.value().toFloatArray();
        assertEquals(yRef.length, yFloat.length, c.name() + ": output size");
        double scale = 1;
        for (double v : yRef) scale = Math.max(scale, Math.abs(v));
        for (int j = 0; j < yRef.length; j++) {
            assertEquals(yRef[j], yFloat[j], 1e-4 * scale, c.name() + ": forward element " + j + " differs from the reference");
        }

        Tensor r = Tensor.uniform(seed ^ 0x5DEECE66DL, -1, 1, y.shape());
        Var loss = BasicOps.sum(BasicOps.mul(Var.constant(r), y));
        boolean anyTrainable = false;
        for (boolean t : c.trainable()) anyTrainable |= t;
        if (!anyTrainable) {
            assertFalse(loss.requiresGrad(), c.name() + ": nothing trainable, yet the loss requires a gradient");
            return;
        }
        loss.backward();
        assertEquals(0, Autograd.tape().size(), c.name() + ": backward must empty the tape");

        double[] rd = toDouble(r.toFloatArray());
        for (int i = 0; i < vars.length; i++) {
            if (!c.trainable()[i]) {
                assertNull(vars[i].grad(), c.name() + ": frozen input " + i + " got a gradient");
                continue;
            }
            double[] numeric = new double[x[i].length];
            for (int j = 0; j < numeric.length; j++) {
                double saved = x[i][j];
                x[i][j] = saved + H;
                double plus = dot(rd, reference.apply(x));
                x[i][j] = saved - H;
                double minus = dot(rd, reference.apply(x));
                x[i][j] = saved;
                numeric[j] = (plus - minus) / (2 * H);
            }
            double[] analytic = vars[i].grad() == null ? new double[numeric.length] : toDouble(vars[i].grad().toFloatArray());
            double err = 0, norm = 0;
            for (int j = 0; j < numeric.length; j++) {
                err += (analytic[j] - numeric[j]) * (analytic[j] - numeric[j]);
                norm += numeric[j] * numeric[j];
            }
            err = Math.sqrt(err);
            norm = Math.sqrt(norm);
            assertTrue(err <= REL * norm + ABS, c.name() + ": gradient of input " + i + " " + Arrays.toString(c.inputs()[i].shape())
                    + " off by " + err + " (norm " + norm + ")\n analytic " + Arrays.toString(analytic) + "\n numeric  " + Arrays.toString(numeric));
        }
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static double dot(double[] a, double[] b) {
        assertEquals(a.length, b.length);
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
