package dev.bedside.eval.run;

import dev.bedside.eval.Sample;
import dev.bedside.eval.data.Predictions;
import java.nio.file.Path;
import java.util.Map;

/** Answers written elsewhere (a {@code --predictions} file), looked up by question text. */
public final class PredictionSystem implements AnswerSystem {
    private final String name;
    private final Map<String, String> answers;
    private final Path file;

    /** {@code answers}: question key ({@link Predictions#key}) → answer. */
    public PredictionSystem(String name, Map<String, String> answers, Path file) {
        this.name = name;
        this.answers = Map.copyOf(answers);
        this.file = file;
    }

    @Override public String name() { return name; }

    @Override public String kind() { return "predictions"; }

    @Override
    public Answer answer(Sample sample, long seed) {
        String answer = answers.get(Predictions.key(sample.question()));
        if (answer == null) return Answer.failed("no answer for this question in " + file.getFileName());
        if (answer.isBlank()) return Answer.failed("empty answer in " + file.getFileName());
        return Answer.of(answer, Map.of("source", file.getFileName().toString()));
    }
}
