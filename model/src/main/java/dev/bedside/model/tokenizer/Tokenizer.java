package dev.bedside.model.tokenizer;

import java.util.List;
import java.util.Optional;

/**
 * Text to token ids and back. Implementations reproduce a reference tokenizer exactly (Hugging Face tokenizers,
 * llama.cpp); the rest of the code does not care which file a tokenizer came from. Load one with
 * {@link Tokenizers#load(java.nio.file.Path)}.
 */
public interface Tokenizer {

    /**
     * The ids of {@code text}. Special tokens written in the text (e.g. {@code <|eot_id|>}) become their ids.
     * With {@code addBos}, the tokens the tokenizer's post-processor adds (Llama 3: {@code <|begin_of_text|>})
     * come first.
     */
    default int[] encode(String text, boolean addBos) {
        return encode(text, addBos, true);
    }

    /** As {@link #encode(String, boolean)}; with {@code parseSpecial} false, special-token text is ordinary text. */
    int[] encode(String text, boolean addBos, boolean parseSpecial);

    /**
     * The text of {@code ids}: byte-level tokens decoded as UTF-8, special tokens as their text, so that
     * {@code decode(encode(s, false)) == s} for every string of valid UTF-16 (lone surrogates are not text and come
     * back as '?'). Bytes that do not form UTF-8 (e.g. half a character) become U+FFFD. No space clean-up.
     */
    String decode(int[] ids);

    /** The bytes token {@code id} stands for (special tokens: their text in UTF-8); for streaming output. */
    byte[] tokenBytes(int id);

    /** Number of ids, special tokens included (Llama 3: 128256). */
    int vocabSize();

    /** The beginning-of-text id, or -1 if the tokenizer has none. */
    int bosId();

    /** Ids that end a generation (from the tokenizer's configuration), possibly empty. */
    List<Integer> eosIds();

    /** The id of a special token given by its text (e.g. "<|eot_id|>"); throws if there is no such special token. */
    int id(String specialTokenText);

    /** The chat template text (Jinja) the files carry, if any; {@link ChatFormat} implements Llama 3's. */
    Optional<String> chatTemplate();

    /** True for special (added / control) tokens. */
    boolean isSpecial(int id);
}
