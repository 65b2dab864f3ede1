package dev.bedside.eval.readability;

/**
 * Counts and scores of one text. A score is NaN where the formula is undefined (the exact formulas with a count
 * of 0); the textstat port always gives a number.
 *
 * @param sentences          sentences counted
 * @param words              words counted
 * @param syllables          syllables counted
 * @param fleschReadingEase  Flesch reading ease (higher is easier; 60–70 is plain English)
 * @param fleschKincaidGrade Flesch–Kincaid grade level (US school years)
 */
public record ReadabilityScores(int sentences, int words, int syllables, double fleschReadingEase,
                                double fleschKincaidGrade) {

    /**
     * One JSON object with the fields {@code sentences}, {@code words}, {@code syllables},
     * {@code flesch_reading_ease}, {@code flesch_kincaid_grade}; numbers as JavaScript writes them
     * ({@link JsNumbers#toJson}), NaN as {@code null}.
     */
    public String toJson() {
        return "{\"sentences\":" + sentences + ",\"words\":" + words + ",\"syllables\":" + syllables
            + ",\"flesch_reading_ease\":" + JsNumbers.toJson(fleschReadingEase)
            + ",\"flesch_kincaid_grade\":" + JsNumbers.toJson(fleschKincaidGrade) + "}";
    }
}
