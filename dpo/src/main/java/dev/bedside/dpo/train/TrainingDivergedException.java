package dev.bedside.dpo.train;

/** A NaN or infinite loss, gradient or parameter: training stopped; the last good checkpoint is kept. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) { super(message); }
}
