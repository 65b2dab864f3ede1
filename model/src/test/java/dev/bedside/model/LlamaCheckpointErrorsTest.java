package dev.bedside.model;

import dev.bedside.model.gguf.GgufBuilder;
import dev.bedside.model.gguf.GgufFile;
import dev.bedside.model.safetensors.SafetensorsWriter;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Small hand-made checkpoints with one thing wrong each: the message must name the file, the tensor and the problem. */
class LlamaCheckpointErrorsTest {

    private static final String CONFIG = """
            {"architectures": ["%s"], "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 1,
             "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 8, "rope_theta": 10000.0,
             "rms_norm_eps": 1e-5, "tie_word_embeddings": false, "vocab_size": 40, "max_position_embeddings": 64,
             "bos_token_id": 1, "eos_token_id": 2}""";

    /** A one-layer model's tensors with random values, in the shapes the config above needs. */
    private static Map<String, Tensor> tensors() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        long seed = 1;
        for (Map.Entry<String, int[]> e : LlamaLayout.expectedShapes(config()).entrySet()) {
            tensors.put(e.getKey(), Tensor.normal(seed++, 0.1f, e.getValue()));
        }
        return tensors;
    }

    private static LlamaConfig config() {
        try {
            return LlamaConfig.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(CONFIG.formatted("LlamaForCausalLM")));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Path folder(Path dir, String architecture, Map<String, Tensor> tensors) throws Exception {
        Files.writeString(dir.resolve("config.json"), CONFIG.formatted(architecture));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, DType.BF16, Map.of("format", "pt"));
        return dir;
    }

    private static void assertRefused(Path path, String... phrases) {
        var e = assertThrows(CheckpointException.class, () -> LlamaCheckpoint.load(path).close());
        assertTrue(e.getMessage().startsWith(path.toString()), e.getMessage());
        for (String phrase : phrases) assertTrue(e.getMessage().contains(phrase), "'" + phrase + "' not in: " + e.getMessage());
    }

    @Test
    void aWellFormedFolderLoads(@TempDir Path dir) throws Exception {
        Map<String, Tensor> tensors = tensors();
        try (LlamaCheckpoint checkpoint = LlamaCheckpoint.load(folder(dir, "LlamaForCausalLM", tensors))) {
            assertEquals(config(), checkpoint.config());
            assertNotSame(checkpoint.weights().embedTokens(), checkpoint.weights().lmHead(), "untied");
            Tensor down = tensors.get(LlamaLayout.layer(0, "mlp.down_proj"));
            float[] rounded = down.toFloatArray();
            for (int i = 0; i < rounded.length; i++) rounded[i] = DType.bf16ToFloat(DType.floatToBf16(rounded[i]));
            assertArrayEquals(rounded, checkpoint.weights().layers().get(0).downProj().toFloatArray());
        }
    }

    @Test
    void shardedFolderLoads(@TempDir Path dir) throws Exception {
        Map<String, Tensor> first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
        tensors().forEach((name, t) -> (name.startsWith("model.layers") ? second : first).put(name, t));
        Files.writeString(dir.resolve("config.json"), CONFIG.formatted("LlamaForCausalLM"));
        SafetensorsWriter.write(dir.resolve("a.safetensors"), first, DType.F32, Map.of());
        SafetensorsWriter.write(dir.resolve("b.safetensors"), second, DType.F32, Map.of());
        StringBuilder map = new StringBuilder();
        first.keySet().forEach(n -> map.append(map.isEmpty() ? "" : ",").append("\"").append(n).append("\":\"a.safetensors\""));
        second.keySet().forEach(n -> map.append(",\"").append(n).append("\":\"b.safetensors\""));
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\":{" + map + "}}");
        try (LlamaCheckpoint checkpoint = LlamaCheckpoint.load(dir)) {
            assertArrayEquals(second.get(LlamaLayout.layer(0, "self_attn.v_proj")).toFloatArray(),
                    checkpoint.tensor(LlamaLayout.layer(0, "self_attn.v_proj")).toFloatArray());
        }
    }

    @Test
    void refusesAShapeThatDoesNotMatchTheConfig(@TempDir Path dir) throws Exception {
        Map<String, Tensor> tensors = tensors();
        tensors.put(LlamaLayout.layer(0, "self_attn.k_proj"), Tensor.normal(9, 0.1f, 16, 16));
        assertRefused(folder(dir, "LlamaForCausalLM", tensors), "model.layers.0.self_attn.k_proj.weight",
                "shape [16, 16]", "expected [8, 16]");
    }

    @Test
    void refusesAMissingTensor(@TempDir Path dir) throws Exception {
        Map<String, Tensor> tensors = tensors();
        tensors.remove(LlamaLayout.LM_HEAD);
        assertRefused(folder(dir, "LlamaForCausalLM", tensors), "lm_head.weight", "missing", "[40, 16]");
    }

    @Test
    void refusesAnUnexpectedTensor(@TempDir Path dir) throws Exception {
        Map<String, Tensor> tensors = tensors();
        tensors.put(LlamaLayout.layer(1, "mlp.up_proj"), Tensor.normal(9, 0.1f, 24, 16));
        assertRefused(folder(dir, "LlamaForCausalLM", tensors), "model.layers.1.mlp.up_proj.weight", "unexpected");
    }

    @Test
    void refusesOtherArchitectures(@TempDir Path dir) throws Exception {
        folder(dir, "Qwen2ForCausalLM", tensors());
        var e = assertThrows(CheckpointException.class, () -> LlamaCheckpoint.load(dir).close());
        assertTrue(e.getMessage().contains(dir.resolve("config.json").toString()) && e.getMessage().contains("Qwen2ForCausalLM")
                && e.getMessage().contains("unsupported architecture"), e.getMessage());

        Path gguf = new GgufBuilder().string("general.architecture", "qwen2").write(dir.resolve("qwen.gguf"));
        assertRefused(gguf, "unsupported architecture 'qwen2'");
    }

    @Test
    void refusesGgufWithMissingOrMisshapenTensors(@TempDir Path dir) throws Exception {
        GgufBuilder builder = new GgufBuilder().string("general.architecture", "llama")
                .u32("llama.embedding_length", 16).u32("llama.feed_forward_length", 24).u32("llama.block_count", 1)
                .u32("llama.attention.head_count", 2).u32("llama.attention.head_count_kv", 1).u32("llama.context_length", 64)
                .f32("llama.attention.layer_norm_rms_epsilon", 1e-5f).u32("llama.vocab_size", 40)
                .f32Tensor("token_embd.weight", new float[40 * 16], 16, 40);
        assertRefused(builder.write(dir.resolve("missing.gguf")), "model.layers.0.input_layernorm.weight", "missing");

        builder.f32Tensor("blk.0.attn_norm.weight", new float[8], 8);
        assertRefused(builder.write(dir.resolve("short.gguf")), "model.layers.0.input_layernorm.weight", "shape [8]", "expected [16]");

        Path foreign = new GgufBuilder().string("general.architecture", "llama")
                .u32("llama.embedding_length", 16).u32("llama.feed_forward_length", 24).u32("llama.block_count", 1)
                .u32("llama.attention.head_count", 2).u32("llama.context_length", 64)
                .f32("llama.attention.layer_norm_rms_epsilon", 1e-5f).u32("llama.vocab_size", 40)
                .f32Tensor("blk.0.attn_qkv.weight", new float[16], 16).write(dir.resolve("fused.gguf"));
        assertRefused(foreign, "blk.0.attn_qkv.weight", "not a Llama tensor name");
    }

    @Test
    void refusesRopeFreqsThatAreNotLlama3Scaling(@TempDir Path dir) throws Exception {
        Path file = new GgufBuilder().string("general.architecture", "llama")
                .u32("llama.embedding_length", 16).u32("llama.feed_forward_length", 24).u32("llama.block_count", 1)
                .u32("llama.attention.head_count", 2).u32("llama.context_length", 64).f32("llama.rope.freq_base", 10000f)
                .f32("llama.attention.layer_norm_rms_epsilon", 1e-5f).u32("llama.vocab_size", 40)
                .f32Tensor("rope_freqs.weight", new float[] {1, 2, 7, 9}, 4).write(dir.resolve("rope.gguf"));
        try (GgufFile gguf = GgufFile.open(file)) {
            var e = assertThrows(CheckpointException.class, () -> GgufLlama.config(gguf));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("rope_freqs.weight")
                    && e.getMessage().contains("not llama3 scaling"), e.getMessage());
        }
    }

    @Test
    void refusesSomethingThatIsNeither(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("weights.bin"), "hello");
        assertRefused(text, "neither a Hugging Face folder nor a .gguf file");
        assertRefused(dir, "no config.json");
    }
}
