package dev.bedside.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bedside tokenize} end to end through {@link Main#run}, against the fixture's reference ids. */
class TokenizeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    record Result(int code, String out, String err) {}

    /** Runs the command line as {@code main} would, capturing stdout and stderr. */
    static Result bedside(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            int code = Main.run(args, e);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    static Path tokenizerDir() {
        Path dir = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures/llama31-tokenizer");
        assumeTrue(Files.isDirectory(dir), "../shared/fixtures/llama31-tokenizer absent: skipping tokenize command test");
        return dir;
    }

    @Test
    void printsTheIdsAsOneJsonArray() throws Exception {
        Path dir = tokenizerDir();
        Result r = bedside("tokenize", "--tokenizer", dir.toString(), "--text", "Hello world");
        assertEquals(0, r.code(), r.err());
        assertEquals("[128000,9906,1917]\n", r.out().replace("\r\n", "\n"));
        Result empty = bedside("tokenize", "--tokenizer", dir.resolve("ggml-vocab-llama-bpe.gguf").toString(), "--text", "", "--no-bos");
        assertEquals("[]", empty.out().strip());
    }

    /** Fixture cases with newlines, read from a file byte for byte (a trailing newline is text). */
    @Test
    void textFileIsReadExactly() throws Exception {
        Path dir = tokenizerDir();
        List<JsonNode> cases = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("cases.jsonl"))) {
            JsonNode c = JSON.readTree(line);
            String text = c.get("text").textValue();
            if (!text.isBlank() && (text.endsWith("\n") || text.contains("\r\n"))) cases.add(c);
        }
        assertEquals(3, cases.size(), "a chat prompt and a code sample ending in a newline, CRLF lines");
        Path[] tokenizers = {dir.resolve("ggml-vocab-llama-bpe.gguf"), dir.resolve("tokenizer.json")};
        for (int i = 0; i < cases.size(); i++) {
            JsonNode c = cases.get(i);
            Path file = Files.writeString(tmp.resolve("case" + i + ".txt"), c.get("text").textValue(), StandardCharsets.UTF_8);
            Result r = bedside("tokenize", "--tokenizer", tokenizers[i % 2].toString(), "--text-file", file.toString(), "--no-bos");
            assertEquals(0, r.code(), r.err());
            assertEquals(c.get("ids"), JSON.readTree(r.out()), c.get("text").textValue());
        }
    }

    @Test
    void badCommandLinesAndFilesAreReported() throws Exception {
        Result none = bedside("tokenize", "--tokenizer", "x");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("exactly one of --text and --text-file"), none.err());
        Result both = bedside("tokenize", "--tokenizer", "x", "--text", "a", "--text-file", "b");
        assertEquals(2, both.code());
        Result typo = bedside("tokenize", "--tokenizer", "x", "--txt", "a");
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("unknown option --txt"), typo.err());
        Result noTokenizer = bedside("tokenize", "--text", "a");
        assertTrue(noTokenizer.code() == 2 && noTokenizer.err().contains("missing --tokenizer"), noTokenizer.err());

        Path missing = tmp.resolve("no-such-tokenizer");
        Result notFound = bedside("tokenize", "--tokenizer", missing.toString(), "--text", "a");
        assertEquals(1, notFound.code());
        assertTrue(notFound.err().contains(missing.toString()), notFound.err());

        Path broken = Files.writeString(tmp.resolve("tokenizer.json"), "{ not json");
        Result bad = bedside("tokenize", "--tokenizer", broken.toString(), "--text", "a");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("tokenizer.json") && bad.err().contains("bad JSON"), bad.err());

        Path latin1 = Files.write(tmp.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9});
        Result notUtf8 = bedside("tokenize", "--tokenizer", broken.toString(), "--text-file", latin1.toString());
        assertEquals(1, notUtf8.code());
        assertTrue(notUtf8.err().contains("latin1.txt: not valid UTF-8"), notUtf8.err());
        assertEquals("", notUtf8.out());
    }
}
