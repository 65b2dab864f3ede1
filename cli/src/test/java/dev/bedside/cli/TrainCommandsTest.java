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
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bedside dpo and sft end to end on the tiny fixture model and the DPO fixture's two pairs. */
class TrainCommandsTest {
    private static Path tiny, pairs;

    @TempDir
    Path temp;

    @BeforeAll
    static void fixtures() {
        Path shared = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures");
        tiny = shared.resolve("tiny-llama31");
        pairs = shared.resolve("dpo/pairs.jsonl");
        Assumptions.assumeTrue(Files.isDirectory(tiny) && Files.isRegularFile(pairs), "../shared/fixtures absent: skipping training command tests");
    }

    private static final List<String> SMALL = List.of("--lora-r", "4", "--lora-alpha", "8", "--batch-size", "1", "--grad-accum", "2", "--lr", "1e-3",
            "--max-length", "128");

    private String[] args(String command, Path out, String... extra) {
        var list = new java.util.ArrayList<>(List.of(command, "--model", tiny.toString(), "--data", pairs.toString(), "--out", out.toString()));
        list.addAll(SMALL);
        list.addAll(List.of(extra));
        return list.toArray(String[]::new);
    }

    @Test
    void dpoWritesAdapterMetricsAndCheckpoints() throws Exception {
        Path out = temp.resolve("dpo");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] argv = args("dpo", out, "--steps", "2", "--save-steps", "1", "--precompute-ref", "--loss", "ipo", "--beta", "0.2",
                "--rpo-alpha", "0.5");
        int code = DpoCommand.run(java.util.Arrays.copyOfRange(argv, 1, argv.length), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.isRegularFile(out.resolve("adapter/adapter_model.safetensors")));
        JsonNode adapterConfig = new ObjectMapper().readTree(out.resolve("adapter/adapter_config.json").toFile());
        assertEquals(4, adapterConfig.get("r").asInt());
        assertTrue(Files.isDirectory(out.resolve("checkpoints/checkpoint-1")) && Files.isDirectory(out.resolve("checkpoints/checkpoint-2")));
        assertEquals(2, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        JsonNode config = new ObjectMapper().readTree(out.resolve("train_config.json").toFile());
        assertEquals("ipo", config.get("loss_type").asText());
        assertEquals(0.2, config.get("beta").asDouble());
        assertEquals(0.05, config.get("lora_dropout").asDouble());   // the paper's default stays
        assertEquals(0.5, config.get("rpo_alpha").asDouble());
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) assertTrue(line.contains("\"nll_loss\""), "RPO's NLL logged: " + line);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("dpo 2/2"), "progress bar on stderr");
    }

    @Test
    void dpoEvaluatesHeldOutPairsBeforeAndAfter() throws Exception {
        Path out = temp.resolve("dpo-eval");
        String[] argv = args("dpo", out, "--steps", "2", "--eval-data", pairs.toString());
        assertEquals(0, Main.run(argv, new PrintStream(new ByteArrayOutputStream())));
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(4, lines.size(), "eval, 2 training steps, eval: " + lines);
        ObjectMapper json = new ObjectMapper();
        JsonNode before = json.readTree(lines.getFirst()), after = json.readTree(lines.getLast());
        assertEquals(0, before.get("step").asInt());
        assertEquals(0.0, before.get("eval/rewards/accuracies").asDouble(), "a fresh adapter (B = 0) ties every pair");
        assertEquals(0.0, before.get("eval/rewards/margins").asDouble());
        assertEquals(2, after.get("step").asInt());
        assertTrue(after.has("eval/rewards/accuracies") && after.has("eval/rewards/margins") && after.has("eval/loss"), after.toString());
        assertTrue(after.get("eval/rewards/margins").asDouble() != 0.0, "two steps moved the adapter off the reference");
    }

    @Test
    void sftTrainsOnTheChosenAnswers() throws Exception {
        Path out = temp.resolve("sft");
        String[] argv = args("sft", out, "--steps", "1");
        assertEquals(0, Main.run(argv, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(Files.isRegularFile(out.resolve("adapter/adapter_model.safetensors")));
        assertTrue(Files.readString(out.resolve("metrics.jsonl")).contains("\"num_tokens\""));
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThrows(UsageException.class, () -> DpoCommand.run(new String[] {"--model", tiny.toString(), "--data", pairs.toString(), "--out",
                temp.toString(), "--steps", "2", "--epochs", "1"}, System.out, System.err));
        UsageException e = assertThrows(UsageException.class, () -> DpoCommand.run(new String[] {"--model", tiny.toString(), "--data", pairs.toString(),
                "--out", temp.toString(), "--loss", "banana"}, System.out, System.err));
        assertTrue(e.getMessage().contains("banana"), e.getMessage());
        e = assertThrows(UsageException.class, () -> DpoCommand.run(new String[] {"--model", tiny.toString(), "--data", pairs.toString(),
                "--out", temp.toString(), "--rpo-alpha", "-1"}, System.out, System.err));
        assertTrue(e.getMessage().contains("rpo alpha"), e.getMessage());
    }
}
