package dev.bedside.autograd;

import static dev.bedside.autograd.BasicOps.*;

import dev.bedside.autograd.GradCheck.Case;
import dev.bedside.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every op together, as a Llama model uses them: embedding → (rmsNorm → q, k, v → rope → GQA attention → o,
 * residual → rmsNorm → SwiGLU MLP, residual) → rmsNorm → LM-head log-probs of the targets → a DPO-style
 * −log σ(β · (Σ log p − c)). All eleven weights are checked against double finite differences of the same
 * network written with the reference forwards, with and without the layer checkpointed.
 */
class TinyTransformerGradientTest {
    static final int TOKENS = 5, DIM = 8, HEADS = 2, KV_HEADS = 1, HEAD_DIM = 4, HIDDEN = 12, VOCAB = 11, MAX_POS = 8;
    static final int[] IDS = {3, 7, 3, 0, 10}, TARGETS = {-1, -1, 2, 3, 9}, POSITIONS = {0, 1, 2, 3, 4};
    static final float EPS = 1e-5f, BETA = 0.5f, SHIFT = -4f;

    @ParameterizedTest(name = "checkpointed={0}")
    @ValueSource(booleans = {false, true})
    void everyWeightMatchesFiniteDifferences(boolean checkpointed) {
        int half = HEAD_DIM / 2;
        float[] cos = new float[MAX_POS * half], sin = new float[MAX_POS * half];
        for (int p = 0; p < MAX_POS; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * Math.pow(500000, -2.0 * i / HEAD_DIM);
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
        Tensor cosT = Tensor.of(cos, MAX_POS, half), sinT = Tensor.of(sin, MAX_POS, half);
        int kvDim = KV_HEADS * HEAD_DIM;
        Tensor[] weights = {
            Tensor.uniform(1, -1, 1, VOCAB, DIM),               // 0 embedding table
            Tensor.uniform(2, 0.5f, 1.5f, DIM),                 // 1 attention norm
            Tensor.uniform(3, -0.6f, 0.6f, DIM, DIM),           // 2 wq
            Tensor.uniform(4, -0.6f, 0.6f, kvDim, DIM),         // 3 wk
            Tensor.uniform(5, -0.6f, 0.6f, kvDim, DIM),         // 4 wv
            Tensor.uniform(6, -0.6f, 0.6f, DIM, DIM),           // 5 wo
            Tensor.uniform(7, 0.5f, 1.5f, DIM),                 // 6 MLP norm
            Tensor.uniform(8, -0.6f, 0.6f, HIDDEN, DIM),        // 7 gate
            Tensor.uniform(9, -0.6f, 0.6f, HIDDEN, DIM),        // 8 up
            Tensor.uniform(10, -0.6f, 0.6f, DIM, HIDDEN),       // 9 down
            Tensor.uniform(11, 0.5f, 1.5f, DIM),                // 10 final norm
            Tensor.uniform(12, -1, 1, VOCAB, DIM),              // 11 LM head
        };
        GradCheck.check(Case.allTrainable("tiny transformer, checkpointed=" + checkpointed, weights), w -> {
            java.util.function.Function<Var, Var> layer = h0 -> {
                Var n1 = NeuralOps.rmsNorm(h0, w[1], EPS);
                Var q = NeuralOps.rope(MatrixOps.linear(n1, w[2]), HEADS, HEAD_DIM, POSITIONS, cosT, sinT);
                Var k = NeuralOps.rope(MatrixOps.linear(n1, w[3]), KV_HEADS, HEAD_DIM, POSITIONS, cosT, sinT);
                Var v = MatrixOps.linear(n1, w[4]);
                Var h1 = add(h0, MatrixOps.linear(NeuralOps.attention(q, k, v, HEADS, KV_HEADS), w[5]));
                Var n2 = NeuralOps.rmsNorm(h1, w[6], EPS);
                Var mlp = NeuralOps.swiglu(MatrixOps.linear(n2, w[7]), MatrixOps.linear(n2, w[8]));
                return add(h1, MatrixOps.linear(mlp, w[9]));
            };
            Var h0 = NeuralOps.embedding(w[0], IDS);
            Var h2 = checkpointed ? Checkpoint.apply(layer, h0) : layer.apply(h0);
            Var logProbs = LossOps.logProbsOfTargets(NeuralOps.rmsNorm(h2, w[10], EPS), w[11], TARGETS, 2);
            return neg(logSigmoid(scale(addScalar(sum(logProbs), -SHIFT), BETA)));
        }, x -> {
            double[] h0 = Ref.embedding(x[0], DIM, IDS);
            double[] n1 = Ref.rmsNorm(h0, TOKENS, DIM, x[1], EPS);
            double[] q = Ref.rope(linear(n1, x[2], DIM), HEADS, HEAD_DIM, POSITIONS, GradCheck.toDouble(cos), GradCheck.toDouble(sin));
            double[] k = Ref.rope(linear(n1, x[3], kvDim), KV_HEADS, HEAD_DIM, POSITIONS, GradCheck.toDouble(cos), GradCheck.toDouble(sin));
            double[] v = linear(n1, x[4], kvDim);
            double[] h1 = plus(h0, linear(Ref.attention(q, k, v, TOKENS, TOKENS, HEADS, KV_HEADS, HEAD_DIM), x[5], DIM));
            double[] n2 = Ref.rmsNorm(h1, TOKENS, DIM, x[6], EPS);
            double[] h2 = plus(h1, linear(Ref.swiglu(linear(n2, x[7], HIDDEN), linear(n2, x[8], HIDDEN)), x[9], DIM));
            double[] logProbs = Ref.logProbsOfTargets(Ref.rmsNorm(h2, TOKENS, DIM, x[10], EPS), TOKENS, DIM, x[11], VOCAB, TARGETS);
            double total = 0;
            for (double lp : logProbs) total += lp;
            double z = BETA * (total - SHIFT);
            return new double[] {Math.log(1 + Math.exp(-z))};
        }, 99);
    }

    private static double[] linear(double[] x, double[] w, int out) {
        int in = w.length / out;
        return Ref.matmul(x, x.length / in, in, false, w, out, in, true);
    }

    private static double[] plus(double[] a, double[] b) {
        double[] out = a.clone();
        for (int i = 0; i < out.length; i++) out[i] += b[i];
        return out;
    }
}
