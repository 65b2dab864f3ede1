package dev.bedside.dpo;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.Var;
import dev.bedside.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** DpoLoss against the formulas written out in double, gradients by central differences. */
class DpoLossProperties {

    private static double logSigmoid(double x) { return -Math.log1p(Math.exp(-x)); }

    /** One pair's loss from TRL's definitions; x = {pc, pr}, ref = {rc, rr}, len = {lc, lr}. */
    private static double reference(DpoLoss.Type type, double beta, double eps, double pc, double pr, double rc, double rr, int lc, int lr) {
        double delta = (pc - rc) - (pr - rr);
        return switch (type) {
            case SIGMOID -> -(1 - eps) * logSigmoid(beta * delta) - eps * logSigmoid(-beta * delta);
            case IPO -> Math.pow((pc - rc) / lc - (pr - rr) / lr - 1 / (2 * beta), 2);
            case HINGE -> Math.max(0, 1 - beta * delta);
            case ROBUST -> (-(1 - eps) * logSigmoid(beta * delta) + eps * logSigmoid(-beta * delta)) / (1 - 2 * eps);
        };
    }

    @Property(tries = 60)
    void lossMetricsAndGradients(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int n) {
        SplittableRandom random = new SplittableRandom(seed);
        DpoLoss.Type type = DpoLoss.Type.values()[random.nextInt(4)];
        double beta = 0.05 + random.nextDouble() * 0.5;
        double eps = type == DpoLoss.Type.SIGMOID || type == DpoLoss.Type.ROBUST ? random.nextDouble() * 0.4 : 0;
        DpoLoss loss = new DpoLoss(type, beta, eps);
        double[][] x = new double[n][4];
        int[][] len = new int[n][2];
        for (int i = 0; i < n; i++) {
            // Log-probs of a few tokens: small enough that float32 keeps ~1e-6 relative precision of the differences.
            for (int j = 0; j < 4; j++) x[i][j] = -1 - random.nextDouble() * 20;
            len[i][0] = 1 + random.nextInt(30);
            len[i][1] = 1 + random.nextInt(30);
        }
        Autograd.tape().clear();
        List<Var> policy = new ArrayList<>();
        List<DpoLoss.Pair> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Var pc = Var.param(Tensor.of(new float[] {(float) x[i][0]})), pr = Var.param(Tensor.of(new float[] {(float) x[i][1]}));
            x[i][0] = pc.item();
            x[i][1] = pr.item();
            policy.add(pc);
            policy.add(pr);
            pairs.add(new DpoLoss.Pair(pc, pr, x[i][2], x[i][3], len[i][0], len[i][1]));
        }
        DpoLoss.Result result = loss.compute(pairs);
        double want = 0, rc = 0, rr = 0, acc = 0, lc = 0, lr = 0;
        for (int i = 0; i < n; i++) {
            double li = reference(type, beta, eps, x[i][0], x[i][1], x[i][2], x[i][3], len[i][0], len[i][1]);
            assertEquals(li, result.pairLosses()[i], 2e-5 * Math.max(1, Math.abs(li)), type + " loss of pair " + i);
            want += li / n;
            double c = beta * (x[i][0] - x[i][2]), r = beta * (x[i][1] - x[i][3]);
            rc += c / n;
            rr += r / n;
            acc += (c > r ? 1.0 : 0.0) / n;
            lc += x[i][0] / n;
            lr += x[i][1] / n;
        }
        assertEquals(want, result.loss().item(), 2e-5 * Math.max(1, Math.abs(want)), type + " mean loss");
        assertEquals(rc, result.metrics().get("rewards/chosen"), 1e-9);
        assertEquals(rr, result.metrics().get("rewards/rejected"), 1e-9);
        assertEquals(rc - rr, result.metrics().get("rewards/margins"), 1e-9);
        assertEquals(acc, result.metrics().get("rewards/accuracies"), 1e-9);
        assertEquals(lc, result.metrics().get("logps/chosen"), 1e-9);
        assertEquals(lr, result.metrics().get("logps/rejected"), 1e-9);

