package dev.bedside.dpo.data;

/**
 * One training sequence: prompt ids (BOS or chat header included) followed by completion ids (EOS included).
 * Only completion tokens are scored; the model reads prompt + completion.
 */
public record Sequence(int[] prompt, int[] completion) {
    public Sequence {
        if (completion.length == 0) throw new IllegalArgumentException("Sequence: empty completion");
        if (prompt.length == 0) throw new IllegalArgumentException("Sequence: empty prompt (the first completion token needs a context)");
    }

    public int length() { return prompt.length + completion.length; }

    /** prompt followed by completion. */
    public int[] ids() {
        int[] ids = java.util.Arrays.copyOf(prompt, length());
        System.arraycopy(completion, 0, ids, prompt.length, completion.length);
        return ids;
    }
}
