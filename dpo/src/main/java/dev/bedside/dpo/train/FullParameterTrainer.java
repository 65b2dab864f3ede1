package dev.bedside.dpo.train;

import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.BasicOps;
import dev.bedside.autograd.Var;
import dev.bedside.dpo.SequenceLogProbs;
import dev.bedside.dpo.data.Sequence;
import dev.bedside.model.LlamaModel;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Supervised training of every weight of a model made with {@link LlamaModel#trainable} (e.g. from random
 * initialisation): cross-entropy on completion tokens, averaged over the completion tokens of each optimizer step,
 * AdamW, linear warm-up then cosine decay, global-norm clipping. Epoch e visits the examples in a shuffle seeded by
 * (seed, e), so a run is reproducible. No checkpoints: the runs this is meant for (a tiny demo model) take minutes.
 */
public final class FullParameterTrainer {

    /**
     * @param epochs       passes over the examples
     * @param batchSize    examples per optimizer step
     * @param learningRate peak learning rate
     * @param warmupSteps  steps of linear warm-up
     * @param weightDecay  AdamW's decoupled weight decay (applied to every parameter)
     * @param maxGradNorm  global-norm clipping (0: none)
     * @param seed         data order
     */
    public record Settings(int epochs, int batchSize, double learningRate, int warmupSteps, double weightDecay, double maxGradNorm, long seed) {
        public Settings {
            if (epochs < 1 || batchSize < 1) throw new IllegalArgumentException("full-parameter training: epochs " + epochs + " and batch size " + batchSize + " must be positive");
            if (!(learningRate > 0)) throw new IllegalArgumentException("full-parameter training: learning rate " + learningRate + " must be positive");
        }
    }

    private final LlamaModel model;
    private final List<Sequence> examples;
    private final Settings settings;
    private final Map<String, Var> params;
    private final AdamW optimizer;

    public FullParameterTrainer(LlamaModel model, List<Sequence> examples, Settings settings) {
        if (model.parameters().isEmpty()) throw new IllegalArgumentException("full-parameter training needs a model made with LlamaModel.trainable");
        if (examples.isEmpty()) throw new IllegalArgumentException("full-parameter training: no examples");
        this.model = model;
        this.examples = List.copyOf(examples);
        this.settings = settings;
        this.params = model.parameters();
        this.optimizer = new AdamW(params, AdamW.BETA1, AdamW.BETA2, AdamW.EPS, settings.weightDecay());
    }

    public int stepsPerEpoch() { return (examples.size() + settings.batchSize() - 1) / settings.batchSize(); }

    public int totalSteps() { return settings.epochs() * stepsPerEpoch(); }

    /** Trains; returns the mean loss (nats per completion token) of each epoch. */
    public List<Double> train(PrintStream progressOut) {
        int total = totalSteps();
        LrSchedule schedule = new LrSchedule(LrSchedule.Kind.COSINE, settings.warmupSteps(), total);
        Progress progress = new Progress(progressOut, "train", 0, total);
        List<Double> epochLosses = new ArrayList<>();
        int step = 0;
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            int[] order = Trainer.shuffled(examples.size(), settings.seed() * 1_000_003L + epoch);
            double lossSum = 0;
            for (int from = 0; from < order.length; from += settings.batchSize()) {
                long start = System.nanoTime();
                int[] batch = Arrays.copyOfRange(order, from, Math.min(order.length, from + settings.batchSize()));
                double lr = settings.learningRate() * schedule.factor(step);
                double[] lossAndTokens = oneStep(batch, lr, step);
                lossSum += lossAndTokens[0];
                step++;
                progress.update(step, lossAndTokens[0], null, lr, lossAndTokens[1] / ((System.nanoTime() - start) / 1e9));
            }
            epochLosses.add(lossSum / stepsPerEpoch());
        }
        return epochLosses;
    }

    /** Forward and backward of each example (one graph at a time), then one AdamW update; returns {loss, tokens}. */
    private double[] oneStep(int[] batch, double lr, int step) {
        long completionTokens = 0, tokens = 0;
        for (int i : batch) completionTokens += examples.get(i).completion().length;
        params.values().forEach(Var::zeroGrad);
        double loss = 0;
        for (int i : batch) {
            Sequence s = examples.get(i);
            try {
                Var share = BasicOps.scale(SequenceLogProbs.of(model, s.prompt(), s.completion()), (float) (-1.0 / completionTokens));
                loss += share.item();
                share.backward();
            } finally {
                Autograd.tape().clear();
            }
            tokens += s.length();
        }
        if (!Double.isFinite(loss)) throw new TrainingDivergedException("full-parameter step " + (step + 1) + ": the loss is " + loss + " (try a lower learning rate)");
        double norm = GradientClipping.globalNorm(params.values());
        if (settings.maxGradNorm() > 0) GradientClipping.clip(params.values(), norm, settings.maxGradNorm());
        optimizer.step(lr);
        return new double[] {loss, tokens};
    }
}
