package dev.bedside.autograd;

import dev.bedside.tensor.Tensor;

/**
 * Per-thread autograd state: the current {@link Tape} and whether ops record at all, plus
 * {@link #record}, the one place where an op's result joins the graph.
 */
public final class Autograd {
    private static final ThreadLocal<Tape> TAPE = ThreadLocal.withInitial(Tape::new);
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> true);

    private Autograd() {}

    /** The current thread's tape. */
    public static Tape tape() { return TAPE.get(); }

    /** True unless inside {@link #noGrad()}. */
    public static boolean isGradEnabled() { return ENABLED.get(); }

    /** A scope in which ops record nothing: {@code try (var scope = Autograd.noGrad()) { ... }}. */
    public static Scope noGrad() { return new Scope(TAPE.get(), false); }

    /** A scope that records onto {@code tape} with gradients on (used to recompute checkpointed blocks). */
    static Scope recordingOn(Tape tape) { return new Scope(tape, true); }

    /**
     * The result of an op. When gradients are on and some input requires one, the result requires one too
     * and {@code backward} is recorded on the tape; otherwise the result is a constant and nothing is kept.
     * Public so other modules (quantised or LoRA layers) can define ops of their own.
     */
    public static Var record(String op, Tensor value, Backward backward, Var... inputs) {
        if (!isGradEnabled()) return new Var(value, false, op);
        boolean anyInputNeedsGrad = false;
        for (Var input : inputs) anyInputNeedsGrad |= input.requiresGrad();
        return anyInputNeedsGrad ? recordAlways(op, value, backward) : new Var(value, false, op);
    }

    /** Records even without trainable inputs (a checkpointed block may hold trainable weights inside). */
    static Var recordAlways(String op, Tensor value, Backward backward) {
        Var out = new Var(value, true, op);
        out.backward = backward;
        tape().record(out);
        return out;
    }

    /** Restores the previous tape and recording flag when closed. */
    public static final class Scope implements AutoCloseable {
        private final Tape previousTape;
        private final boolean previousEnabled;

        private Scope(Tape tape, boolean enabled) {
            previousTape = TAPE.get();
            previousEnabled = ENABLED.get();
            TAPE.set(tape);
            ENABLED.set(enabled);
        }

        @Override
        public void close() {
            TAPE.set(previousTape);
            ENABLED.set(previousEnabled);
        }
    }
}
