package dev.bedside.model.tokenizer;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every text of the paper's preference pairs (prompt, chosen, rejected) decodes back to itself: byte-level BPE
 * loses nothing. The time taken is printed for information only; speed is measured in bench/, not asserted here.
 */
class TokenizerPairsRoundTripTest {

    @Test
    void everyPairTextRoundTrips() throws IOException {
        Path pairs = SharedFixtures.require("data/empathy-by-design/pairs.jsonl");
        assumeTrue(Files.isRegularFile(pairs), "../shared/data/empathy-by-design/pairs.jsonl absent: skipping the round trip of the paper's pairs");
        Tokenizer tokenizer = SharedFixtures.json();
        ObjectMapper json = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        long chars = 0;
        for (String line : Files.readAllLines(pairs)) {
            if (line.isBlank()) continue;
            JsonNode pair = json.readTree(line);
            for (String field : List.of("prompt", "chosen", "rejected")) {
                texts.add(pair.get(field).textValue());
                chars += pair.get(field).textValue().length();
            }
        }
        long[] nanos = new long[3];
        long tokens = 0;
        for (int pass = 0; pass < nanos.length; pass++) {
            long start = System.nanoTime();
            tokens = 0;
            for (String text : texts) tokens += tokenizer.encode(text, true).length;
            nanos[pass] = System.nanoTime() - start;
        }
        System.out.printf("tokenized %d pairs (%d texts, %d chars, %d tokens): first pass %.0f ms, then %.0f / %.0f ms%n",
                texts.size() / 3, texts.size(), chars, tokens, nanos[0] / 1e6, nanos[1] / 1e6, nanos[2] / 1e6);
        for (String text : texts) assertEquals(text, tokenizer.decode(tokenizer.encode(text, false)), "round trip of: " + text);
    }
}
