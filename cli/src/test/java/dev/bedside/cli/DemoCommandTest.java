package dev.bedside.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.model.tokenizer.Tokenizer;
import dev.bedside.model.tokenizer.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job in miniature: tokenizer-train, build-demo-model (a one-layer model, two epochs) and a reduced
 * demo (a few DPO steps) on a small preference file written here, end to end through the commands.
 */
class DemoCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOPICS = List.of("sleep at night", "bathing", "meals", "wandering", "pills", "visits",
            "anger", "driving", "money", "hospital stays", "hearing", "walking");

    /** Warm, plain answers against cold, technical ones, in this test's own words. */
    private static void writePairs(Path file, List<String> topics) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String topic : topics) {
            ObjectNode row = JSON.createObjectNode();
            row.put("prompt", "How do I help my mother with " + topic + "?");
            row.put("chosen", "It is hard to help with " + topic + ", and you are doing well. Keep things calm and simple. Ask me more at any time.");
            row.put("rejected", "Management of " + topic + " necessitates standardized behavioural intervention protocols. Implement them consistently.");
            row.put("topic", topic);
            lines.add(JSON.writeValueAsString(row));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    @Test
    void buildsATinyModelAndRunsAReducedDemo(@TempDir Path temp) throws Exception {
        Path train = temp.resolve("train.jsonl"), heldout = temp.resolve("heldout.jsonl");
        writePairs(train, TOPICS.subList(0, 9));
        writePairs(heldout, TOPICS.subList(9, 12));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

        Path tokenizerDir = temp.resolve("tok");
        assertEquals(0, TokenizerTrainCommand.run(new String[] {"--data", train + "," + heldout, "--vocab-size", "320", "--out", tokenizerDir.toString()}, errStream));
        Tokenizer tokenizer = Tokenizers.load(tokenizerDir);
        assertEquals(320, tokenizer.vocabSize());
        String text = "How do I help my mother with bathing?";
        assertEquals(text, tokenizer.decode(tokenizer.encode(text, false)));

        Path model = temp.resolve("model");
        assertEquals(0, BuildDemoModelCommand.run(new String[] {"--data", train.toString(), "--out", model.toString(), "--seed", "3",
                "--vocab-size", "300", "--hidden", "32", "--heads", "2", "--kv-heads", "1", "--intermediate", "64", "--layers", "1",
                "--context", "96", "--epochs", "2", "--batch-size", "6", "--lr", "3e-3", "--warm-share", "0.5"}, errStream));
        for (String file : List.of("config.json", "model.safetensors", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "build.json")) {
            assertTrue(Files.isRegularFile(model.resolve(file)), file);
        }

        Path out = temp.resolve("demo");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        assertEquals(0, DemoCommand.run(new String[] {"--model", model.toString(), "--train", train.toString(), "--heldout", heldout.toString(),
                "--out", out.toString(), "--steps", "4", "--batch-size", "2", "--questions", "2", "--eval-pairs", "3", "--max-new-tokens", "12",
                "--max-length", "80"}, new PrintStream(stdout, true, StandardCharsets.UTF_8), errStream));

        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        List<String> keys = new ArrayList<>();
        summary.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("reward_accuracy_before", "reward_accuracy_after", "reward_margin_before", "reward_margin_after",
                "fk_grade_before", "fk_grade_after", "reading_ease_before", "reading_ease_after", "empathy_before", "empathy_after",
                "similarity_before", "similarity_after", "seconds"), keys);
        // A fresh adapter (B = 0) leaves policy = reference: every reward is 0, so accuracy and margin are 0 (as TRL reports).
        assertEquals(0.0, summary.get("reward_accuracy_before").asDouble());
        assertEquals(0.0, summary.get("reward_margin_before").asDouble());
        double after = summary.get("reward_accuracy_after").asDouble();
        assertTrue(after >= 0 && after <= 1, "accuracy " + after);
        assertTrue(Double.isFinite(summary.get("reward_margin_after").asDouble()));
        for (String key : List.of("fk_grade", "reading_ease", "empathy", "similarity")) {
            for (String when : List.of("_before", "_after")) {   // a tiny model may give an empty answer everywhere (then null)
                JsonNode value = summary.get(key + when);
                assertTrue(value.isNull() || Double.isFinite(value.asDouble()), key + when);
            }
        }
        double similarity = summary.get("similarity_after").asDouble(0);
        assertTrue(similarity >= -1 && similarity <= 1, "cosine " + similarity);
        assertTrue(summary.get("seconds").asDouble() > 0);
        assertEquals(2, Files.readAllLines(out.resolve("answers_before.jsonl")).size());
        assertEquals(2, Files.readAllLines(out.resolve("answers_after.jsonl")).size());
        assertTrue(Files.isRegularFile(out.resolve("dpo/adapter/adapter_config.json")));
        // The demo trains with RPO by default (DPO + α·NLL of the chosen answers): recorded, and logged every step.
        assertEquals(DemoCommand.RPO_ALPHA, JSON.readTree(out.resolve("demo_config.json").toFile()).path("dpo").path("rpo_alpha").asDouble());
        for (String line : Files.readAllLines(out.resolve("dpo/metrics.jsonl"))) {
            JsonNode row = JSON.readTree(line);
            if (row.has("loss")) assertTrue(row.path("nll_loss").asDouble(-1) > 0, "nll_loss in " + line);
        }
        for (String file : List.of("report/results_summary.json", "report/report.md", "report/report.html", "report/fk_grade.csv")) {
            assertTrue(Files.isRegularFile(out.resolve(file)), file);
        }
        String table = stdout.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("reward accuracy") && table.contains("How do I help my mother with"), table);
    }

    @Test
    void refusesAnOutputFolderHoldingOtherFiles(@TempDir Path temp) throws Exception {
        Files.writeString(temp.resolve("notes.txt"), "mine");
        var e = assertThrows(UsageException.class, () -> DemoCommand.prepare(temp));
        assertTrue(e.getMessage().contains("holds other files"), e.getMessage());
        assertTrue(Files.exists(temp.resolve("notes.txt")));
    }
}
