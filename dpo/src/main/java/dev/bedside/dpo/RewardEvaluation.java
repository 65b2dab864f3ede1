package dev.bedside.dpo;

import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.Var;
import dev.bedside.dpo.data.PreferencePair;
import dev.bedside.lora.LoraAdapter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well an adapter's implicit reward separates preference pairs it was not trained on, as TRL's evaluation
 * loop reports it: for each pair the policy (adapter on, dropout off) and the reference (adapter off) log-probs of
 * both completions, then {@link DpoLoss}'s rewards β·(policy − reference), accuracy (chosen reward strictly above
 * rejected) and loss, averaged over the pairs. Nothing is recorded for gradients. Note that a fresh adapter (B = 0)
 * gives equal rewards, hence accuracy 0 and margin 0, exactly as TRL reports before training.
 */
public final class RewardEvaluation {
    private RewardEvaluation() {}

    /** TRL's metric names with the eval/ prefix (eval/loss, eval/rewards/accuracies, eval/rewards/margins, …). */
    public static Map<String, Double> evaluate(LoraAdapter adapter, List<PreferencePair> pairs, DpoLoss loss) {
        if (pairs.isEmpty()) throw new IllegalArgumentException("RewardEvaluation: no preference pairs to evaluate");
        boolean wasEnabled = adapter.isEnabled(), wasTraining = adapter.isTraining();
        List<DpoLoss.Pair> scored = new ArrayList<>(pairs.size());
        adapter.setTraining(false);
        try (var scope = Autograd.noGrad()) {
            for (PreferencePair p : pairs) {
                adapter.setEnabled(false);
                double rc = SequenceLogProbs.of(adapter.model(), p.chosen().prompt(), p.chosen().completion()).item();
                double rr = SequenceLogProbs.of(adapter.model(), p.rejected().prompt(), p.rejected().completion()).item();
                adapter.setEnabled(true);
                Var pc = SequenceLogProbs.of(adapter.model(), p.chosen().prompt(), p.chosen().completion());
                Var pr = SequenceLogProbs.of(adapter.model(), p.rejected().prompt(), p.rejected().completion());
                scored.add(new DpoLoss.Pair(pc, pr, rc, rr, p.chosen().completion().length, p.rejected().completion().length));
            }
            DpoLoss.Result result = loss.compute(scored);
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("eval/loss", java.util.Arrays.stream(result.pairLosses()).average().orElseThrow());
            result.metrics().forEach((name, value) -> metrics.put("eval/" + name, value));
            return metrics;
        } finally {
            adapter.setEnabled(wasEnabled);
            adapter.setTraining(wasTraining);
        }
    }
}
