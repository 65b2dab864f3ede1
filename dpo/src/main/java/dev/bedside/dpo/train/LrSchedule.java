package dev.bedside.dpo.train;

/**
 * Learning-rate multipliers as transformers' schedulers define them (get_linear_schedule_with_warmup,
 * get_cosine_schedule_with_warmup with half a cycle, get_constant_schedule_with_warmup). Step s (0-based)
 * is the optimizer step about to be taken; lr(s) = base · factor(s). As in transformers, the first step of a
 * warm-up runs at factor 0.
 */
public record LrSchedule(Kind kind, int warmupSteps, int totalSteps) {

    public enum Kind { LINEAR, COSINE, CONSTANT }

    public LrSchedule {
        if (warmupSteps < 0 || totalSteps < 1) throw new IllegalArgumentException("schedule: warm-up " + warmupSteps + ", total " + totalSteps);
    }

    public double factor(int step) {
        if (step < warmupSteps) return (double) step / Math.max(1, warmupSteps);
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return switch (kind) {
            case LINEAR -> Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
            case COSINE -> Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 2.0 * 0.5 * progress)));
            case CONSTANT -> 1.0;
        };
    }

    /** transformers' warmup_ratio: ceil(ratio · total steps). */
    public static int warmupFromRatio(double ratio, int totalSteps) {
        return (int) Math.ceil(ratio * totalSteps);
    }

    public static Kind parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "linear" -> Kind.LINEAR;
            case "cosine" -> Kind.COSINE;
            case "constant", "constant_with_warmup" -> Kind.CONSTANT;
            default -> throw new IllegalArgumentException("unknown learning-rate schedule '" + name + "' (linear, cosine, constant)");
        };
    }
}
