package dev.bedside.dpo.data;

/**
 * How a plain-text prompt is turned into the model's prompt text.
 * <ul>
 *   <li>{@link #NONE}: the prompt string exactly as the file gives it (TRL's behaviour).</li>
 *   <li>{@link #PAPER}: the Empathy-by-Design setup: {@link #CLINICAL_SYSTEM_PROMPT}, a blank line, then
 *       {@code "Question: {q}\nAnswer:"}. A completion that does not start with whitespace gets one leading
 *       space, so that "Answer:" and the answer's first word stay separate tokens as they would in generation.</li>
 * </ul>
 */
public enum PromptTemplate {
    NONE, PAPER;

    /**
     * The paper's system instruction, restated in our own words (the paper's training script gives the original;
     * see ../shared/data/README.md): a careful, evidence-based clinical assistant for healthcare, geriatrics,
     * dementia and Alzheimer's disease, that opens with one short compassionate sentence acknowledging the
     * person's worry, then explains clearly, simply and kindly, without making up facts.
     */
    public static final String CLINICAL_SYSTEM_PROMPT = "You are a careful clinical assistant who relies on evidence, with expertise in"
            + " healthcare, care of older adults, dementia and Alzheimer's disease. Begin with one short, compassionate sentence"
            + " that recognises the person's concern, then explain clearly, simply and warmly. Never make up facts. Be courteous and kind.";

    /** The prompt text for question {@code q}. */
    public String prompt(String q) {
        return switch (this) {
            case NONE -> q;
            case PAPER -> CLINICAL_SYSTEM_PROMPT + "\n\nQuestion: " + q + "\nAnswer:";
        };
    }

    /** The completion text as joined after the prompt. */
    public String completion(String c) {
        return switch (this) {
            case NONE -> c;
            case PAPER -> c.isEmpty() || Character.isWhitespace(c.charAt(0)) ? c : " " + c;
        };
    }

    public static PromptTemplate parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "none", "plain" -> NONE;
            case "paper" -> PAPER;
            default -> throw new IllegalArgumentException("unknown prompt template '" + name + "' (none, paper)");
        };
    }
}
