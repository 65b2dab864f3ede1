package dev.bedside.dpo.pairs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.dpo.data.DataException;
import dev.bedside.dpo.data.RowProblem;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Text preference pairs as JSON Lines, {@code {"prompt","chosen","rejected","topic_id","category"}}: TRL's
 * columns plus two it ignores. Reads the paper's file as it is (plain-text prompt/chosen/rejected; the extra
 * columns are optional). Rows whose three fields are not all non-empty strings are refused with their line.
 */
public final class PairsJsonl {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PairsJsonl() {}

    public static List<TextPair> read(Path file) throws IOException {
        List<TextPair> pairs = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            JsonNode row;
            try {
                row = JSON.readTree(lines.get(i));
            } catch (IOException e) {
                throw new DataException(file, new RowProblem(i + 1, "not valid JSON"));
            }
            pairs.add(new TextPair(text(row, "prompt", file, i + 1), text(row, "chosen", file, i + 1), text(row, "rejected", file, i + 1),
                    row.path("topic_id").asText(""), row.path("category").asText("")));
        }
        if (pairs.isEmpty()) throw new DataException(file, "no pairs");
        return pairs;
    }

    private static String text(JsonNode row, String field, Path file, int line) {
        JsonNode value = row == null ? null : row.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new DataException(file, new RowProblem(line, "'" + field + "' must be a non-empty string (conversational or pre-tokenized rows are not text pairs)"));
        }
        return value.asText();
    }

    public static void write(Path file, List<TextPair> pairs) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (TextPair pair : pairs) {
                out.write(line(pair));
                out.write('\n');
            }
        }
    }

    /** One pair as one JSON object, fields in TRL's order. */
    public static String line(TextPair pair) {
        ObjectNode row = JSON.createObjectNode();
        row.put("prompt", pair.prompt());
        row.put("chosen", pair.chosen());
        row.put("rejected", pair.rejected());
        if (!pair.topicId().isEmpty()) row.put("topic_id", pair.topicId());
        if (!pair.category().isEmpty()) row.put("category", pair.category());
        return row.toString();
    }
}
