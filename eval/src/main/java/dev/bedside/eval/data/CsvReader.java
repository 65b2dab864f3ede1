package dev.bedside.eval.data;

import dev.bedside.dpo.data.DataException;
import dev.bedside.dpo.data.RowProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Comma-separated values as RFC 4180 defines them: fields separated by commas, records by CRLF (a lone LF
 * or CR is accepted too); a field in double quotes may hold commas, line breaks and doubled quotes
 * ({@code ""} is one {@code "}). A UTF-8 byte-order mark at the start is dropped. Every record remembers the
 * line it starts on, so errors can name it.
 *
 * <p>Refused, with the file and line: a quote inside an unquoted field, text after a closing quote, and a
 * quoted field that never closes.
 */
public final class CsvReader {
    private CsvReader() {}

    /** One record: its fields and the 1-based line of the file it starts on. */
    public record Record(int line, List<String> fields) {}

    public static List<Record> parse(Path file, String text) {
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        List<Record> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1, recordLine = 1, i = 0, n = text.length();
        boolean atFieldStart = true;
        while (i < n) {
            char c = text.charAt(i);
            if (atFieldStart && c == '"') {
                // A quoted field: read to the closing quote, taking "" as one quote and line breaks as text.
                int openedOn = line;
                i++;
                while (true) {
                    if (i >= n) throw new DataException(file, new RowProblem(openedOn, "quoted field never closes (a missing \")"));
                    char q = text.charAt(i);
                    if (q == '"') {
                        if (i + 1 < n && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (q == '\n' || (q == '\r' && !(i + 1 < n && text.charAt(i + 1) == '\n'))) line++;
                    field.append(q);
                    i++;
                }
                if (i < n && text.charAt(i) != ',' && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                    throw new DataException(file, new RowProblem(line, "text after a closing quote (a quote inside a quoted field must be doubled: \"\")"));
                }
                atFieldStart = false;
                continue;
            }
            if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                atFieldStart = true;
                i++;
            } else if (c == '\r' || c == '\n') {
                fields.add(field.toString());
                field.setLength(0);
                records.add(new Record(recordLine, List.copyOf(fields)));
                fields.clear();
                i += c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n' ? 2 : 1;
                line++;
                recordLine = line;
                atFieldStart = true;
            } else if (c == '"') {
                throw new DataException(file, new RowProblem(line, "a quote inside an unquoted field (quote the whole field and double the quote)"));
            } else {
                field.append(c);
                atFieldStart = false;
                i++;
            }
        }
        if (!fields.isEmpty() || !atFieldStart || field.length() > 0) {
            fields.add(field.toString());
            records.add(new Record(recordLine, List.copyOf(fields)));
        }
        // Blank lines carry no record (a single empty field): drop them as spreadsheet tools do.
        records.removeIf(r -> r.fields().size() == 1 && r.fields().getFirst().isEmpty());
        return records;
    }

    /** One field as RFC 4180 writes it: quoted when it holds a comma, quote or line break. */
    public static String quote(String field) {
        if (field == null) return "";
        boolean needs = field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0;
        return needs ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
    }

    /** A record as one CRLF-terminated line. */
    public static String line(List<String> fields) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) b.append(',');
            b.append(quote(fields.get(i)));
        }
        return b.append("\r\n").toString();
    }
}
