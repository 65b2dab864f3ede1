package dev.bedside.dpo.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedside.model.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Supervised fine-tuning examples from JSON Lines in TRL's prompt-completion form: {@code {"prompt", "completion"}}
 * (text or message lists), or pre-tokenized {@code prompt_input_ids / completion_input_ids}. A preference file
 * works too: its {@code chosen} answer is the completion. Tokenization, truncation and bad-row handling as in
 * {@link PreferenceData}; the loss is on completion tokens only.
 */
public final class SftData {
    private SftData() {}

    /** One example with its 1-based line. */
    public record Example(int line, Sequence sequence) {}

    public record Loaded(List<Example> examples, List<RowProblem> skipped) {}

    public static Loaded load(Path file, Tokenizer tokenizer, PromptTemplate template, Truncation truncation, boolean strict)
            throws IOException {
        RowEncoder encoder = new RowEncoder(tokenizer, template);
        List<Example> examples = new ArrayList<>();
        List<RowProblem> skipped = new ArrayList<>();
        PreferenceData.forEachRow(file, strict, skipped, (row, line) -> {
            int[] prompt, completion;
            if (row.has("prompt_input_ids")) {
                prompt = encoder.ids(PreferenceData.required(row, "prompt_input_ids"), "prompt_input_ids");
                String field = row.has("completion_input_ids") ? "completion_input_ids" : "chosen_input_ids";
                completion = encoder.ids(PreferenceData.required(row, field), field);
            } else {
                String field = row.has("completion") ? "completion" : row.has("chosen") ? "chosen" : "completion";
                JsonNode p = PreferenceData.required(row, "prompt"), c = PreferenceData.required(row, field);
                prompt = encoder.prompt(p, "prompt");
                completion = encoder.completion(p, prompt, c, field);
            }
            prompt = truncation.prompt(prompt);
            if (truncation.promptTooLong(prompt)) {
                throw new BadRowException("prompt of " + prompt.length + " tokens leaves no room for a completion within max length " + truncation.maxLength());
            }
            examples.add(new Example(line, truncation.apply(prompt, completion)));
        });
        if (examples.isEmpty()) throw new DataException(file, "no usable rows" + (skipped.isEmpty() ? "" : " (first problem: " + skipped.getFirst() + ")"));
        return new Loaded(List.copyOf(examples), List.copyOf(skipped));
    }
}
