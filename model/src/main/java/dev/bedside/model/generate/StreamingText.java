package dev.bedside.model.generate;

import dev.bedside.model.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a stream of token ids into text as it arrives. A token may end in the middle of a UTF-8 character
 * (emoji and many scripts span several byte-level tokens), so bytes are held back until they form whole
 * characters; invalid sequences become U+FFFD, as Hugging Face's decode does.
 */
public final class StreamingText {
    private final Tokenizer tokenizer;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public StreamingText(Tokenizer tokenizer) { this.tokenizer = tokenizer; }

    /** The text that token {@code id} completes (possibly empty while a character is unfinished). */
    public String accept(int id) {
        pending.writeBytes(tokenizer.tokenBytes(id));
        ByteBuffer in = ByteBuffer.wrap(pending.toByteArray());
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        decoder.decode(in, out, false);             // stops before an incomplete trailing character
        byte[] rest = new byte[in.remaining()];
        in.get(rest);
        pending.reset();
        pending.writeBytes(rest);
        return out.flip().toString();
    }

    /** Whatever is still held back, decoded (an unfinished character becomes U+FFFD). */
    public String finish() {
        String rest = new String(pending.toByteArray(), StandardCharsets.UTF_8);
        pending.reset();
        decoder.reset();
        return rest;
    }
}
