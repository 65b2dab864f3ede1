package dev.bedside.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code --quant}: the tiny fixture model quantized on load, against the fixture's own Q8_0 measurements. */
class QuantOptionTest {

    private static Path tiny() {
        Path tiny = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures", "tiny-llama31");
        Assumptions.assumeTrue(Files.isDirectory(tiny), "../shared/fixtures/tiny-llama31 absent: skipping --quant tests");
        return tiny;
    }

    /**
     * The fixture measured the Q8_0 weights (every matrix quantized) at most 0.037 from the BF16 reference on
     * the top-20 ids; with --quant q8_0 the same layer blocks are used and the embeddings stay BF16.
     */
    @Test
    void logprobsWithQ8_0StayWithinTheFixturesQ8_0Gap() throws Exception {
        Path tiny = tiny();
        JsonNode expected = new ObjectMapper().readTree(tiny.resolve("expected.json").toFile());
        JsonNode hello = expected.get("sequences").get(0);
        double gap = expected.get("agreement").get("dequantized_q8_0_vs_reference").get("max_abs_logprob_diff_top20").asDouble();
        String ids = hello.get("ids").toString().replaceAll("[\\[\\] ]", "");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertEquals(0, LogprobsCommand.run(new String[] {"--model", tiny.toString(), "--ids", ids, "--top", "500", "--quant", "q8_0"}, out));
        }
        JsonNode positions = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        JsonNode reference = hello.get("reference");
        double worst = 0;
        for (int t = 0; t < positions.size(); t++) {
            double[] byId = new double[128256];
            java.util.Arrays.fill(byId, Double.NaN);   // an id outside our top 500 fails below
            for (JsonNode entry : positions.get(t)) byId[entry.get("id").asInt()] = entry.get("logprob").asDouble();
            for (int j = 0; j < 20; j++) {
                int id = reference.get("top_ids").get(t).get(j).asInt();
                assertFalse(Double.isNaN(byId[id]), "reference top-20 id " + id + " is not in our top 500 at position " + t);
                worst = Math.max(worst, Math.abs(byId[id] - reference.get("top_logprobs").get(t).get(j).asDouble()));
            }
        }
        System.out.printf("logprobs --quant q8_0: max |Δ log-prob| on the reference top-20 %.3g (fixture's Q8_0 gap %.3g)%n", worst, gap);
        assertTrue(worst > 0 && worst <= gap, "max |Δ log-prob| " + worst + " (0 would mean nothing was quantized)");
    }

    @Test
    void unknownFormatsAreUsageErrors() {
        Path tiny = tiny();
        var e = assertThrows(UsageException.class, () -> LogprobsCommand.run(new String[] {"--model", tiny.toString(), "--ids", "128000", "--quant", "q5_k"}, System.out));
        assertTrue(e.getMessage().contains("q5_k") && e.getMessage().contains("nf4"), e.getMessage());
    }
}
