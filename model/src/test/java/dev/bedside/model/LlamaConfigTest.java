package dev.bedside.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.model.gguf.GgufFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LlamaConfigTest {

    private static LlamaConfig parse(String json) throws Exception {
        return LlamaConfig.fromJson(new ObjectMapper().readTree(json));
    }

    @Test
    void fixtureConfigMatchesTheReadme() throws Exception {
        LlamaConfig c = LlamaConfig.load(Fixtures.tinyHf().resolve("config.json"));
        assertEquals(List.of("LlamaForCausalLM"), c.architectures());
        assertEquals(64, c.hiddenSize());
        assertEquals(192, c.intermediateSize());
        assertEquals(2, c.numHiddenLayers());
        assertEquals(4, c.numAttentionHeads());
        assertEquals(2, c.numKeyValueHeads());
        assertEquals(16, c.headDim());
        assertEquals(500000.0, c.ropeTheta());
        assertEquals(new RopeScaling(32, 1, 4, 8192), c.ropeScaling());
        assertEquals(1e-5, c.rmsNormEps());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(128256, c.vocabSize());
        assertEquals(131072, c.maxPositionEmbeddings());
        assertEquals(128000, c.bosTokenId());
        assertEquals(List.of(128001, 128008, 128009), c.eosTokenIds());
        assertEquals("bfloat16", c.torchDtype());
    }

    @Test
    void generationConfigOfTheFixture() throws Exception {
        GenerationConfig g = GenerationConfig.load(Fixtures.tinyHf().resolve("generation_config.json"));
        assertEquals(List.of(128001, 128008, 128009), g.eosTokenIds());
        assertEquals(0.6, g.temperature());
        assertEquals(0.9, g.topP());
        assertEquals(true, g.doSample());
        assertNull(g.topK());
    }

    @Test
    void tinyPresetIsTheFixtureShape() throws Exception {
        assertEquals(LlamaConfig.load(Fixtures.tinyHf().resolve("config.json")), LlamaConfig.preset("tiny-llama31"));
    }

    @Test
    void everyPresetLoads() {
        for (String name : LlamaConfig.PRESETS) assertNotNull(LlamaConfig.preset(name), name);
        LlamaConfig llama8b = LlamaConfig.preset("llama-3.1-8b");
        assertEquals(4096, llama8b.queryDim());
        assertEquals(1024, llama8b.keyValueDim());
        assertFalse(llama8b.tieWordEmbeddings());
        LlamaConfig smol = LlamaConfig.preset("smollm2-135m");
        assertEquals(64, smol.headDim(), "head_dim defaults to hidden / heads");
        assertNull(smol.ropeScaling());
        assertEquals(List.of(0), smol.eosTokenIds());
        var e = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.preset("gpt-2"));
        assertTrue(e.getMessage().contains("gpt-2"), e.getMessage());
    }

    @Test
    void defaultsFollowHuggingFace() throws Exception {
        LlamaConfig c = parse("""
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 96, "intermediate_size": 160,
                 "num_hidden_layers": 3, "num_attention_heads": 6, "vocab_size": 300, "eos_token_id": 2}""");
        assertEquals(6, c.numKeyValueHeads());
        assertEquals(16, c.headDim());
        assertEquals(10000.0, c.ropeTheta());
        assertNull(c.ropeScaling());
        assertEquals(List.of(2), c.eosTokenIds());
        assertNull(c.bosTokenId());
        assertFalse(c.tieWordEmbeddings());
    }

    @Test
    void refusesOtherArchitecturesAndRopeTypes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, """
                {"architectures": ["MistralForCausalLM"], "model_type": "mistral", "hidden_size": 64,
                 "intermediate_size": 128, "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 10}""");
        var e = assertThrows(CheckpointException.class, () -> LlamaConfig.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("MistralForCausalLM")
                && e.getMessage().contains("unsupported architecture"), e.getMessage());

        var yarn = assertThrows(IllegalArgumentException.class, () -> parse("""
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
                 "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 10,
                 "rope_scaling": {"rope_type": "yarn", "factor": 4.0}}"""));
        assertTrue(yarn.getMessage().contains("yarn"), yarn.getMessage());

        var missing = assertThrows(IllegalArgumentException.class, () -> parse("""
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "num_hidden_layers": 1,
                 "num_attention_heads": 4, "vocab_size": 10}"""));
        assertTrue(missing.getMessage().contains("intermediate_size"), missing.getMessage());

        var gqa = assertThrows(IllegalArgumentException.class, () -> parse("""
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
                 "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 3, "vocab_size": 10}"""));
        assertTrue(gqa.getMessage().contains("num_key_value_heads 3"), gqa.getMessage());
    }

    @Test
    void ggufMetadataGivesTheSameConfig() throws Exception {
        LlamaConfig hf = LlamaConfig.load(Fixtures.tinyHf().resolve("config.json"));
        for (String kind : List.of("f32", "f16", "q8_0", "q4_0")) {
            try (GgufFile gguf = GgufFile.open(Fixtures.tinyGguf(kind))) {
                LlamaConfig c = GgufLlama.config(gguf);
                // the GGUF files carry eos 128009 only (README) and their own storage type
                LlamaConfig expected = new LlamaConfig(hf.architectures(), hf.hiddenSize(), hf.intermediateSize(),
                        hf.numHiddenLayers(), hf.numAttentionHeads(), hf.numKeyValueHeads(), hf.headDim(), hf.ropeTheta(),
                        hf.ropeScaling(), hf.rmsNormEps(), hf.tieWordEmbeddings(), hf.vocabSize(), hf.maxPositionEmbeddings(),
                        hf.bosTokenId(), List.of(128009), c.torchDtype());
                assertEquals(expected, c, kind);
            }
        }
    }
}
