package dev.bedside.model.tokenizer;

import java.util.List;
import java.util.Objects;

/**
 * The Llama 3 chat format, exactly as the Jinja template in Llama 3's {@code tokenizer_config.json}
 * ({@link #LLAMA3_TEMPLATE}) renders it:
 * <pre>
 * &lt;|begin_of_text|&gt;                       before the first message only
 * &lt;|start_header_id|&gt;{role}&lt;|end_header_id|&gt;\n\n{content with surrounding whitespace removed}&lt;|eot_id|&gt;
 * ... per message ...
 * &lt;|start_header_id|&gt;assistant&lt;|end_header_id|&gt;\n\n   only with addGenerationPrompt
 * </pre>
 * The rendered text is then tokenized as Hugging Face's {@code apply_chat_template} does: special tokens
 * matched, no BOS added on top.
 *
 * <p>Llama 3.1's template ({@link Style#LLAMA31}, chosen automatically when the tokenizer's template mentions
 * "Cutting Knowledge Date") always opens with a system turn that carries the knowledge cut-off and a date
 * ({@link #LLAMA31_DATE}, the template's default), followed by the system message if there is one; the other
 * turns are as above. Tool calling is not rendered.
 */
public final class ChatFormat {

    /** Which of Meta's templates to reproduce. */
    public enum Style { LLAMA3, LLAMA31 }

    /** The date Llama 3.1's template writes when none is passed (its {@code date_string} default). */
    public static final String LLAMA31_DATE = "26 Jul 2024";

    /** One chat message: role ("system", "user", "assistant", ...) and text. */
    public record Message(String role, String content) {
        public Message {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(content, "content");
        }
    }

    /** The template this class implements, byte for byte as Meta's Llama 3 tokenizer_config.json has it. */
    public static final String LLAMA3_TEMPLATE = "{% set loop_messages = messages %}{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim"
            + " + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

    private final Tokenizer tokenizer;
    private final String bosText;
    private final Style style;

    /** The style the tokenizer's own template calls for. */
    public ChatFormat(Tokenizer tokenizer) {
        this(tokenizer, tokenizer.chatTemplate().filter(t -> t.contains("Cutting Knowledge Date")).isPresent()
                ? Style.LLAMA31 : Style.LLAMA3);
    }

    public ChatFormat(Tokenizer tokenizer, Style style) {
        this.tokenizer = tokenizer;
        this.style = style;
        for (String s : List.of("<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>")) tokenizer.id(s); // fails early if absent
        if (tokenizer.bosId() < 0) throw new IllegalArgumentException("ChatFormat: the tokenizer has no BOS token");
        this.bosText = tokenizer.decode(new int[] {tokenizer.bosId()});
    }

    public Style style() { return style; }

    /** The template's text for {@code messages}. */
    public String render(List<Message> messages, boolean addGenerationPrompt) {
        StringBuilder text = new StringBuilder();
        int first = 0;
        if (style == Style.LLAMA31) {
            boolean hasSystem = !messages.isEmpty() && messages.getFirst().role().equals("system");
            text.append(bosText).append("<|start_header_id|>system<|end_header_id|>\n\n")
                    .append("Cutting Knowledge Date: December 2023\n").append("Today Date: ").append(LLAMA31_DATE).append("\n\n")
                    .append(hasSystem ? pythonStrip(messages.getFirst().content()) : "").append("<|eot_id|>");
            first = hasSystem ? 1 : 0;
        }
        for (int i = first; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (i == 0 && style == Style.LLAMA3) text.append(bosText);
            text.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
                    .append(pythonStrip(m.content())).append("<|eot_id|>");
        }
        if (addGenerationPrompt) text.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        return text.toString();
    }

    /** The ids of {@link #render}: BOS included (from the template), special tokens as their ids. */
    public int[] encode(List<Message> messages, boolean addGenerationPrompt) {
        return tokenizer.encode(render(messages, addGenerationPrompt), false, true);
    }

    /** Jinja's {@code trim} is Python's {@code str.strip()}: it removes characters for which {@code isspace()} is true. */
    static String pythonStrip(String s) {
        int start = 0, end = s.length();
        while (start < end && isPythonSpace(s.charAt(start))) start++;
        while (end > start && isPythonSpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    /** Python's str.isspace: bidirectional class WS, B or S, or category Zs (all in the BMP). */
    static boolean isPythonSpace(char c) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }
}
