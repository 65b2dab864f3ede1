package dev.bedside.dpo.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedside.model.tokenizer.ChatFormat;
import dev.bedside.model.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one row's prompt and completion into token ids, in the three forms TRL accepts:
 * <ul>
 *   <li>plain text: prompt ids = tokens of the prompt with BOS; completion ids = tokens of
 *       prompt + completion + eos_token (appended unless already there) after the prompt's tokens;</li>
 *   <li>conversational (lists of {role, content}): the Llama 3 chat template; the prompt with the assistant
 *       header (generation prompt), the completion = template(prompt + completion) after it;</li>
 *   <li>pre-tokenized id lists, used as they are.</li>
 * </ul>
 * When joint tokenization does not start with the prompt's own tokens (TRL only warns), the row is refused:
 * splitting it would score tokens the prompt already holds.
 */
final class RowEncoder {
    private final Tokenizer tokenizer;
    private final PromptTemplate template;
    private final String eosText;
    private ChatFormat chat;

    RowEncoder(Tokenizer tokenizer, PromptTemplate template) {
        this.tokenizer = tokenizer;
        this.template = template;
        if (tokenizer.eosIds().isEmpty()) throw new IllegalArgumentException("the tokenizer has no eos_token: completions need one");
        this.eosText = tokenizer.decode(new int[] {tokenizer.eosIds().getFirst()});
    }

    /** The eos_token's text (e.g. {@code <|eot_id|>} for Llama 3.x Instruct). */
    String eosText() { return eosText; }

    /** Prompt ids of a row (the same for all its completions). */
    int[] prompt(JsonNode prompt, String field) throws BadRowException {
        if (prompt.isTextual()) {
            if (prompt.asText().isEmpty()) throw new BadRowException("empty '" + field + "'");
            return tokenizer.encode(template.prompt(prompt.asText()), true);
        }
        if (prompt.isArray()) return chat().encode(messages(prompt, field), true);
        throw new BadRowException("'" + field + "' must be a string or a list of {role, content} messages");
    }

    /** Completion ids following {@code promptIds}. */
    int[] completion(JsonNode prompt, int[] promptIds, JsonNode completion, String field) throws BadRowException {
        int[] full;
        if (completion.isTextual() && prompt.isTextual()) {
            String text = template.completion(completion.asText());
            if (text.isBlank()) throw new BadRowException("empty '" + field + "'");
            if (!text.endsWith(eosText)) text += eosText;
            full = tokenizer.encode(template.prompt(prompt.asText()) + text, true);
        } else if (completion.isArray() && prompt.isArray()) {
            List<ChatFormat.Message> all = new ArrayList<>(messages(prompt, "prompt"));
            List<ChatFormat.Message> answer = messages(completion, field);
            if (answer.isEmpty() || answer.stream().allMatch(m -> m.content().isBlank())) throw new BadRowException("empty '" + field + "'");
            all.addAll(answer);
            full = chat().encode(all, false);
        } else {
            throw new BadRowException("'prompt' and '" + field + "' must both be strings or both be message lists");
        }
        if (full.length <= promptIds.length || !Arrays.equals(full, 0, promptIds.length, promptIds, 0, promptIds.length)) {
            throw new BadRowException("tokens of prompt + " + field + " do not start with the prompt's tokens");
        }
        return Arrays.copyOfRange(full, promptIds.length, full.length);
    }

    /** A pre-tokenized id list, checked against the vocabulary. */
    int[] ids(JsonNode list, String field) throws BadRowException {
        if (!list.isArray()) throw new BadRowException("'" + field + "' must be a list of token ids");
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = list.get(i);
            if (!id.canConvertToInt() || !id.isIntegralNumber() || id.intValue() < 0 || id.intValue() >= tokenizer.vocabSize()) {
                throw new BadRowException("'" + field + "'[" + i + "] = " + id + " is not a token id below " + tokenizer.vocabSize());
            }
            ids[i] = id.intValue();
        }
        if (ids.length == 0) throw new BadRowException("empty '" + field + "'");
        return ids;
    }

    private ChatFormat chat() {
        if (chat == null) chat = new ChatFormat(tokenizer);
        return chat;
    }

    private static List<ChatFormat.Message> messages(JsonNode list, String field) throws BadRowException {
        List<ChatFormat.Message> messages = new ArrayList<>();
        for (JsonNode m : list) {
            if (!m.path("role").isTextual() || !m.path("content").isTextual()) {
                throw new BadRowException("'" + field + "' has a message without string 'role' and 'content'");
            }
            messages.add(new ChatFormat.Message(m.get("role").asText(), m.get("content").asText()));
        }
        return messages;
    }
}
