package dev.bedside.dpo.pairs;

import java.util.ArrayList;
import java.util.List;

/**
 * A CSV reader for RFC 4180 text: fields separated by commas, quoted fields may hold commas, line breaks and
 * doubled quotes ({@code ""} for one {@code "}). Lines end with LF or CRLF.
 */
final class Csv {
    private Csv() {}

    /** All records of {@code text}; {@code source} names it in errors. A final empty line gives no record. */
    static List<List<String>> parse(String text, String source) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int line = 1, recordLine = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') line++;
                    field.append(c);
                }
            } else if (c == '"') {
                if (!field.isEmpty()) throw new IllegalArgumentException(source + " line " + line + ": quote inside an unquoted field");
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                line++;
                recordLine = line;
            } else {
                field.append(c);
            }
        }
        if (quoted) throw new IllegalArgumentException(source + " line " + recordLine + ": quoted field never closed");
        if (!field.isEmpty() || !record.isEmpty()) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }
}
