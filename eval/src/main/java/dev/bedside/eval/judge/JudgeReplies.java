package dev.bedside.eval.judge;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a judge answered, tolerantly but never by guessing: a JSON object anywhere in the reply (inside a
 * code fence, after a preamble, with single quotes or a trailing comma), else an explicit {@code score: n} pattern.
 * A reply without either has no score, and the sample is marked failed by the caller.
 */
final class JudgeReplies {
    private JudgeReplies() {}

    private static final JsonMapper LENIENT = JsonMapper.builder()
        .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_TRAILING_COMMA,
            JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES, JsonReadFeature.ALLOW_JAVA_COMMENTS,
            JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS, JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
        .build();

    /** {@code "score": 7}, {@code score = 7.5}, {@code 'score': "8"}: where the score's digits start (group 1). */
    static final Pattern SCORE = Pattern.compile("[\"']?score[\"']?\\s*[:=]\\s*[\"']?(-?\\d+(?:\\.\\d+)?)",
        Pattern.CASE_INSENSITIVE);

    /** A numbered or bulleted line: {@code 1. ...}, {@code 2) ...}, {@code - ...}. */
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s*(?:\\d+[.)]|[-*•])\\s+(\\S.*)$", Pattern.MULTILINE);

    /** A score as read: its value, the judge's reason (may be empty), and how it was found. */
    record ParsedScore(double value, String reason, String foundBy) {}

    /** The first JSON object in {@code reply}: from its first {@code {} to its last {@code }}. */
    static Optional<JsonNode> jsonObject(String reply) {
        int start = reply.indexOf('{');
        int end = reply.lastIndexOf('}');
        if (start < 0 || end <= start) return Optional.empty();
        try {
            JsonNode node = LENIENT.readTree(reply.substring(start, end + 1));
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (Exception notJson) {
            return Optional.empty();
        }
    }

    /** The evaluation steps: a JSON {@code "steps"} list of strings, else a numbered or bulleted list of 2+ lines. */
    static Optional<List<String>> steps(String reply) {
        Optional<JsonNode> json = jsonObject(reply);
        if (json.isPresent() && json.get().path("steps").isArray()) {
            List<String> steps = new ArrayList<>();
            for (JsonNode step : json.get().get("steps")) {
                if (step.isTextual() && !step.asText().isBlank()) steps.add(step.asText().strip());
            }
            return steps.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(steps));
        }
        List<String> items = new ArrayList<>();
        Matcher matcher = LIST_ITEM.matcher(reply);
        while (matcher.find()) items.add(matcher.group(1).strip());
        return items.size() >= 2 ? Optional.of(List.copyOf(items)) : Optional.empty();
    }

    /** The score in {@code reply}: the JSON {@code "score"} (a number or a numeric string), else {@link #SCORE}. */
    static Optional<ParsedScore> score(String reply) {
        Optional<JsonNode> json = jsonObject(reply);
        if (json.isPresent()) {
            JsonNode score = json.get().path("score");
            String reason = json.get().path("reason").isTextual() ? json.get().get("reason").asText() : "";
            if (score.isNumber() && Double.isFinite(score.asDouble())) {
                return Optional.of(new ParsedScore(score.asDouble(), reason, "json"));
            }
            if (score.isTextual() && score.asText().strip().matches("-?\\d+(\\.\\d+)?")) {
                return Optional.of(new ParsedScore(Double.parseDouble(score.asText().strip()), reason, "json"));
            }
        }
        Matcher matcher = SCORE.matcher(reply);
        if (matcher.find()) return Optional.of(new ParsedScore(Double.parseDouble(matcher.group(1)), "", "pattern"));
        return Optional.empty();
    }
}
