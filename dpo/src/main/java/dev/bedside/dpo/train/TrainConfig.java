package dev.bedside.dpo.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.dpo.DpoLoss;
import dev.bedside.dpo.data.PromptTemplate;
import dev.bedside.dpo.data.Truncation;
import dev.bedside.lora.LoraConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Every setting of a DPO or SFT run, as a plain record that Jackson reads from JSON (snake_case names as
 * TRL's DPOConfig uses them; a missing or null field takes its default). The defaults are the paper's where
 * the paper (its training script, see ../shared/data/README.md) gives one, otherwise TRL's / transformers':
 * <ul>
 *   <li>from the paper: β 0.1, LoRA r 32, alpha 64, dropout 0.05 on q,k,v,o_proj, batch size 2,
 *       gradient accumulation 16, max length 2048, 5 epochs, learning rate 2e-4 (its script; its README says
 *       5e-6; TRL's default would be 1e-6), 4-bit NF4 weights (chosen on the command line, not here);</li>
 *   <li>not given by the paper, TRL / transformers defaults: sigmoid loss, label smoothing 0, AdamW
 *       (β1 0.9, β2 0.999, ε 1e-8), weight decay 0, linear schedule without warm-up, max_grad_norm 1.0,
 *       truncation keep_start, no max prompt length (current TRL has none), gradient checkpointing on,
 *       seed 42, save every 500 steps, log every step (TRL logs every 10), rpo_alpha off (0; TRL's None).</li>
 * </ul>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record TrainConfig(
        String lossType, Double beta, Double labelSmoothing,
        Integer loraR, Double loraAlpha, Double loraDropout, List<String> loraTargetModules,
        String optimizer, Double learningRate, Double weightDecay, String lrSchedulerType, Integer warmupSteps, Double warmupRatio,
        Double maxGradNorm, Integer numTrainEpochs, Integer maxSteps, Integer batchSize, Integer gradientAccumulationSteps,
        Integer maxLength, Integer maxPromptLength, String truncationMode, String promptTemplate,
        Boolean gradientCheckpointing, Long seed, Integer saveSteps, Boolean precomputeRefLogProbs, Boolean strict, Double rpoAlpha) {

    public static final double PAPER_BETA = 0.1;
    public static final int PAPER_BATCH_SIZE = 2, PAPER_GRADIENT_ACCUMULATION = 16, PAPER_MAX_LENGTH = 2048, PAPER_EPOCHS = 5;
    public static final double PAPER_LEARNING_RATE = 2e-4;
    public static final double TRL_MAX_GRAD_NORM = 1.0;
    public static final long TRANSFORMERS_SEED = 42;
    public static final int TRANSFORMERS_SAVE_STEPS = 500;

    public TrainConfig {
        lossType = lossType == null ? "sigmoid" : lossType.toLowerCase(Locale.ROOT);
        beta = beta == null ? PAPER_BETA : beta;
        labelSmoothing = labelSmoothing == null ? 0.0 : labelSmoothing;
        loraR = loraR == null ? LoraConfig.PAPER.r() : loraR;
        loraAlpha = loraAlpha == null ? LoraConfig.PAPER.alpha() : loraAlpha;
        loraDropout = loraDropout == null ? LoraConfig.PAPER.dropout() : loraDropout;
        loraTargetModules = loraTargetModules == null ? LoraConfig.PAPER.targetModules() : List.copyOf(loraTargetModules);
        optimizer = optimizer == null ? "adamw" : optimizer.toLowerCase(Locale.ROOT);
        learningRate = learningRate == null ? PAPER_LEARNING_RATE : learningRate;
        weightDecay = weightDecay == null ? 0.0 : weightDecay;
        lrSchedulerType = lrSchedulerType == null ? "linear" : lrSchedulerType;
        warmupSteps = warmupSteps == null ? 0 : warmupSteps;
        warmupRatio = warmupRatio == null ? 0.0 : warmupRatio;
        maxGradNorm = maxGradNorm == null ? TRL_MAX_GRAD_NORM : maxGradNorm;
        numTrainEpochs = numTrainEpochs == null ? PAPER_EPOCHS : numTrainEpochs;
        maxSteps = maxSteps == null ? -1 : maxSteps;
        batchSize = batchSize == null ? PAPER_BATCH_SIZE : batchSize;
        gradientAccumulationSteps = gradientAccumulationSteps == null ? PAPER_GRADIENT_ACCUMULATION : gradientAccumulationSteps;
        maxLength = maxLength == null ? PAPER_MAX_LENGTH : maxLength;
        truncationMode = truncationMode == null ? "keep_start" : truncationMode;
        promptTemplate = promptTemplate == null ? "none" : promptTemplate;
        gradientCheckpointing = gradientCheckpointing == null ? Boolean.TRUE : gradientCheckpointing;
        seed = seed == null ? TRANSFORMERS_SEED : seed;
        saveSteps = saveSteps == null ? TRANSFORMERS_SAVE_STEPS : saveSteps;
        precomputeRefLogProbs = precomputeRefLogProbs == null ? Boolean.FALSE : precomputeRefLogProbs;
        strict = strict == null ? Boolean.FALSE : strict;
        rpoAlpha = rpoAlpha == null ? 0.0 : rpoAlpha;
        check(beta > 0 && Double.isFinite(beta), "beta must be positive, got " + beta);
        check(rpoAlpha >= 0 && Double.isFinite(rpoAlpha), "rpo alpha must be non-negative, got " + rpoAlpha);
        check(learningRate >= 0 && Double.isFinite(learningRate), "learning rate must be non-negative, got " + learningRate);
        check(batchSize > 0, "batch size must be positive, got " + batchSize);
        check(gradientAccumulationSteps > 0, "gradient accumulation steps must be positive, got " + gradientAccumulationSteps);
        check(maxSteps > 0 || numTrainEpochs > 0, "give a positive number of epochs or steps");
        check(saveSteps > 0, "save steps must be positive, got " + saveSteps);
        check(maxGradNorm >= 0, "max grad norm must be non-negative (0 = no clipping), got " + maxGradNorm);
        check(warmupSteps >= 0 && warmupRatio >= 0 && warmupRatio <= 1, "warm-up must be non-negative (ratio at most 1)");
        lossKind(lossType);                                   // the names must parse
        truncationMode(truncationMode);
        PromptTemplate.parse(promptTemplate);
        LrSchedule.parse(lrSchedulerType);
        Optimizer.create(optimizer, java.util.Map.of(), 0);
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("training config: " + message);
    }

    /** All defaults. */
    public static TrainConfig defaults() {
        return new TrainConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null);
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

    public static ObjectMapper json() { return JSON; }

    public static TrainConfig load(Path file) throws IOException {
        return JSON.readValue(file.toFile(), TrainConfig.class);
    }

    public DpoLoss.Type lossKind() { return lossKind(lossType); }

    private static DpoLoss.Type lossKind(String lossType) {
        return switch (lossType) {
            case "sigmoid" -> DpoLoss.Type.SIGMOID;
            case "ipo" -> DpoLoss.Type.IPO;
            case "hinge" -> DpoLoss.Type.HINGE;
            case "robust" -> DpoLoss.Type.ROBUST;
            default -> throw new IllegalArgumentException("training config: unknown loss '" + lossType + "' (sigmoid, ipo, hinge, robust)");
        };
    }

    public DpoLoss loss() { return new DpoLoss(lossKind(), beta, labelSmoothing, rpoAlpha); }

    public LoraConfig lora() { return new LoraConfig(loraR, loraAlpha, loraDropout, loraTargetModules, false, null); }

    /** maxLength 0 or less: no limit. */
    public Truncation truncation() {
        return new Truncation(maxLength <= 0 ? null : maxLength, maxPromptLength, truncationMode(truncationMode));
    }

    private static Truncation.Mode truncationMode(String name) {
        return switch (name) {
            case "keep_start" -> Truncation.Mode.KEEP_START;
            case "keep_end" -> Truncation.Mode.KEEP_END;
            default -> throw new IllegalArgumentException("training config: truncation mode '" + name + "' (keep_start, keep_end)");
        };
    }

    public PromptTemplate promptTemplateKind() { return PromptTemplate.parse(promptTemplate); }

    public LrSchedule.Kind lrScheduleKind() { return LrSchedule.parse(lrSchedulerType); }
}
