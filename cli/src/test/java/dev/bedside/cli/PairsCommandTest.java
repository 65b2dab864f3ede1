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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bedside pairs} end to end: the files it writes, the split, the saved validation. */
class PairsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private String run(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(0, PairsCommand.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void generatesSplitsAndSavesTheValidation() throws Exception {
        Path out = temp.resolve("pairs.jsonl"), dir = temp.resolve("split");
        String printed = run("--out", out.toString(), "--count", "200", "--seed", "3", "--split-out", dir.toString(), "--similarity", "none");
        assertTrue(printed.contains("wrote 200 pairs"), printed);
        List<String> all = Files.readAllLines(out), train = Files.readAllLines(dir.resolve("train.jsonl")), held = Files.readAllLines(dir.resolve("held-out.jsonl"));
        assertEquals(200, all.size());
        assertEquals(200, train.size() + held.size());
        Set<String> trainTopics = topics(train), heldTopics = topics(held);
        assertTrue(!heldTopics.isEmpty() && heldTopics.stream().noneMatch(trainTopics::contains));
        JsonNode first = JSON.readTree(all.getFirst());
        for (String field : List.of("prompt", "chosen", "rejected", "topic_id", "category")) assertTrue(first.path(field).isTextual(), field);

        JsonNode report = JSON.readTree(dir.resolve("validation.json").toFile());
        assertEquals(200, report.at("/summary/pairs").asInt());
        assertEquals(held.size(), report.at("/summary/held_out_pairs").asInt());
        assertTrue(report.at("/summary/chosen_lower_fk_grade_share").asDouble() >= 0.95);
        assertEquals(200, report.get("pairs").size());
        assertTrue(report.at("/pairs/0/similarity").isNull());
        assertTrue(report.at("/summary/chosen_higher_empathy_share").asDouble() >= 0.95);
        // the same seed writes the same file
        Path again = temp.resolve("again.jsonl");
        run("--out", again.toString(), "--count", "200", "--seed", "3", "--similarity", "none");
        assertEquals(all, Files.readAllLines(again));
        assertTrue(Files.exists(temp.resolve("again.validation.json")));
    }

    @Test
    void convertsCounselChat() throws Exception {
        Path csv = Path.of(System.getProperty("bedside.shared", "../shared"), "data", "counsel-chat", "counsel_chat.csv");
        Assumptions.assumeTrue(Files.isRegularFile(csv), "../shared/data/counsel-chat/counsel_chat.csv absent: skipping");
        Path out = temp.resolve("cc.jsonl");
        String printed = run("--from-counselchat", csv.toString(), "--out", out.toString(), "--max-pairs-per-question", "1", "--similarity", "none");
        assertTrue(printed.contains("pairs to"), printed);
        List<String> lines = Files.readAllLines(out);
        JsonNode report = JSON.readTree(temp.resolve("cc.validation.json").toFile());
        assertEquals(255, report.at("/summary/pairs_read").asInt());   // one pair per question that has two ranked answers
        assertEquals(lines.size(), report.at("/summary/pairs").asInt());
        assertEquals(255 - lines.size(), report.at("/summary/near_duplicates_removed").asInt());
        assertTrue(JSON.readTree(lines.getFirst()).path("topic_id").asText().startsWith("counselchat-"));
    }

    @Test
    void aBedsideModelWritesPairsAndTheChecksDecide() throws Exception {
        Path tiny = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures", "tiny-llama31");
        Assumptions.assumeTrue(Files.isDirectory(tiny), "../shared/fixtures/tiny-llama31 absent: skipping model-written pairs");
        Path out = temp.resolve("model.jsonl");
        run("--out", out.toString(), "--count", "2", "--model", tiny.toString(), "--max-tokens", "8", "--similarity", "none");
        JsonNode summary = JSON.readTree(temp.resolve("model.validation.json").toFile()).get("summary");
        int fallbacks = 0;
        for (JsonNode n : summary.get("rule_written_fallbacks")) fallbacks += n.asInt();
        // a random 64-wide model writes noise: the checks send such pairs back to the rule-written texts
        assertEquals(2, summary.get("model_written_pairs").asInt() + fallbacks);
        assertEquals("tiny-llama31", summary.get("writer").asText());
        assertEquals(2, Files.readAllLines(out).size());
        assertTrue(summary.get("empathy_gap_mean").isNumber());
    }

    @Test
    void refusesContradictoryOptions() {
        assertThrows(UsageException.class, () -> run("--out", "x.jsonl", "--from-jsonl", "a", "--from-counselchat", "b"));
        assertThrows(UsageException.class, () -> run("--out", "x.jsonl", "--held-out", "1.5"));
        assertThrows(UsageException.class, () -> run("--count", "10"));
        assertThrows(UsageException.class, () -> run("--out", "x.jsonl", "--endpoint", "http://localhost:1"));
        assertThrows(UsageException.class, () -> run("--out", "x.jsonl", "--model", "m", "--from-jsonl", "a"));
    }

    private static Set<String> topics(List<String> lines) throws Exception {
        Set<String> topics = new HashSet<>();
        for (String line : lines) topics.add(JSON.readTree(line).get("topic_id").asText());
        return topics;
    }
}
