package dev.bedside.eval.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.dpo.data.DataException;
import dev.bedside.dpo.data.RowProblem;
import dev.bedside.eval.Sample;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Questions with reference answers from a CSV file (RFC 4180, a header row) or a JSON Lines file (one object per
 * line), as {@link Sample}s whose {@code columns} keep every other field of the row.
 *
 * <p>A file that cannot be read as a table (a broken quote, a row with the wrong number of fields, a line that
 * is not a JSON object, a missing column, a repeated id) throws {@link DataException} naming the file and line.
 * A row whose question or reference is empty cannot be evaluated: it is left out and listed in
 * {@link Loaded#skipped()} (with {@code strict}, it throws instead).
 */
public final class EvalData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvalData() {}

    /** The samples in file order, and the rows left out with why. */
    public record Loaded(Path file, List<Sample> samples, List<RowProblem> skipped) {}

    /** One row as read: its line and its fields by name, in file order. */
    public record Row(int line, Map<String, String> fields) {}

    public static Loaded read(Path file, Columns columns, boolean strict) throws IOException {
        List<Row> rows = rows(file);
        java.util.Set<String> names = new java.util.LinkedHashSet<>();   // JSON Lines rows may differ in their fields
        rows.forEach(r -> names.addAll(r.fields().keySet()));
        List<String> header = List.copyOf(names);
        String q = columns.question() != null ? column(file, header, columns.question(), "--question-col")
                : defaultColumn(file, header, "question", "prompt", "--question-col");
        String a = columns.answer() != null ? column(file, header, columns.answer(), "--answer-col")
                : defaultColumn(file, header, q.equalsIgnoreCase("prompt") ? "reference" : "answer",
                        q.equalsIgnoreCase("prompt") ? "answer" : "reference", "--answer-col");
        String idColumn = columns.id() == null ? null : column(file, header, columns.id(), "--id-col");
        if (columns.groupBy() != null) column(file, header, columns.groupBy(), "--group-by");

        List<Sample> samples = new ArrayList<>();
        List<RowProblem> skipped = new ArrayList<>();
        Map<String, Integer> idLines = new HashMap<>();
        int number = 0;
        for (Row row : rows) {
            number++;
            String question = row.fields().getOrDefault(q, "");
            String answer = row.fields().getOrDefault(a, "");
            String problem = question.isBlank() ? "empty question ('" + q + "')" : answer.isBlank() ? "empty reference answer ('" + a + "')" : null;
            if (problem != null) {
                RowProblem p = new RowProblem(row.line(), problem);
                if (strict) throw new DataException(file, p);
                skipped.add(p);
                continue;
            }
            String id = idColumn == null ? Integer.toString(number) : row.fields().getOrDefault(idColumn, "").strip();
            if (id.isEmpty()) throw new DataException(file, new RowProblem(row.line(), "empty id ('" + idColumn + "')"));
            Integer earlier = idLines.putIfAbsent(id, row.line());
            if (earlier != null) throw new DataException(file, new RowProblem(row.line(), "id '" + id + "' repeats the row on line " + earlier));
            Map<String, String> rest = new LinkedHashMap<>(row.fields());
            rest.remove(q);
            rest.remove(a);
            samples.add(new Sample(id, question, "", answer, rest));
        }
        return new Loaded(file, List.copyOf(samples), List.copyOf(skipped));
    }

    /** The rows of a CSV or JSON Lines file (by extension: .jsonl / .json / .ndjson are JSON Lines). */
    public static List<Row> rows(Path file) throws IOException {
        String text = readUtf8(file);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json") ? jsonRows(file, text) : csvRows(file, text);
    }

    private static List<Row> csvRows(Path file, String text) {
        List<CsvReader.Record> records = CsvReader.parse(file, text);
        if (records.isEmpty()) throw new DataException(file, "empty file (expected a header row such as question,answer)");
        List<String> header = records.getFirst().fields();
        for (int i = 0; i < header.size(); i++) {
            if (header.indexOf(header.get(i)) != i) throw new DataException(file, new RowProblem(1, "column '" + header.get(i) + "' appears twice in the header"));
        }
        List<Row> rows = new ArrayList<>();
        for (CsvReader.Record r : records.subList(1, records.size())) {
            if (r.fields().size() != header.size()) {
                throw new DataException(file, new RowProblem(r.line(), r.fields().size() + " fields where the header has " + header.size()
                        + " (an unquoted comma or line break?)"));
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) fields.put(header.get(i), r.fields().get(i));
            rows.add(new Row(r.line(), fields));
        }
        return rows;
    }

    private static List<Row> jsonRows(Path file, String text) {
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        List<Row> rows = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            JsonNode node;
            try {
                node = JSON.readTree(lines[i]);
            } catch (JsonProcessingException e) {
                throw new DataException(file, new RowProblem(i + 1, "not valid JSON (" + e.getOriginalMessage() + ")"));
            }
            if (node == null || !node.isObject()) throw new DataException(file, new RowProblem(i + 1, "not a JSON object"));
            Map<String, String> fields = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                JsonNode v = e.getValue();
                if (v.isContainerNode()) {
                    throw new DataException(file, new RowProblem(i + 1, "field '" + e.getKey() + "' is a " + (v.isArray() ? "list" : "object")
                            + ", expected text"));
                }
                fields.put(e.getKey(), v.isNull() ? "" : v.asText());
            }
            rows.add(new Row(i + 1, fields));
        }
        if (rows.isEmpty()) throw new DataException(file, "no rows");
        return rows;
    }

    private static String readUtf8(Path file) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new DataException(file, "not UTF-8 text (" + e.getMessage() + ")");
        }
    }

    /** A column asked for by name: exact, else the one column equal ignoring case. */
    static String column(Path file, List<String> header, String name, String option) {
        String found = find(header, name);
        if (found == null) throw new DataException(file, "no column '" + name + "' for " + option + " (columns: " + String.join(", ", header) + ")");
        return found;
    }

    private static String defaultColumn(Path file, List<String> header, String first, String second, String option) {
        String found = find(header, first);
        if (found == null) found = find(header, second);
        if (found == null) {
            throw new DataException(file, "no column '" + first + "' or '" + second + "' (columns: " + String.join(", ", header)
                    + "); name the right one with " + option);
        }
        return found;
    }

    private static String find(List<String> header, String name) {
        if (header.contains(name)) return name;
        List<String> matches = header.stream().filter(h -> h.strip().equalsIgnoreCase(name)).toList();
        return matches.size() == 1 ? matches.getFirst() : null;
    }
}
