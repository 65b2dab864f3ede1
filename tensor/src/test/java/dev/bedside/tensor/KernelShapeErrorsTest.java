package dev.bedside.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Bad input fails the same way on both backends: a ShapeException naming the kernel and the shapes. */
class KernelShapeErrorsTest {
    private static final List<Backend> BACKENDS = List.of(new ScalarBackend(), new CpuBackend());

    private record Case(String kernel, String shape, Consumer<Backend> call) {}

    private static Tensor t(int... shape) { return Tensor.zeros(shape); }

    private static final List<Case> CASES = List.of(
            new Case("rmsNorm", "[5]", b -> b.rmsNorm(t(2, 4), t(5), 1e-5f, t(2, 4), t(2))),
            new Case("rmsNorm", "[3]", b -> b.rmsNorm(t(2, 4), t(4), 1e-5f, t(2, 4), t(3))),
            new Case("rmsNormBackward", "[2, 5]", b -> b.rmsNormBackward(t(2, 5), t(2, 4), t(4), t(2), t(2, 4), t(4))),
            new Case("rmsNormBackward", "[3]", b -> b.rmsNormBackward(t(2, 4), t(2, 4), t(4), t(2), t(2, 4), t(3))),
            new Case("softmax", "[3, 4]", b -> b.softmax(t(2, 4), t(3, 4))),
            new Case("softmaxBackward", "[2, 5]", b -> b.softmaxBackward(t(2, 5), t(2, 4), t(2, 4))),
            new Case("logSoftmax", "[4, 2]", b -> b.logSoftmax(t(2, 4), t(4, 2))),
            new Case("logSoftmaxBackward", "[2, 3]", b -> b.logSoftmaxBackward(t(2, 4), t(2, 4), t(2, 3))),
            new Case("logProbGather", "[2, 4]", b -> b.logProbGather(t(2, 4), new int[] {0, 4}, t(2), t(2))),
            new Case("logProbGather", "[2, 4]", b -> b.logProbGather(t(2, 4), new int[] {0}, t(2), t(2))),
            new Case("logProbGather", "[3]", b -> b.logProbGather(t(2, 4), new int[] {0, 1}, t(3), t(2))),
            new Case("logProbGatherBackward", "[2, 4]", b -> b.logProbGatherBackward(t(2), t(2, 4), new int[] {0, -2}, t(2), t(2, 4))),
            new Case("logProbGatherBackward", "[3]", b -> b.logProbGatherBackward(t(3), t(2, 4), new int[] {0, 1}, t(2), t(2, 4))),
            new Case("add", "[3]", b -> b.add(t(2, 4), t(3), t(2, 4))),
            new Case("add", "[2, 4]", b -> b.add(t(2, 4), t(4), t(4))),
            new Case("mul", "[2, 3]", b -> b.mul(t(2, 4), t(2, 3), t(2, 4))),
            new Case("axpy", "[5]", b -> b.axpy(1f, t(4), t(5))),
            new Case("sumToShape", "[3]", b -> b.sumToShape(t(2, 4), t(3))),
            new Case("sumToShape", "[1, 2, 4]", b -> b.sumToShape(t(2, 4), t(1, 2, 4))),
            new Case("swiglu", "[2, 5]", b -> b.swiglu(t(2, 4), t(2, 5), t(2, 4))),
            new Case("swigluBackward", "[2, 3]", b -> b.swigluBackward(t(2, 4), t(2, 4), t(2, 4), t(2, 3), t(2, 4))),
            new Case("embedding", "[5, 3]", b -> b.embedding(t(5, 3), new int[] {1, 5}, t(2, 3))),
            new Case("embedding", "[5, 3]", b -> b.embedding(t(5, 3), new int[] {-1}, t(1, 3))),
            new Case("embeddingBackward", "[5, 3]", b -> b.embeddingBackward(t(1, 3), new int[] {-1}, t(5, 3))),
            new Case("embeddingBackward", "[2, 4]", b -> b.embeddingBackward(t(2, 4), new int[] {0, 1}, t(5, 3))),
            new Case("rope", "[2, 6]", b -> b.rope(t(2, 6), 2, 3, new int[] {0, 1}, t(4, 1), t(4, 1), false)),
            new Case("rope", "[4, 2]", b -> b.rope(t(2, 8), 2, 4, new int[] {0, 4}, t(4, 2), t(4, 2), false)),
            new Case("rope", "[4, 3]", b -> b.rope(t(2, 8), 2, 4, new int[] {0, 1}, t(4, 3), t(4, 3), true)),
            new Case("attention", "[3, 8]", b -> b.attention(t(3, 8), t(2, 4), t(2, 4), 2, 1, t(3, 8), t(2, 3))),
            new Case("attention", "[4, 8]", b -> b.attention(t(4, 8), t(4, 4), t(4, 4), 3, 1, t(4, 8), t(3, 4))),
            new Case("attentionBackward", "[4, 8]", b -> b.attentionBackward(t(4, 8), t(4, 8), t(4, 4), t(4, 4), t(4, 8), t(2, 4),
                    2, 1, t(4, 8), t(4, 8), t(4, 4))),
            new Case("attentionBackward", "[4, 2]", b -> b.attentionBackward(t(4, 8), t(4, 8), t(4, 4), t(4, 4), t(4, 8), t(4, 2),
                    2, 1, t(4, 8), t(4, 4), t(4, 4))));

    @Test
    void everyKernelNamesItselfAndTheShapes() {
        for (Backend backend : BACKENDS) {
            for (Case c : CASES) {
                ShapeException e = assertThrows(ShapeException.class, () -> c.call().accept(backend),
                        backend.name() + " " + c.kernel() + " accepted bad input");
                String message = e.getMessage();
                assertTrue(message.startsWith(c.kernel() + ":") && message.contains(c.shape()),
                        backend.name() + ": expected '" + c.kernel() + ": …" + c.shape() + "…', got: " + message);
            }
        }
    }
}
