package dev.bedside.model.bert;

import static dev.bedside.model.bert.MiniLmFixture.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedside.model.CheckpointException;
import dev.bedside.model.safetensors.SafetensorsWriter;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hugging Face folder path: MiniLM's ONNX weights written under BertModel's names (dense matrices as
 * [out, in]) with the files sentence-transformers saves, loaded back, must give the fixture's embeddings, equal
 * to the ONNX path's. The same weights rearranged as an MPNet (positions shifted by two, token type folded into
 * the position table, a zero relative-position bias) must agree too.
 */
class HfFolderTest {
    @TempDir static Path dir;
    private static List<JsonNode> sentences;
    private static SentenceEncoder onnx;

    @BeforeAll
    static void load() {
        sentences = sentences();   // skips without the fixture
        onnx = SentenceEncoder.miniLm();
    }

    @Test
    void bertFolderGivesTheFixtureEmbeddings() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("all-MiniLM-L6-v2"));
        EncoderWeights w = onnx.encoder().weights();
        SafetensorsWriter writer = new SafetensorsWriter();
        writer.add("embeddings.word_embeddings.weight", w.wordEmbeddings(), DType.F32)
                .add("embeddings.position_embeddings.weight", w.positionEmbeddings(), DType.F32)
                .add("embeddings.token_type_embeddings.weight", w.tokenTypeEmbeddings(), DType.F32)
                .add("embeddings.LayerNorm.weight", w.embeddingNormWeight(), DType.F32)
                .add("embeddings.LayerNorm.bias", w.embeddingNormBias(), DType.F32);
        for (int l = 0; l < w.layers().size(); l++) {
            EncoderWeights.Layer layer = w.layers().get(l);
            String p = "encoder.layer." + l + ".";
            add(writer, p + "attention.self.query", layer.query(), layer.queryBias());
            add(writer, p + "attention.self.key", layer.key(), layer.keyBias());
            add(writer, p + "attention.self.value", layer.value(), layer.valueBias());
            add(writer, p + "attention.output.dense", layer.attentionOutput(), layer.attentionOutputBias());
            add(writer, p + "attention.output.LayerNorm", layer.attentionNormWeight(), layer.attentionNormBias());
            add(writer, p + "intermediate.dense", layer.intermediate(), layer.intermediateBias());
            add(writer, p + "output.dense", layer.output(), layer.outputBias());
            add(writer, p + "output.LayerNorm", layer.outputNormWeight(), layer.outputNormBias());
        }
        writer.write(folder.resolve("model.safetensors"));
        Files.writeString(folder.resolve("config.json"), """
                {"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 384, "num_hidden_layers": 6,
                 "num_attention_heads": 12, "intermediate_size": 1536, "vocab_size": 30522, "max_position_embeddings": 512,
                 "type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_act": "gelu"}""");
        writeSentenceTransformersFiles(folder, 256);

        SentenceEncoder hf = SentenceEncoder.load(folder);
        assertEquals("all-MiniLM-L6-v2", hf.name());
        assertEquals(256, hf.maxTokens());
        List<String> texts = sentences.stream().map(s -> s.path("text").asText()).toList();
        float[][] fromFolder = hf.embed(texts), fromOnnx = onnx.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            String id = sentences.get(i).path("id").asText();
            assertArrayEquals(fromOnnx[i], fromFolder[i], id + ": the two loaders give the same weights");
            double diff = maxAbsDiff(floats(sentences.get(i).path("embedding")), fromFolder[i]);
            assertTrue(diff <= 1e-4, id + ": max |Δ| " + diff);
        }
    }

    @Test
    void mpnetFolderWithZeroRelativeBiasEqualsTheBertItWasMadeFrom() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("mpnet-from-minilm"));
        EncoderWeights w = onnx.encoder().weights();
        // MPNet position p + 2 holds BERT's position p plus the token-type-0 row (MPNet has no token types).
        float[] bertPositions = w.positionEmbeddings().toFloatArray(), type0 = w.tokenTypeEmbeddings().slice(0, 0, 1).toFloatArray();
        float[] positions = new float[514 * 384];
        for (int p = 0; p < 512; p++) {
            for (int i = 0; i < 384; i++) positions[(p + 2) * 384 + i] = bertPositions[p * 384 + i] + type0[i];
        }
        SafetensorsWriter writer = new SafetensorsWriter();
        writer.add("embeddings.word_embeddings.weight", w.wordEmbeddings(), DType.F32)
                .add("embeddings.position_embeddings.weight", Tensor.of(positions, 514, 384), DType.F32)
                .add("embeddings.LayerNorm.weight", w.embeddingNormWeight(), DType.F32)
                .add("embeddings.LayerNorm.bias", w.embeddingNormBias(), DType.F32)
                .add("encoder.relative_attention_bias.weight", Tensor.zeros(32, 12), DType.F32);
        for (int l = 0; l < w.layers().size(); l++) {
            EncoderWeights.Layer layer = w.layers().get(l);
            String p = "encoder.layer." + l + ".";
            add(writer, p + "attention.attn.q", layer.query(), layer.queryBias());
            add(writer, p + "attention.attn.k", layer.key(), layer.keyBias());
            add(writer, p + "attention.attn.v", layer.value(), layer.valueBias());
            add(writer, p + "attention.attn.o", layer.attentionOutput(), layer.attentionOutputBias());
            add(writer, p + "attention.LayerNorm", layer.attentionNormWeight(), layer.attentionNormBias());
            add(writer, p + "intermediate.dense", layer.intermediate(), layer.intermediateBias());
            add(writer, p + "output.dense", layer.output(), layer.outputBias());
            add(writer, p + "output.LayerNorm", layer.outputNormWeight(), layer.outputNormBias());
        }
        writer.write(folder.resolve("model.safetensors"));
        Files.writeString(folder.resolve("config.json"), """
                {"architectures": ["MPNetModel"], "model_type": "mpnet", "hidden_size": 384, "num_hidden_layers": 6,
                 "num_attention_heads": 12, "intermediate_size": 1536, "vocab_size": 30522, "max_position_embeddings": 514,
                 "layer_norm_eps": 1e-12, "hidden_act": "gelu", "pad_token_id": 1, "relative_attention_num_buckets": 32}""");
        writeSentenceTransformersFiles(folder, 384);

        SentenceEncoder mpnet = SentenceEncoder.load(folder);
        assertEquals(384, mpnet.maxTokens());
        List<String> texts = sentences.stream().map(s -> s.path("text").asText()).toList();
        float[][] actual = mpnet.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            JsonNode s = sentences.get(i);
            float[] expected = floats(s.path(s.path("embedding_max512").isNull() ? "embedding" : "embedding_max512"));
            double diff = maxAbsDiff(expected, actual[i]);
            assertTrue(diff <= 1e-4, s.path("id").asText() + ": max |Δ| " + diff);
        }
    }

    @Test
    void mpnetBucketsFollowTheDefinition() {
        // Worked by hand from relative_position_bucket(num_buckets=32, max_distance=128): 16 buckets per direction,
        // distances below 8 exact, then 8 + ⌊log(n/8) / log(16) · 8⌋ capped at 15; keys after the query add 16.
        int[][] cases = {{0, 0}, {-1, 1}, {-7, 7}, {-8, 8}, {-10, 8}, {-15, 9}, {-16, 10}, {-32, 12}, {-127, 15}, {-128, 15}, {-5000, 15},
                {1, 17}, {7, 23}, {8, 24}, {20, 26}, {64, 30}, {200, 31}};
        for (int[] c : cases) assertEquals(c[1], RelativePositions.bucket(c[0], 32, 128), "relative position " + c[0]);
    }

    @Test
    void folderErrorsNameTheFile() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("broken"));
        assertTrue(assertThrows(IOException.class, () -> SentenceEncoder.load(folder)).getMessage().contains("config.json"));
        Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
        var e = assertThrows(CheckpointException.class, () -> SentenceEncoder.load(folder));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("gpt2"), e.getMessage());
    }

    private static void add(SafetensorsWriter writer, String prefix, Tensor weight, Tensor bias) {
        writer.add(prefix + ".weight", weight, DType.F32).add(prefix + ".bias", bias, DType.F32);
    }

    private static void writeSentenceTransformersFiles(Path folder, int maxSeqLength) throws IOException {
        try (InputStream in = HfFolderTest.class.getResourceAsStream("/" + SentenceEncoder.MINILM_TOKENIZER)) {
            Files.write(folder.resolve("tokenizer.json"), in.readAllBytes());
        }
        Files.writeString(folder.resolve("sentence_bert_config.json"), "{\"max_seq_length\": " + maxSeqLength + ", \"do_lower_case\": false}");
        Files.writeString(folder.resolve("modules.json"), """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                 {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]""");
        Files.createDirectories(folder.resolve("1_Pooling"));
        Files.writeString(folder.resolve("1_Pooling/config.json"), """
                {"word_embedding_dimension": 384, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true}""");
    }
}
