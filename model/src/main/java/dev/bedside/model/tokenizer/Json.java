package dev.bedside.model.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading the tokenizer's JSON files with messages that name the file. */
final class Json {
    private Json() {}

    // tokenizer.json holds strings (the chat template) and documents larger than Jackson's default limits.
    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build());

    static JsonNode read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "tokenizer file not found");
        try (InputStream in = Files.newInputStream(file)) {
            return MAPPER.readTree(in);
        } catch (JacksonException e) {
            throw badJson(file, e);
        }
    }

    static IllegalArgumentException badJson(Path file, JacksonException e) {
        return new IllegalArgumentException(file + ": bad JSON: " + e.getOriginalMessage()
                + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() : ""), e);
    }

    static IllegalArgumentException error(Path file, String what) {
        return new IllegalArgumentException(file + ": " + what);
    }
}
