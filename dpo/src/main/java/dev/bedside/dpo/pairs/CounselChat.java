package dev.bedside.dpo.pairs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Preference pairs from CounselChat-style data: therapists' answers to the same question, ranked by upvotes
 * (columns {@code questionID, questionTitle, questionText, answerText, upvotes}, and {@code topic} if present).
 * For each question, every two answers with different upvotes give a pair: the more upvoted is chosen.
 * Ties give no pair; neither do identical texts. A question with many answers gives at most
 * {@code maxPairsPerQuestion} pairs, those with the largest upvote gaps first, so that a few busy questions
 * do not crowd out the rest. The prompt is the question's text (its title when the text is empty).
 */
public final class CounselChat {
    private CounselChat() {}

    private record Answer(String text, int upvotes, int row) {}

    private record Question(String id, String prompt, String topic, List<Answer> answers) {}

    public static List<TextPair> pairs(Path csv, int maxPairsPerQuestion) throws IOException {
        if (maxPairsPerQuestion < 1) throw new IllegalArgumentException("maxPairsPerQuestion must be at least 1, got " + maxPairsPerQuestion);
        List<List<String>> records = Csv.parse(Files.readString(csv, StandardCharsets.UTF_8), csv.toString());
        if (records.isEmpty()) throw new IllegalArgumentException(csv + ": empty file");
        List<String> header = records.getFirst();
        int id = column(header, "questionID", csv), title = column(header, "questionTitle", csv), text = column(header, "questionText", csv);
        int answer = column(header, "answerText", csv), upvotes = column(header, "upvotes", csv), topic = header.indexOf("topic");

        Map<String, Question> questions = new LinkedHashMap<>();
        for (int r = 1; r < records.size(); r++) {
            List<String> row = records.get(r);
            if (row.size() == 1 && row.getFirst().isBlank()) continue;
            if (row.size() != header.size()) {
                throw new IllegalArgumentException(csv + " record " + r + ": " + row.size() + " fields, header has " + header.size());
            }
            String answerText = row.get(answer).strip();
            if (answerText.isEmpty()) continue;
            int votes;
            try {
                votes = Integer.parseInt(row.get(upvotes).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(csv + " record " + r + ", field 'upvotes': not an integer '" + row.get(upvotes) + "'");
            }
            String prompt = row.get(text).strip().isEmpty() ? row.get(title).strip() : row.get(text).strip();
            Question q = questions.computeIfAbsent(row.get(id).strip(),
                    key -> new Question(key, prompt, topic >= 0 ? row.get(topic).strip() : "", new ArrayList<>()));
            q.answers().add(new Answer(answerText, votes, r));
        }

        List<TextPair> pairs = new ArrayList<>();
        for (Question q : questions.values()) {
            record Ranked(Answer better, Answer worse) {}
            List<Ranked> ranked = new ArrayList<>();
            for (Answer a : q.answers()) {
                for (Answer b : q.answers()) {
                    if (a.upvotes() > b.upvotes() && !a.text().equals(b.text())) ranked.add(new Ranked(a, b));
                }
            }
            ranked.sort(Comparator.comparingInt((Ranked p) -> p.worse().upvotes() - p.better().upvotes())
                    .thenComparingInt(p -> p.better().row()).thenComparingInt(p -> p.worse().row()));
            for (Ranked p : ranked.subList(0, Math.min(maxPairsPerQuestion, ranked.size()))) {
                pairs.add(new TextPair(q.prompt(), p.better().text(), p.worse().text(), "counselchat-" + q.id(), q.topic()));
            }
        }
        return pairs;
    }

    private static int column(List<String> header, String name, Path csv) {
        int index = header.indexOf(name);
        if (index < 0) throw new IllegalArgumentException(csv + ": no column '" + name + "' (header: " + header + ")");
        return index;
    }
}
