package dev.bedside.eval.judge;

import java.util.List;

/**
 * The two prompts of G-Eval, in Bedside's own wording but with the structure deepeval uses (the paper's tool):
 * first the judge turns a criterion into a few evaluation steps (its chain of thought, written once per metric),
 * then, for every sample, it follows those steps and answers a JSON object with a 0–10 {@code score} and a
 * {@code reason}.
 */
final class GEvalPrompts {
    private GEvalPrompts() {}

    /** Asks for 3–4 evaluation steps for {@code criteria}, as JSON {@code {"steps": [...]}}. */
    static String evaluationSteps(String criteria, List<GEvalMetric.Field> fields) {
        String judged = fieldList(fields);
        return """
            You are designing how to grade a chatbot's answers. Below is a criterion describing what to judge in \
            the %s. Write 3 to 4 short evaluation steps that a grader can follow to apply this criterion. The \
            steps must say how the %s relate to each other when grading.

            Criterion:
            %s

            Reply with JSON only: an object with one key, "steps", whose value is a list of strings. No other text.

            JSON:
            """.formatted(judged, judged, criteria.strip());
    }

    /** Asks for a 0–10 score of one sample, following {@code steps}, as JSON {@code {"score": n, "reason": "..."}}. */
    static String scoring(List<String> steps, String sampleText) {
        StringBuilder numbered = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) numbered.append(i + 1).append(". ").append(steps.get(i).strip()).append('\n');
        return """
            Grade the answer below by following the evaluation steps. Reply with a JSON object with two keys: \
            "score", an integer from 0 to 10 (10: the criterion is fully met; 0: not met at all), and "reason", \
            one or two sentences explaining the score.

            Evaluation steps:
            %s
            %s
            Reply with JSON only, with the keys "score" and "reason". No other text.

            JSON:
            """.formatted(numbered, sampleText);
    }

    /** "Input", "Input and Actual Output", "Input, Actual Output, and Expected Output". */
    static String fieldList(List<GEvalMetric.Field> fields) {
        List<String> labels = fields.stream().map(GEvalMetric.Field::label).toList();
        if (labels.size() == 1) return labels.getFirst();
        if (labels.size() == 2) return labels.get(0) + " and " + labels.get(1);
        return String.join(", ", labels.subList(0, labels.size() - 1)) + ", and " + labels.getLast();
    }
}