        if (!result.loss().requiresGrad()) return;
        result.loss().backward();
        double h = 1e-4;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) {
                double saved = x[i][j];
                x[i][j] = saved + h;
                double plus = reference(type, beta, eps, x[i][0], x[i][1], x[i][2], x[i][3], len[i][0], len[i][1]);
                x[i][j] = saved - h;
                double minus = reference(type, beta, eps, x[i][0], x[i][1], x[i][2], x[i][3], len[i][0], len[i][1]);
                x[i][j] = saved;
                double numeric = (plus - minus) / (2 * h) / n;
                Var p = policy.get(2 * i + j);
                double analytic = p.grad() == null ? 0 : p.grad().toFloatArray()[0];
                assertEquals(numeric, analytic, 1e-4 * Math.max(1e-2, Math.abs(numeric)), type + " d loss / d " + (j == 0 ? "chosen" : "rejected") + " of pair " + i);
            }
        }
    }

    /** The whole batch loss with RPO, in double: mean of the pairs' DPO losses + α·(−Σ pc / Σ len_c), as TRL. */
    private static double rpoReference(DpoLoss.Type type, double beta, double eps, double alpha, double[][] x, int[][] len) {
        double dpo = 0, chosenLogps = 0, chosenTokens = 0;
        for (int i = 0; i < x.length; i++) {
            dpo += reference(type, beta, eps, x[i][0], x[i][1], x[i][2], x[i][3], len[i][0], len[i][1]) / x.length;
            chosenLogps += x[i][0];
            chosenTokens += len[i][0];
        }
        return dpo + alpha * (-chosenLogps / chosenTokens);
    }

    @Property(tries = 60)
    void rpoAddsTheChosenNllAndItsGradient(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int n) {
        SplittableRandom random = new SplittableRandom(seed);
        DpoLoss.Type type = DpoLoss.Type.values()[random.nextInt(4)];
        double beta = 0.05 + random.nextDouble() * 0.5, alpha = 0.1 + random.nextDouble() * 2;
        double eps = type == DpoLoss.Type.SIGMOID || type == DpoLoss.Type.ROBUST ? random.nextDouble() * 0.4 : 0;
        double[][] x = new double[n][4];
        int[][] len = new int[n][2];
        Autograd.tape().clear();
        List<Var> policy = new ArrayList<>();
        List<DpoLoss.Pair> pairs = new ArrayList<>();
        long chosenTokens = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4; j++) x[i][j] = (float) (-1 - random.nextDouble() * 20);   // as float, so double and Var agree
            len[i][0] = 1 + random.nextInt(30);
            len[i][1] = 1 + random.nextInt(30);
            chosenTokens += len[i][0];
            Var pc = Var.param(Tensor.of(new float[] {(float) x[i][0]})), pr = Var.param(Tensor.of(new float[] {(float) x[i][1]}));
            policy.add(pc);
            policy.add(pr);
            pairs.add(new DpoLoss.Pair(pc, pr, x[i][2], x[i][3], len[i][0], len[i][1]));
        }
        DpoLoss.Result result = new DpoLoss(type, beta, eps, alpha).compute(pairs);
        double want = rpoReference(type, beta, eps, alpha, x, len);
        assertEquals(want, result.loss().item(), 2e-5 * Math.max(1, Math.abs(want)), type + " loss with rpo α " + alpha);
        double nll = 0;
        for (double[] row : x) nll -= row[0] / chosenTokens;
        assertEquals(nll, result.metrics().get("nll_loss"), 1e-5 * Math.max(1, nll), "nll_loss metric");
        for (int i = 0; i < n; i++) {
            double pairWant = reference(type, beta, eps, x[i][0], x[i][1], x[i][2], x[i][3], len[i][0], len[i][1]) + alpha * nll;
            assertEquals(pairWant, result.pairLosses()[i], 2e-5 * Math.max(1, Math.abs(pairWant)), type + " pair loss " + i + " with rpo");
        }

        result.loss().backward();
        double h = 1e-4;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) {
                double saved = x[i][j];
                x[i][j] = saved + h;
                double plus = rpoReference(type, beta, eps, alpha, x, len);
                x[i][j] = saved - h;
                double minus = rpoReference(type, beta, eps, alpha, x, len);
                x[i][j] = saved;
                double numeric = (plus - minus) / (2 * h);
                Var p = policy.get(2 * i + j);
                double analytic = p.grad() == null ? 0 : p.grad().toFloatArray()[0];
                assertEquals(numeric, analytic, 1e-4 * Math.max(1e-2, Math.abs(numeric)), type + " d loss / d " + (j == 0 ? "chosen" : "rejected") + " of pair " + i + " with rpo");
            }
        }
    }

    @Test
    void rpoGradientOnTheChosenLogProbByHand() {
        // One pair, DPO's part held flat (hinge past its margin): only the NLL term is left, d/d pc = −α / len_c.
        Autograd.tape().clear();
        Var pc = Var.param(Tensor.of(new float[] {-2f})), pr = Var.param(Tensor.of(new float[] {-40f}));
        DpoLoss.Result result = new DpoLoss(DpoLoss.Type.HINGE, 0.5, 0, 1.5).compute(new DpoLoss.Pair(pc, pr, -5, -5, 8, 3));
        assertEquals(1.5 * 2.0 / 8, result.loss().item(), 1e-6);
        result.loss().backward();
        assertEquals(-1.5 / 8, pc.grad().toFloatArray()[0], 1e-6);
        assertTrue(pr.grad() == null || pr.grad().toFloatArray()[0] == 0, "rejected gets no gradient from the NLL term");
    }

    @Test
    void validation() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DpoLoss(DpoLoss.Type.SIGMOID, 0.1, 0, -1)).getMessage().contains("rpo alpha"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DpoLoss(DpoLoss.Type.SIGMOID, 0, 0)).getMessage().contains("beta"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DpoLoss(DpoLoss.Type.ROBUST, 0.1, 0.5)).getMessage().contains("label smoothing"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DpoLoss(DpoLoss.Type.IPO, 0.1, 0.1)).getMessage().contains("IPO"));
        DpoLoss loss = new DpoLoss(DpoLoss.Type.SIGMOID, 0.1, 0);
        assertThrows(IllegalArgumentException.class, () -> loss.compute(List.of()));
        Var one = Var.param(Tensor.of(new float[] {-3f}));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DpoLoss.Pair(one, one, -3, -3, 0, 2)).getMessage().contains("lengths"));
    }
}
