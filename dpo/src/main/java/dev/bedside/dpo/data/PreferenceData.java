package dev.bedside.dpo.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.model.tokenizer.Tokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Preference pairs from a JSON Lines file, one {@code {"prompt", "chosen", "rejected"}} object per line
 * (TRL's format and the paper's): text, conversational message lists, or pre-tokenized
 * {@code prompt_input_ids / chosen_input_ids / rejected_input_ids}. See {@link RowEncoder} for tokenization
 * and {@link Truncation} for length limits.
 *
 * <p>Bad rows (not JSON, a missing or empty field, chosen identical to rejected, a prompt that leaves no room
 * for a completion) are reported with their line numbers: with {@code strict} the first one throws
 * {@link DataException}; otherwise they are skipped and listed in {@link Loaded#skipped()}. Blank lines are ignored.
 */
public final class PreferenceData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PreferenceData() {}

    /** The usable pairs, and the rows that were skipped with why. */
    public record Loaded(List<PreferencePair> pairs, List<RowProblem> skipped) {}

    public static Loaded load(Path file, Tokenizer tokenizer, PromptTemplate template, Truncation truncation, boolean strict)
            throws IOException {
        RowEncoder encoder = new RowEncoder(tokenizer, template);
        List<PreferencePair> pairs = new ArrayList<>();
        List<RowProblem> skipped = new ArrayList<>();
        forEachRow(file, strict, skipped, (row, line) -> pairs.add(pair(row, line, encoder, truncation)));
        if (pairs.isEmpty()) throw new DataException(file, "no usable rows" + (skipped.isEmpty() ? "" : " (first problem: " + skipped.getFirst() + ")"));
        return new Loaded(List.copyOf(pairs), List.copyOf(skipped));
    }

    static PreferencePair pair(JsonNode row, int line, RowEncoder encoder, Truncation truncation) throws BadRowException {
        int[] prompt, chosen, rejected;
        if (row.has("prompt_input_ids")) {
            prompt = encoder.ids(required(row, "prompt_input_ids"), "prompt_input_ids");
            chosen = encoder.ids(required(row, "chosen_input_ids"), "chosen_input_ids");
            rejected = encoder.ids(required(row, "rejected_input_ids"), "rejected_input_ids");
        } else {
            JsonNode p = required(row, "prompt"), c = required(row, "chosen"), r = required(row, "rejected");
            if (c.equals(r)) throw new BadRowException("'chosen' and 'rejected' are identical");
            prompt = encoder.prompt(p, "prompt");
            chosen = encoder.completion(p, prompt, c, "chosen");
            rejected = encoder.completion(p, prompt, r, "rejected");
        }
        if (Arrays.equals(chosen, rejected)) throw new BadRowException("'chosen' and 'rejected' are identical");
        prompt = truncation.prompt(prompt);
        if (truncation.promptTooLong(prompt)) {
            throw new BadRowException("prompt of " + prompt.length + " tokens leaves no room for a completion within max length " + truncation.maxLength());
        }
        return new PreferencePair(line, truncation.apply(prompt, chosen), truncation.apply(prompt, rejected));
    }

    static JsonNode required(JsonNode row, String field) throws BadRowException {
        JsonNode value = row.get(field);
        if (value == null || value.isNull()) throw new BadRowException("missing '" + field + "'");
        return value;
    }

    /** What to do with one parsed row; throws {@link BadRowException} for a bad one. */
    interface RowHandler {
        void accept(JsonNode row, int line) throws BadRowException;
    }

    /** Reads JSON Lines, handing each object with its line number; bad rows are thrown (strict) or collected. */
    static void forEachRow(Path file, boolean strict, List<RowProblem> skipped, RowHandler handler) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int line = 0;
            while ((text = reader.readLine()) != null) {
                line++;
                if (text.isBlank()) continue;
                try {
                    JsonNode row;
                    try {
                        row = JSON.readTree(text);
                    } catch (JsonProcessingException e) {
                        throw new BadRowException("not valid JSON (" + e.getOriginalMessage() + ")");
                    }
                    if (row == null || !row.isObject()) throw new BadRowException("not a JSON object");
                    handler.accept(row, line);
                } catch (BadRowException e) {
                    RowProblem problem = new RowProblem(line, e.getMessage());
                    if (strict) throw new DataException(file, problem);
                    skipped.add(problem);
                }
            }
        }
    }
}
