package dev.bedside.eval.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.dpo.data.DataException;
import dev.bedside.dpo.data.RowProblem;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON Lines file that records are appended to as they are produced, one flushed line each, so a run that
 * is killed loses at most the line being written. {@link #load} reads what is there; a last line cut short by
 * a kill is dropped (and removed from the file); a broken line elsewhere is an error naming it.
 */
final class JsonlStore implements Closeable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter writer;

    private JsonlStore(BufferedWriter writer) {
        this.writer = writer;
    }

    static JsonlStore append(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return new JsonlStore(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    void write(ObjectNode record) throws IOException {
        writer.write(JSON.writeValueAsString(record));
        writer.write('\n');
        writer.flush();
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }

    static List<ObjectNode> load(Path file) throws IOException {
        List<ObjectNode> records = new ArrayList<>();
        if (!Files.exists(file)) return records;
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        // The piece after the last newline is empty unless a kill cut the last record short.
        int complete = lines.length - 1;
        boolean cut = !lines[complete].isEmpty();
        for (int i = 0; i < complete; i++) {
            if (lines[i].isBlank()) continue;
            try {
                JsonNode node = JSON.readTree(lines[i]);
                if (!(node instanceof ObjectNode object)) throw new DataException(file, new RowProblem(i + 1, "not a JSON object"));
                records.add(object);
            } catch (JsonProcessingException e) {
                throw new DataException(file, new RowProblem(i + 1, "not valid JSON (" + e.getOriginalMessage()
                        + "); remove the line, or the file, to redo those samples"));
            }
        }
        if (cut) {
            StringBuilder kept = new StringBuilder();
            for (int i = 0; i < complete; i++) kept.append(lines[i]).append('\n');
            AtomicFiles.write(file, kept.toString());
        }
        return records;
    }
}
