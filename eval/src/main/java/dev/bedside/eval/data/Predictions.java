package dev.bedside.eval.data;

import dev.bedside.dpo.data.DataException;
import dev.bedside.dpo.data.RowProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers produced elsewhere (a commercial system, another framework), to be scored beside ours: a CSV or
 * JSON Lines file with the columns {@code question}, {@code answer} and {@code system}. Answers are matched
 * to the data's questions by their text (surrounding white space ignored). One system giving two different
 * answers to the same question is refused, naming both lines.
 */
public final class Predictions {
    private Predictions() {}

    /** system → (question key → answer), systems in file order. */
    public static Map<String, Map<String, String>> read(Path file) throws IOException {
        List<EvalData.Row> rows = EvalData.rows(file);
        Set<String> names = new LinkedHashSet<>();
        rows.forEach(r -> names.addAll(r.fields().keySet()));
        List<String> header = List.copyOf(names);
        String q = EvalData.column(file, header, "question", "--predictions");
        String a = EvalData.column(file, header, "answer", "--predictions");
        String s = EvalData.column(file, header, "system", "--predictions");
        Map<String, Map<String, String>> bySystem = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (EvalData.Row row : rows) {
            String system = row.fields().getOrDefault(s, "").strip();
            String question = row.fields().getOrDefault(q, "");
            String answer = row.fields().getOrDefault(a, "");
            if (system.isEmpty()) throw new DataException(file, new RowProblem(row.line(), "empty 'system'"));
            if (question.isBlank()) throw new DataException(file, new RowProblem(row.line(), "empty 'question'"));
            Map<String, String> answers = bySystem.computeIfAbsent(system, k -> new LinkedHashMap<>());
            String key = key(question);
            String before = answers.putIfAbsent(key, answer);
            Integer beforeLine = lines.putIfAbsent(system + "\u0000" + key, row.line());
            if (before != null && !before.equals(answer)) {
                throw new DataException(file, new RowProblem(row.line(), "system '" + system + "' answers this question differently on line " + beforeLine));
            }
        }
        return bySystem;
    }

    /** How a question is matched: its text without surrounding white space. */
    public static String key(String question) {
        return question.strip();
    }
}
