package dev.bedside.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedside.dpo.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code run.json}: the settings that decide answers and scores ({@code generation}: model, prompt, sampling,
 * seed; {@code judge}).
 * The first run writes it; a run resuming in the same folder must match it, or the saved answers would be
 * mixed with answers made differently.
 */
final class RunSettings {
    private RunSettings() {}

    /** The settings that must not change when a run resumes; the others (data file, limit, metrics) may. */
    static final List<String> FIXED = List.of("generation", "judge");

    static void checkOrWrite(Path file, Map<String, Object> settings) throws IOException {
        Map<String, Object> fixed = new java.util.LinkedHashMap<>();
        for (String key : FIXED) if (settings.containsKey(key)) fixed.put(key, settings.get(key));
        // Through text, as the file holds it: numbers then compare as read (a long 42 and a read 42 alike).
        JsonNode wanted = JsonlStore.JSON.readTree(JsonlStore.JSON.writeValueAsString(fixed));
        if (Files.exists(file)) {
            JsonNode earlier = JsonlStore.JSON.readTree(file.toFile());
            List<String> differ = new ArrayList<>();
            wanted.properties().forEach(e -> {
                JsonNode before = earlier.get(e.getKey());
                if (before != null && !before.equals(e.getValue())) differ.add(e.getKey() + " " + before + " → " + e.getValue());
            });
            if (!differ.isEmpty()) {
                throw new DataException(file, "this folder holds a run with other settings (" + String.join("; ", differ)
                        + "): use another --out, or delete the folder to start over");
            }
        }
        AtomicFiles.write(file, JsonlStore.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(wanted) + "\n");
    }
}
