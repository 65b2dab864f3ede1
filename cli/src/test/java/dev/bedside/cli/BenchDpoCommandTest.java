package dev.bedside.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** bedside bench dpo on the tiny fixture's shape with random weights: F32, BF16 and NF4 base weights. */
class BenchDpoCommandTest {
    private static Path tinyConfig() {
        Path config = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures", "tiny-llama31", "config.json");
        Assumptions.assumeTrue(Files.isRegularFile(config), "../shared/fixtures absent: skipping bench dpo test");
        return config;
    }

    private static JsonNode bench(String... extra) throws Exception {
        String[] head = {"dpo", "--config", tinyConfig().toString(), "--random-init", "--seq-len", "8", "--batch-size", "1",
                "--lora-r", "2", "--warmup", "0", "--steps", "1"};
        String[] argv = java.util.Arrays.copyOf(head, head.length + extra.length);
        System.arraycopy(extra, 0, argv, head.length, extra.length);
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, BenchCommand.run(argv));
        } finally {
            System.setOut(saved);
        }
        return new ObjectMapper().readTree(captured.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void oneStepInEachWeightStorage() throws Exception {
        for (String[] variant : new String[][] {{"--dtype", "f32"}, {"--dtype", "bf16"}, {"--quant", "nf4"}}) {
            JsonNode line = bench(variant);
            String weights = variant[0].equals("--quant") ? "nf4" : variant[1];
            assertTrue(line.get("model").asText().contains("random " + weights + " weights"), line.toString());
            double seconds = line.get("seconds_per_step").asDouble();
            assertTrue(seconds > 0, line.toString());
            assertEquals(2 * 8 / seconds, line.get("tokens_per_second").asDouble(), 0.01 * 16 / seconds + 1e-3, line.toString());
            assertTrue(line.get("peak_rss_bytes").asLong() > 0 && line.get("heap_max_bytes").asLong() > 0, line.toString());
            // LoRA r 2 on q, k, v, o of 2 layers (hidden 64, q and o 64 wide, k and v 32): A [2, 64] and B [out, 2] each.
            assertEquals(2 * ((128 + 128) + (128 + 64) + (128 + 64) + (128 + 128)), line.get("trainable_parameters").asLong(), line.toString());
        }
    }

    @Test
    void unknownDtypeIsRefused() {
        tinyConfig();   // skips here, outside assertThrows, when ../shared is absent
        var e = assertThrows(UsageException.class, () -> bench("--dtype", "f16"));
        assertTrue(e.getMessage().contains("--dtype"), e.getMessage());
    }
}
