package dev.bedside.dpo.train;

import dev.bedside.autograd.BasicOps;
import dev.bedside.autograd.Var;
import dev.bedside.dpo.DpoLoss;
import dev.bedside.dpo.RewardEvaluation;
import dev.bedside.dpo.SequenceLogProbs;
import dev.bedside.dpo.data.PreferencePair;
import dev.bedside.lora.LoraAdapter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DPO on LoRA adapters, as TRL's DPOTrainer with a PEFT model: the reference model is the same model with the
 * adapters switched off, evaluated without recording a graph, either at every step or once for all pairs before
 * training ({@code precomputeRefLogProbs}). Metrics carry TRL's names (rewards/…, logps/…), averaged over the
 * pairs of each optimizer step.
 */
public class DpoTrainer extends Trainer {
    private final List<PreferencePair> pairs;
    private final DpoLoss loss;
    private double[] refChosen, refRejected;
    private List<PreferencePair> evalPairs = List.of();

    public DpoTrainer(LoraAdapter adapter, List<PreferencePair> pairs, TrainConfig config, Path outDir) {
        super(adapter, config, outDir);
        if (pairs.isEmpty()) throw new IllegalArgumentException("DpoTrainer: no preference pairs");
        this.pairs = List.copyOf(pairs);
        this.loss = config.loss();
    }

    /** Held-out pairs whose reward accuracy and margin are logged before training and at the end (TRL's eval/… names). */
    public DpoTrainer evaluateOn(List<PreferencePair> heldOut) {
        this.evalPairs = List.copyOf(heldOut);
        return this;
    }

    @Override
    protected Map<String, Double> evaluate() {
        return evalPairs.isEmpty() ? Map.of() : RewardEvaluation.evaluate(adapter, evalPairs, loss);
    }

    @Override
    protected int size() { return pairs.size(); }

    @Override
    protected String kind() { return "dpo"; }

    @Override
    protected void beforeTraining() {
        if (!config.precomputeRefLogProbs()) return;
        refChosen = new double[pairs.size()];
        refRejected = new double[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            PreferencePair p = pairs.get(i);
            refChosen[i] = SequenceLogProbs.reference(adapter, p.chosen().prompt(), p.chosen().completion());
            refRejected[i] = SequenceLogProbs.reference(adapter, p.rejected().prompt(), p.rejected().completion());
        }
    }

    @Override
    protected MicroBatch run(int[] micro, int[] step) {
        List<DpoLoss.Pair> batch = new ArrayList<>();
        long tokens = 0;
        for (int i : micro) {
            PreferencePair p = pairs.get(i);
            double rc = refChosen != null ? refChosen[i] : SequenceLogProbs.reference(adapter, p.chosen().prompt(), p.chosen().completion());
            double rr = refRejected != null ? refRejected[i] : SequenceLogProbs.reference(adapter, p.rejected().prompt(), p.rejected().completion());
            Var pc = SequenceLogProbs.of(model, p.chosen().prompt(), p.chosen().completion());
            Var pr = SequenceLogProbs.of(model, p.rejected().prompt(), p.rejected().completion());
            batch.add(new DpoLoss.Pair(pc, pr, rc, rr, p.chosen().completion().length, p.rejected().completion().length));
            tokens += p.chosen().length() + p.rejected().length();
        }
        DpoLoss.Result result = loss.compute(batch);
        double share = (double) micro.length / step.length;
        double value = result.loss().item();
        if (Double.isFinite(value)) BasicOps.scale(result.loss(), (float) share).backward();
        Map<String, Double> metrics = new LinkedHashMap<>();
        result.metrics().forEach((k, v) -> metrics.put(k, v * share));
        return new MicroBatch(value * share, metrics, tokens);
    }
}
