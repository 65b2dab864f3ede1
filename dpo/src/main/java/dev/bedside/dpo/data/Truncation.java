package dev.bedside.dpo.data;

import java.util.Arrays;

/**
 * Length limits as TRL's DPOTrainer applies them. {@code maxPromptLength} (older TRL's option; null = none)
 * cuts the prompt first, keeping its last tokens. {@code maxLength} (null = none) then cuts each
 * prompt + completion sequence: {@link Mode#KEEP_START} keeps its first tokens (the completion's end is lost;
 * TRL's default), {@link Mode#KEEP_END} its last tokens (the prompt's start is lost).
 */
public record Truncation(Integer maxLength, Integer maxPromptLength, Mode mode) {

    public enum Mode { KEEP_START, KEEP_END }

    /** No limits. */
    public static final Truncation NONE = new Truncation(null, null, Mode.KEEP_START);

    public Truncation {
        if (maxLength != null && maxLength < 2) throw new IllegalArgumentException("max length " + maxLength + " must be at least 2");
        if (maxPromptLength != null && maxPromptLength < 1) throw new IllegalArgumentException("max prompt length " + maxPromptLength + " must be positive");
        if (mode == null) mode = Mode.KEEP_START;
    }

    /** The prompt after {@code maxPromptLength}. */
    public int[] prompt(int[] prompt) {
        if (maxPromptLength == null || prompt.length <= maxPromptLength) return prompt;
        return Arrays.copyOfRange(prompt, prompt.length - maxPromptLength, prompt.length);
    }

    /**
     * True when, with KEEP_START, the (already cut) prompt alone fills maxLength: no completion token would
     * be left. TRL drops such rows.
     */
    public boolean promptTooLong(int[] prompt) {
        return maxLength != null && mode == Mode.KEEP_START && prompt.length >= maxLength;
    }

    /** The sequence prompt + completion cut to maxLength. */
    public Sequence apply(int[] prompt, int[] completion) {
        if (maxLength == null || prompt.length + completion.length <= maxLength) return new Sequence(prompt, completion);
        if (mode == Mode.KEEP_START) {
            return new Sequence(prompt, Arrays.copyOf(completion, maxLength - prompt.length));
        }
        int dropped = prompt.length + completion.length - maxLength;
        if (dropped < prompt.length) return new Sequence(Arrays.copyOfRange(prompt, dropped, prompt.length), completion);
        // The whole prompt is gone: the first kept completion token becomes the context of the rest.
        int from = dropped - prompt.length;
        return new Sequence(Arrays.copyOfRange(completion, from, from + 1), Arrays.copyOfRange(completion, from + 1, completion.length));
    }
}
