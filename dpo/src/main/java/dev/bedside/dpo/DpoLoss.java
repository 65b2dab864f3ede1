package dev.bedside.dpo;

import dev.bedside.autograd.BasicOps;
import dev.bedside.autograd.Var;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DPO objective and its variants, with TRL's DPOTrainer semantics. For one pair, with pc, pr the policy and
 * rc, rr the reference log-probs of the chosen and rejected completions and Δ = (pc − rc) − (pr − rr):
 * <pre>
 *   SIGMOID  −(1 − ε)·log σ(βΔ) − ε·log σ(−βΔ)                    (ε = label smoothing: conservative DPO)
 *   IPO      ((pc − rc)/len_c − (pr − rr)/len_r − 1/(2β))²        (length-normalised inside the loss only)
 *   HINGE    relu(1 − βΔ)
 *   ROBUST   (−(1 − ε)·log σ(βΔ) + ε·log σ(−βΔ)) / (1 − 2ε)
 * </pre>
 * The batch loss is the mean over pairs. Rewards are β·(policy − reference) with summed log-probs.
 * <p>
 * RPO (TRL's {@code rpo_alpha}): with α &gt; 0 the batch loss gains α·NLL, the negative log-likelihood of the chosen
 * completions per token over the whole batch, −Σ pc / Σ len_c (TRL's cross-entropy over the chosen labels). It
 * keeps the policy writing the preferred answers fluently while the DPO term pushes the rejected ones down.
 */
public final class DpoLoss {
    public enum Type { SIGMOID, IPO, HINGE, ROBUST }

    /**
     * One preference pair: the policy's log-probs as Vars (gradients flow through them), the reference's as plain
     * numbers, and the completion lengths in tokens (used by IPO).
     */
    public record Pair(Var policyChosen, Var policyRejected, double referenceChosen, double referenceRejected,
                       int chosenLength, int rejectedLength) {
        public Pair {
            if (policyChosen.numel() != 1 || policyRejected.numel() != 1) throw new IllegalArgumentException("DpoLoss.Pair: policy log-probs must be one-element Vars");
            if (chosenLength <= 0 || rejectedLength <= 0) {
                throw new IllegalArgumentException("DpoLoss.Pair: completion lengths must be positive, got " + chosenLength + " and " + rejectedLength);
            }
        }
    }

    /** The loss to back-propagate (mean over pairs), each pair's loss, and TRL's metrics (means over pairs). */
    public record Result(Var loss, double[] pairLosses, Map<String, Double> metrics) {}

    private final Type type;
    private final double beta, labelSmoothing, rpoAlpha;

    public DpoLoss(Type type, double beta, double labelSmoothing) { this(type, beta, labelSmoothing, 0); }

    /**
     * @param beta           the inverse temperature β (TRL's default 0.1)
     * @param labelSmoothing ε in [0, 0.5), for SIGMOID (conservative DPO) and ROBUST; must be 0 for IPO and HINGE
     * @param rpoAlpha       α ≥ 0, the weight of the chosen completions' NLL (0: plain DPO)
     */
    public DpoLoss(Type type, double beta, double labelSmoothing, double rpoAlpha) {
        if (!(beta > 0) || Double.isInfinite(beta)) throw new IllegalArgumentException("DpoLoss: beta must be positive and finite, got " + beta);
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new IllegalArgumentException("DpoLoss: label smoothing must lie in [0, 0.5), got " + labelSmoothing);
        }
        if (labelSmoothing != 0 && (type == Type.IPO || type == Type.HINGE)) {
            throw new IllegalArgumentException("DpoLoss: label smoothing applies to SIGMOID and ROBUST only, not " + type);
        }
        if (!(rpoAlpha >= 0) || Double.isInfinite(rpoAlpha)) throw new IllegalArgumentException("DpoLoss: rpo alpha must be non-negative and finite, got " + rpoAlpha);
        this.type = type;
        this.beta = beta;
        this.labelSmoothing = labelSmoothing;
        this.rpoAlpha = rpoAlpha;
    }

    public Type type() { return type; }

    public double beta() { return beta; }

    public double labelSmoothing() { return labelSmoothing; }

    public double rpoAlpha() { return rpoAlpha; }

    public Result compute(List<Pair> pairs) {
        if (pairs.isEmpty()) throw new IllegalArgumentException("DpoLoss: no pairs");
        Var total = null;
        double[] pairLosses = new double[pairs.size()];
        double rewardChosen = 0, rewardRejected = 0, accuracy = 0, logpChosen = 0, logpRejected = 0;
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            Var loss = pairLoss(p);
            pairLosses[i] = loss.item();
            total = total == null ? loss : BasicOps.add(total, loss);

            double chosen = beta * (p.policyChosen().item() - p.referenceChosen());
            double rejected = beta * (p.policyRejected().item() - p.referenceRejected());
            rewardChosen += chosen;
            rewardRejected += rejected;
            accuracy += chosen > rejected ? 1 : 0;
            logpChosen += p.policyChosen().item();
            logpRejected += p.policyRejected().item();
        }
        int n = pairs.size();
        Var batchLoss = BasicOps.scale(total, 1f / n);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("rewards/chosen", rewardChosen / n);
        metrics.put("rewards/rejected", rewardRejected / n);
        metrics.put("rewards/margins", (rewardChosen - rewardRejected) / n);
        metrics.put("rewards/accuracies", accuracy / n);
        metrics.put("logps/chosen", logpChosen / n);
        metrics.put("logps/rejected", logpRejected / n);
        if (rpoAlpha > 0) {   // TRL adds α·NLL to every pair's loss, so to their mean too
            Var nll = chosenNll(pairs);
            for (int i = 0; i < n; i++) pairLosses[i] += rpoAlpha * nll.item();
            batchLoss = BasicOps.add(batchLoss, BasicOps.scale(nll, (float) rpoAlpha));
            metrics.put("nll_loss", (double) nll.item());
        }
        return new Result(batchLoss, pairLosses, Collections.unmodifiableMap(metrics));
    }

    /** −Σ pc / Σ len_c: the chosen completions' mean negative log-likelihood per token, a one-element Var. */
    static Var chosenNll(List<Pair> pairs) {
        Var sum = null;
        long tokens = 0;
        for (Pair p : pairs) {
            sum = sum == null ? p.policyChosen() : BasicOps.add(sum, p.policyChosen());
            tokens += p.chosenLength();
        }
        return BasicOps.scale(sum, -1f / tokens);
    }

    /** The loss of one pair, a one-element Var. */
    Var pairLoss(Pair p) {
        Var chosenRatio = BasicOps.addScalar(p.policyChosen(), (float) -p.referenceChosen());      // pc − rc
        Var rejectedRatio = BasicOps.addScalar(p.policyRejected(), (float) -p.referenceRejected()); // pr − rr
        if (type == Type.IPO) {
            Var normalised = BasicOps.sub(BasicOps.scale(chosenRatio, 1f / p.chosenLength()), BasicOps.scale(rejectedRatio, 1f / p.rejectedLength()));
            return BasicOps.square(BasicOps.addScalar(normalised, (float) (-1 / (2 * beta))));
        }
        Var z = BasicOps.scale(BasicOps.sub(chosenRatio, rejectedRatio), (float) beta);            // βΔ
        float e = (float) labelSmoothing;
        return switch (type) {
            case SIGMOID -> BasicOps.add(BasicOps.scale(BasicOps.logSigmoid(z), -(1 - e)), BasicOps.scale(BasicOps.logSigmoid(BasicOps.neg(z)), -e));
            case ROBUST -> BasicOps.scale(BasicOps.add(BasicOps.scale(BasicOps.logSigmoid(z), -(1 - e)),
                    BasicOps.scale(BasicOps.logSigmoid(BasicOps.neg(z)), e)), 1 / (1 - 2 * e));
            case HINGE -> BasicOps.relu(BasicOps.addScalar(BasicOps.neg(z), 1f));
            case IPO -> throw new AssertionError();
        };
    }

    public Result compute(Pair... pairs) { return compute(List.of(pairs)); }
}
