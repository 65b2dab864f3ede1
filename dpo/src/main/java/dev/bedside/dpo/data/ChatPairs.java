package dev.bedside.dpo.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.model.tokenizer.ChatFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Preference rows with plain-text {@code prompt}, {@code chosen} and {@code rejected} (and optionally {@code topic} or {@code topic_id}),
 * turned into Llama 3 chat turns: the prompt is a user message followed by the assistant header, the completion the
 * assistant's answer up to and including {@code <|eot_id|>}. This is how the bundled demo model is trained, aligned
 * and evaluated, so that {@code bedside chat} talks to it in the same format.
 */
public final class ChatPairs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatPairs() {}

    /** One row of a preference file; {@code line} is 1-based, {@code topic} null when the file has none. */
    public record Row(int line, String prompt, String chosen, String rejected, String topic) {}

    /** The rows of a JSON Lines file; rows without the three strings are refused with their line. */
    public static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            JsonNode row = JSON.readTree(lines.get(i));
            for (String field : List.of("prompt", "chosen", "rejected")) {
                if (!row.path(field).isTextual() || row.get(field).asText().isBlank()) {
                    throw new DataException(file, new RowProblem(i + 1, "'" + field + "' must be a non-empty string"));
                }
            }
            rows.add(new Row(i + 1, row.get("prompt").asText(), row.get("chosen").asText(), row.get("rejected").asText(),
                    row.path("topic").isTextual() ? row.get("topic").asText() : row.path("topic_id").isTextual() ? row.get("topic_id").asText() : null));
        }
        if (rows.isEmpty()) throw new DataException(file, "no rows");
        return rows;
    }

    /** The prompt ids of a question: BOS, the user turn, the assistant header. */
    public static int[] prompt(ChatFormat chat, String question) {
        return chat.encode(List.of(new ChatFormat.Message("user", question)), true);
    }

    /** Question → answer as a sequence cut to {@code maxLength} tokens (the answer's end goes first). */
    public static Sequence sequence(ChatFormat chat, String question, String answer, int maxLength) {
        int[] prompt = prompt(chat, question);
        int[] full = chat.encode(List.of(new ChatFormat.Message("user", question), new ChatFormat.Message("assistant", answer)), false);
        if (!Arrays.equals(full, 0, prompt.length, prompt, 0, prompt.length)) {
            throw new IllegalStateException("chat tokens of question + answer do not start with the question's tokens: " + question);
        }
        if (prompt.length >= maxLength) throw new IllegalArgumentException("question of " + prompt.length + " tokens fills the " + maxLength + "-token context: " + question);
        return new Truncation(maxLength, null, Truncation.Mode.KEEP_START).apply(prompt, Arrays.copyOfRange(full, prompt.length, full.length));
    }

    /** A row as a preference pair of chat sequences. */
    public static PreferencePair pair(ChatFormat chat, Row row, int maxLength) {
        return new PreferencePair(row.line(), sequence(chat, row.prompt(), row.chosen(), maxLength),
                sequence(chat, row.prompt(), row.rejected(), maxLength));
    }
}
