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
 * matched, no BOS added on top. (Llama 3.1's longer template differs only in adding a default system message
 * with "Cutting Knowledge Date"; pass that as the system message's content to get its output.)
 */
public final class ChatFormat {

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

    public ChatFormat(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        for (String s : List.of("<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>")) tokenizer.id(s); // fails early if absent
        if (tokenizer.bosId() < 0) throw new IllegalArgumentException("ChatFormat: the tokenizer has no BOS token");
        this.bosText = tokenizer.decode(new int[] {tokenizer.bosId()});
    }

    /** The template's text for {@code messages}. */
    public String render(List<Message> messages, boolean addGenerationPrompt) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (i == 0) text.append(bosText);
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
