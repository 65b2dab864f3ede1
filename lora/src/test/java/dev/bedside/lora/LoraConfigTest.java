package dev.bedside.lora;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.model.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void scale() {
        assertEquals(2.0, LoraConfig.PAPER.scale());
        assertEquals(List.of("q_proj", "k_proj", "v_proj", "o_proj"), LoraConfig.PAPER.targetModules());
        assertEquals(32, LoraConfig.PAPER.r());
        assertEquals(0.05, LoraConfig.PAPER.dropout());
        LoraConfig rs = new LoraConfig(16, 8, 0, List.of("q_proj"), true, null);
        assertEquals(8 / 4.0, rs.scale(), "rsLoRA: alpha / √r");
        assertEquals(0.5, new LoraConfig(16, 8, 0, List.of("q_proj"), false, null).scale());
    }

    @Test
    void validation() {
        assertMessage(() -> new LoraConfig(0, 16, 0, List.of("q_proj"), false, null), "rank");
        assertMessage(() -> new LoraConfig(8, -1, 0, List.of("q_proj"), false, null), "lora_alpha");
        assertMessage(() -> new LoraConfig(8, 16, 1, List.of("q_proj"), false, null), "lora_dropout");
        assertMessage(() -> new LoraConfig(8, 16, 0, List.of(), false, null), "target_modules");
        assertMessage(() -> new LoraConfig(8, 16, 0, List.of("q_proj", "lm_head"), false, null), "lm_head");
        assertMessage(() -> new LoraConfig(8, 16, 0, List.of("q_proj", "q_proj"), false, null), "twice");
    }

    private static void assertMessage(Runnable r, String part) {
        var e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void readsTheFixturesPeftConfig() throws IOException {
        Path file = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures", "dpo", "adapter_init", LoraConfig.FILE_NAME);
        Assumptions.assumeTrue(Files.exists(file), "../shared/fixtures/dpo absent: skipping the PEFT config");
        LoraConfig c = LoraConfig.load(file);
        assertEquals(new LoraConfig(8, 16, 0, List.of("q_proj", "k_proj", "v_proj", "o_proj"), false, "tiny-llama31"), c);
        assertEquals(2.0, c.scale());
    }

    @Test
    void saveThenLoad() throws IOException {
        LoraConfig c = new LoraConfig(4, 12.5, 0.1, List.of("up_proj", "q_proj", "down_proj"), true, "/models/llama");
        Path file = tmp.resolve(LoraConfig.FILE_NAME);
        c.save(file);
        assertEquals(c, LoraConfig.load(file));
        var json = JSON.readTree(file.toFile());
        assertEquals("LORA", json.get("peft_type").asText());
        assertEquals("CAUSAL_LM", json.get("task_type").asText());
        assertEquals("none", json.get("bias").asText());
        assertEquals(12.5, json.get("lora_alpha").asDouble());
        assertTrue(json.get("use_rslora").asBoolean());
        LoraConfig.PAPER.save(file);
        assertTrue(JSON.readTree(file.toFile()).get("lora_alpha").isIntegralNumber(), "an integral alpha is written as PEFT writes it");
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    private ObjectNode valid() {
        ObjectNode json = LoraConfig.PAPER.toJson();
        json.put("some_future_field", 3);   // unknown fields are ignored
        return json;
    }

    private void refused(Consumer<ObjectNode> change, String part) throws IOException {
        ObjectNode json = valid();
        change.accept(json);
        Path file = tmp.resolve(LoraConfig.FILE_NAME);
        Files.write(file, JSON.writeValueAsBytes(json));
        var e = assertThrows(CheckpointException.class, () -> LoraConfig.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void refusesWhatItDoesNotImplement() throws IOException {
        Path file = tmp.resolve(LoraConfig.FILE_NAME);
        Files.write(file, JSON.writeValueAsBytes(valid()));
        assertEquals(LoraConfig.PAPER, LoraConfig.load(file));

        refused(j -> j.put("bias", "lora_only"), "bias");
        refused(j -> j.put("peft_type", "IA3"), "peft_type");
        refused(j -> j.put("task_type", "SEQ_CLS"), "task_type");
        refused(j -> j.put("use_dora", true), "DoRA");
        refused(j -> j.put("fan_in_fan_out", true), "fan_in_fan_out");
        refused(j -> j.putObject("rank_pattern").put("q_proj", 4), "rank_pattern");
        refused(j -> j.putArray("modules_to_save").add("lm_head"), "modules_to_save");
        refused(j -> j.put("init_lora_weights", "pissa"), "init_lora_weights");
        refused(j -> j.put("target_modules", ".*proj"), "regular expressions");
        refused(j -> j.putArray("target_modules").add("q_proj").add("embed_tokens"), "embed_tokens");
        refused(j -> j.put("r", "eight"), "r must be an integer");
        refused(j -> j.remove("peft_type"), "peft_type missing");
        Files.writeString(file, "{not json");
        assertTrue(assertThrows(CheckpointException.class, () -> LoraConfig.load(file)).getMessage().contains("bad JSON"));
        Files.delete(file);
        assertTrue(assertThrows(CheckpointException.class, () -> LoraConfig.load(file)).getMessage().contains("missing"));
    }

    @Test
    void allLinear() throws IOException {
        ObjectNode json = valid();
        json.put("target_modules", "all-linear");
        Path file = tmp.resolve(LoraConfig.FILE_NAME);
        Files.write(file, JSON.writeValueAsBytes(json));
        assertEquals(LoraConfig.KNOWN_TARGETS, LoraConfig.load(file).targetModules());
    }
}
