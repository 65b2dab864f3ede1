package dev.bedside.autograd;

import static dev.bedside.autograd.BasicOps.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.tensor.ShapeException;
import dev.bedside.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The tape's bookkeeping: accumulation, no-grad scopes, frozen values, memory release, error messages. */
class TapeTest {

    @AfterEach
    void emptyTape() { Autograd.tape().clear(); }

    @Test
    void gradientsAccumulateWhenAVarIsUsedTwice() {
        Tensor x = Tensor.uniform(1, -2, 2, 3, 5);
        // y = x·x + x uses x three times; d Σ r⊙y / dx = r ⊙ (2x + 1).
        GradCheck.check(GradCheck.Case.allTrainable("x*x + x", x), v -> add(mul(v[0], v[0]), v[0]), d -> {
            double[] out = new double[d[0].length];
            for (int i = 0; i < out.length; i++) out[i] = d[0][i] * d[0][i] + d[0][i];
            return out;
        }, 7);

        Var p = Var.param(Tensor.of(new float[] {3f}, 1));
        sum(mul(p, p)).backward();
        assertEquals(6f, p.grad().get(0), "d x² = 2x");
        sum(scale(p, 5f)).backward();
        assertEquals(11f, p.grad().get(0), "a second backward adds to the leaf gradient");
        p.zeroGrad();
        assertNull(p.grad());
    }

    @Test
    void noGradRecordsNothingAndRestoresRecording() {
        Var w = Var.param(Tensor.uniform(2, -1, 1, 4, 3));
        Var x = Var.constant(Tensor.uniform(3, -1, 1, 2, 3));
        try (var outer = Autograd.noGrad()) {
            Var y = MatrixOps.linear(x, w);
            try (var inner = Autograd.noGrad()) {
                y = exp(y);
            }
            assertFalse(Autograd.isGradEnabled(), "closing a nested scope restores the outer one");
            y = sum(y);
            assertFalse(y.requiresGrad());
            assertEquals(0, Autograd.tape().size(), "noGrad must record nothing");
        }
        assertTrue(Autograd.isGradEnabled());
        Var y = sum(MatrixOps.linear(x, w));
        assertEquals(2, Autograd.tape().size(), "recording resumes after the scope");
        assertTrue(y.requiresGrad());
    }

    @Test
    void opsOnValuesThatNeedNoGradientRecordNothing() {
        Var a = Var.constant(Tensor.uniform(4, -1, 1, 3, 3)), b = Var.constant(Tensor.uniform(5, -1, 1, 3, 3));
        Var y = logSigmoid(sum(NeuralOps.swiglu(MatrixOps.matmul(a, b), a)));
        assertFalse(y.requiresGrad());
        assertEquals(0, Autograd.tape().size());
    }

    @Test
    void detachStopsGradients() {
        Var x = Var.param(Tensor.of(new float[] {2f}, 1));
        Var y = mul(x, x);
        // L = x² · stop(x²): only the first factor carries a gradient, d L / dx = 2x · x² = 16.
        sum(mul(y, y.detach())).backward();
        assertEquals(16f, x.grad().get(0));
    }

    @Test
    void frozenWeightsNeverGetAGradientBuffer() {
        Var x = Var.param(Tensor.uniform(6, -1, 1, 2, 3));
        Var frozen = Var.constant(Tensor.uniform(7, -1, 1, 4, 3));
        Var norm = Var.constant(Tensor.uniform(8, 0.5f, 1.5f, 3));
        sum(MatrixOps.linear(NeuralOps.rmsNorm(x, norm, 1e-5f), frozen)).backward();
        assertNotNull(x.grad());
        assertNull(frozen.grad());
        assertNull(norm.grad());
    }

    @Test
    void backwardReleasesTheTapeAndInteriorGradients() {
        Var x = Var.param(Tensor.uniform(9, -1, 1, 4, 6));
        Var w = Var.param(Tensor.uniform(10, 0.5f, 1.5f, 6));
        Var normed = NeuralOps.rmsNorm(x, w, 1e-5f);
        Var activated = NeuralOps.swiglu(normed, normed);
        Var loss = mean(activated);
        assertEquals(4, Autograd.tape().size());   // rmsNorm, swiglu, sum, scale
        assertTrue(normed.isRecorded() && activated.isRecorded() && loss.isRecorded());

        loss.backward();
        assertEquals(0, Autograd.tape().size(), "backward empties the tape");
        assertFalse(normed.isRecorded() || activated.isRecorded() || loss.isRecorded(),
                "each node drops its backward closure, and with it the tensors it saved");
        assertNull(normed.grad(), "interior gradients are freed once passed on");
        assertNull(activated.grad());
        assertNotNull(x.grad());
        assertNotNull(w.grad());
    }

    @Test
    void backwardNeedsAOneElementLossThatRequiresAGradient() {
        Var x = Var.param(Tensor.uniform(11, -1, 1, 2, 2));
        Var y = exp(x);
        assertThrows(IllegalArgumentException.class, y::backward);
        Var c = sum(Var.constant(Tensor.uniform(12, -1, 1, 2)));
        assertThrows(IllegalArgumentException.class, c::backward);
    }

    @Test
    void badShapesNameTheOpAndTheShapes() {
        Var a = Var.param(Tensor.uniform(13, -1, 1, 2, 3));
        Var b = Var.param(Tensor.uniform(14, -1, 1, 4));
        Var w = Var.param(Tensor.uniform(15, -1, 1, 5, 4));
        expectShapeError("add", () -> add(a, b), "[2, 3]", "[4]");
        expectShapeError("sub", () -> sub(a, b), "[2, 3]", "[4]");
        expectShapeError("mul", () -> mul(a, b), "[2, 3]", "[4]");
        expectShapeError("div", () -> div(a, b), "[2, 3]", "[4]");
        expectShapeError("linear", () -> MatrixOps.linear(a, w), "[2, 3]", "[5, 4]");
        expectShapeError("matmul", () -> MatrixOps.matmul(a, a), "[2, 3]");
        expectShapeError("rmsNorm", () -> NeuralOps.rmsNorm(a, b, 1e-5f), "[2, 3]", "[4]");
        expectShapeError("swiglu", () -> NeuralOps.swiglu(a, w), "[2, 3]", "[5, 4]");
        expectShapeError("attention", () -> NeuralOps.attention(a, a, a, 2, 2), "[2, 3]");
        expectShapeError("logProbsOfTargets", () -> LossOps.logProbsOfTargets(a, w, new int[] {0, 1}), "[2, 3]", "[5, 4]");
        expectShapeError("logProbsOfTargets", () -> LossOps.logProbsOfTargets(reshape(b, 1, 4), w,
                new int[] {5}), "[1, 4]");
        expectShapeError("concatRows", () -> concatRows(a, w), "[2, 3]", "[5, 4]");
        expectShapeError("sliceRows", () -> sliceRows(a, 1, 3), "[2, 3]");
        expectShapeError("embedding", () -> NeuralOps.embedding(w, new int[] {5}), "[5, 4]");
    }

    private static void expectShapeError(String op, Executable call, String... shapes) {
        ShapeException e = assertThrows(ShapeException.class, call, op + " accepted bad shapes");
        assertTrue(e.getMessage().startsWith(op), "message should name " + op + ": " + e.getMessage());
        for (String s : shapes) assertTrue(e.getMessage().contains(s), "message should show " + s + ": " + e.getMessage());
    }
}
