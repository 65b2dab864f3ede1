package dev.bedside.dpo.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.Var;
import dev.bedside.dpo.SequenceLogProbs;
import dev.bedside.dpo.data.Sequence;
import dev.bedside.model.HuggingFaceFolder;
import dev.bedside.model.LlamaConfig;
import dev.bedside.model.LlamaLayout;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.RandomWeights;
import dev.bedside.tensor.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Full-parameter mode: the same forward as the frozen model, gradients on every weight (checked by finite differences), learning, saving. */
class FullParameterTrainerTest {

    private static LlamaConfig tiny(boolean tied) {
        return new LlamaConfig(List.of(LlamaConfig.ARCHITECTURE), 24, 40, 2, 3, 1, 8, 10000.0, null, 1e-5, tied, 37, 64, 0, List.of(1), "float32");
    }

    private static Sequence randomSequence(SplittableRandom r, int promptLength, int completionLength) {
        int[] p = new int[promptLength], c = new int[completionLength];
        for (int i = 0; i < p.length; i++) p[i] = r.nextInt(37);
        for (int i = 0; i < c.length; i++) c[i] = r.nextInt(37);
        return new Sequence(p, c);
    }

    @Test
    void trainableModelComputesWhatTheFrozenModelComputes() throws Exception {
        for (boolean tied : new boolean[] {true, false}) {
            LlamaConfig config = tiny(tied);
            RandomWeights weights = new RandomWeights(config, 3);
            try (LlamaModel frozen = weights.model(64)) {   // closing the model frees the weights
                LlamaModel trainable = LlamaModel.trainable(config, weights.weights(), 64);
                assertEquals(LlamaLayout.expectedShapes(config).keySet(), trainable.parameters().keySet());
                assertTrue(frozen.parameters().isEmpty());
                Sequence s = randomSequence(new SplittableRandom(5), 4, 9);
                try (var scope = Autograd.noGrad()) {
                    assertArrayEquals(SequenceLogProbs.perToken(frozen, s.prompt(), s.completion()).value().toFloatArray(),
                            SequenceLogProbs.perToken(trainable, s.prompt(), s.completion()).value().toFloatArray(), 1e-5f);
                }
            }
        }
    }

    /** d log p / d w against central differences, for an element of every kind of weight (the tied embedding included). */
    @Test
    void everyWeightGetsItsGradient() {
        LlamaConfig config = tiny(true);
        try (RandomWeights weights = new RandomWeights(config, 11)) {
            LlamaModel model = LlamaModel.trainable(config, weights.weights(), 64);
            Sequence s = randomSequence(new SplittableRandom(9), 3, 7);
            Var logp = SequenceLogProbs.of(model, s.prompt(), s.completion());
            logp.backward();
            SplittableRandom pick = new SplittableRandom(1);
            for (var entry : model.parameters().entrySet()) {
                Var p = entry.getValue();
                assertNotNull(p.grad(), entry.getKey() + " got no gradient");
                float[] w = p.value().data();
                float[] g = p.grad().toFloatArray();
                int i = largest(g, pick);
                float saved = w[i];
                double h = 1e-2;
                w[i] = (float) (saved + h);
                double plus = logProb(model, s);
                w[i] = (float) (saved - h);
                double minus = logProb(model, s);
                w[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                assertEquals(numeric, g[i], 0.03 * Math.abs(numeric) + 2e-3, entry.getKey() + "[" + i + "]");
            }
        }
    }

    /** An index among the larger gradients (a tiny one would drown in float rounding). */
    private static int largest(float[] g, SplittableRandom pick) {
        int best = 0;
        for (int k = 0; k < 8; k++) {
            int i = pick.nextInt(g.length);
            if (Math.abs(g[i]) > Math.abs(g[best])) best = i;
        }
        for (int i = 0; i < g.length; i++) if (Math.abs(g[best]) < 1e-3 && Math.abs(g[i]) > Math.abs(g[best])) best = i;
        return best;
    }

    private static double logProb(LlamaModel model, Sequence s) {
        try (var scope = Autograd.noGrad()) {
            return SequenceLogProbs.of(model, s.prompt(), s.completion()).item();
        }
    }

    @Test
    void learnsAFixedSetOfSequencesAndSavesThem(@TempDir Path dir) throws Exception {
        LlamaConfig config = tiny(true);
        SplittableRandom r = new SplittableRandom(4);
        List<Sequence> examples = new ArrayList<>();
        for (int i = 0; i < 6; i++) examples.add(randomSequence(r, 3, 10));
        try (RandomWeights weights = new RandomWeights(config, 2)) {
            LlamaModel model = LlamaModel.trainable(config, weights.weights(), 64);
            var trainer = new FullParameterTrainer(model, examples, new FullParameterTrainer.Settings(40, 3, 1e-2, 2, 0.0, 1.0, 7));
            List<Double> losses = trainer.train(null);
            assertEquals(40, losses.size());
            assertTrue(losses.getFirst() > Math.log(37) - 0.5, "starts near uniform: " + losses.getFirst());
            assertTrue(losses.getLast() < 0.3 * losses.getFirst(), "memorises the sequences: " + losses);

            HuggingFaceFolder.save(dir, config, model.parameters(), DType.F32, Map.of("format", "pt"));
            try (LlamaModel loaded = LlamaModel.load(dir, 64); var scope = Autograd.noGrad()) {
                for (Sequence s : examples) {
                    assertArrayEquals(SequenceLogProbs.perToken(model, s.prompt(), s.completion()).value().toFloatArray(),
                            SequenceLogProbs.perToken(loaded, s.prompt(), s.completion()).value().toFloatArray(), 0f);
                }
            }
        }
    }

    @Test
    void refusesAFrozenModel() throws Exception {
        LlamaConfig config = tiny(true);
        try (LlamaModel frozen = new RandomWeights(config, 3).model(64)) {
            var e = assertThrows(IllegalArgumentException.class, () -> new FullParameterTrainer(frozen,
                    List.of(randomSequence(new SplittableRandom(1), 2, 2)), new FullParameterTrainer.Settings(1, 1, 1e-3, 0, 0, 1, 1)));
            assertTrue(e.getMessage().contains("LlamaModel.trainable"), e.getMessage());
        }
    }
}
