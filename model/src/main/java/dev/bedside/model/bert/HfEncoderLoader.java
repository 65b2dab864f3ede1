package dev.bedside.model.bert;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.model.CheckpointException;
import dev.bedside.model.safetensors.SafetensorsCheckpoint;
import dev.bedside.tensor.Backends;
import dev.bedside.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A sentence-transformers model saved as a Hugging Face folder: {@code config.json} ({@code model_type} bert or
 * mpnet), {@code model.safetensors}, {@code tokenizer.json}; {@code sentence_bert_config.json} for max_seq_length
 * and {@code modules.json} for the pooling module's folder (its {@code config.json} picks mean or CLS pooling) and
 * whether a Normalize module follows. Without modules.json: mean pooling, normalised. Weights are copied to the
 * heap as float32, so the files are closed when this returns.
 */
public final class HfEncoderLoader {
    private HfEncoderLoader() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    public static SentenceEncoder load(Path folder) throws IOException {
        Path configFile = folder.resolve("config.json");
        JsonNode config = readJson(configFile, true);
        String type = config.path("model_type").asText();
        if (!type.equals("bert") && !type.equals("mpnet")) {
            throw new CheckpointException(configFile, "model_type '" + type + "' is not supported (bert and mpnet are)");
        }
        String act = config.path("hidden_act").asText("gelu");
        if (!act.equals("gelu")) throw new CheckpointException(configFile, "hidden_act '" + act + "' is not supported (gelu is)");
        boolean mpnet = type.equals("mpnet");
        EncoderConfig shape = new EncoderConfig(type, required(configFile, config, "hidden_size"),
                required(configFile, config, "num_hidden_layers"), required(configFile, config, "num_attention_heads"),
                required(configFile, config, "intermediate_size"), required(configFile, config, "vocab_size"),
                required(configFile, config, "max_position_embeddings"), mpnet ? 0 : config.path("type_vocab_size").asInt(2),
                (float) config.path("layer_norm_eps").asDouble(mpnet ? 1e-5 : 1e-12),
                mpnet ? config.path("pad_token_id").asInt(1) + 1 : 0,
                mpnet ? config.path("relative_attention_num_buckets").asInt(32) : 0, mpnet ? 128 : 0);

        EncoderWeights weights;
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(folder)) {
            Path file = checkpoint.files().getFirst();
            weights = mpnet ? mpnetWeights(file, checkpoint.tensors(), shape) : bertWeights(file, checkpoint.tensors(), shape);
        }
        WordPieceTokenizer tokenizer = WordPieceTokenizer.load(folder.resolve("tokenizer.json"));

        JsonNode st = readJson(folder.resolve("sentence_bert_config.json"), false);
        int maxTokens = st.path("max_seq_length").asInt(tokenizer.fileTruncation() > 0 ? tokenizer.fileTruncation() : shape.maxTokens());
        maxTokens = Math.min(maxTokens, shape.maxTokens());
        SentenceEncoder.Pooling pooling = SentenceEncoder.Pooling.MEAN;
        boolean normalize = true;
        JsonNode modules = readJson(folder.resolve("modules.json"), false);
        if (modules.isArray()) {
            normalize = false;
            for (JsonNode module : modules) {
                String moduleType = module.path("type").asText();
                if (moduleType.endsWith(".Normalize")) normalize = true;
                if (moduleType.endsWith(".Pooling")) pooling = pooling(folder.resolve(module.path("path").asText()).resolve("config.json"));
            }
        }
        Encoder encoder = new Encoder(shape, weights, Backends.current());
        return new SentenceEncoder(folder.getFileName().toString(), tokenizer, encoder, maxTokens, pooling, normalize);
    }

    private static SentenceEncoder.Pooling pooling(Path file) throws IOException {
        JsonNode json = readJson(file, true);
        if (json.path("pooling_mode_mean_tokens").asBoolean(false)) return SentenceEncoder.Pooling.MEAN;
        if (json.path("pooling_mode_cls_token").asBoolean(false)) return SentenceEncoder.Pooling.CLS;
        throw new CheckpointException(file, "pooling mode not supported (mean tokens and CLS token are)");
    }

    /**
     * Where an architecture keeps a layer's attention weights (q, k, v, output projection, the LayerNorm after
     * attention), relative to {@code encoder.layer.N.}; the feed-forward names are the same in BERT and MPNet.
     */
    private record AttentionNames(String query, String key, String value, String output, String norm) {
        static final AttentionNames BERT = new AttentionNames("attention.self.query", "attention.self.key",
                "attention.self.value", "attention.output.dense", "attention.output.LayerNorm");
        static final AttentionNames MPNET = new AttentionNames("attention.attn.q", "attention.attn.k",
                "attention.attn.v", "attention.attn.o", "attention.LayerNorm");
    }

    private static List<EncoderWeights.Layer> layers(Names n, EncoderConfig c, AttentionNames a) throws CheckpointException {
        int h = c.hidden(), inter = c.intermediate();
        List<EncoderWeights.Layer> layers = new ArrayList<>();
        for (int l = 0; l < c.layers(); l++) {
            String p = "encoder.layer." + l + ".";
            layers.add(new EncoderWeights.Layer(
                    n.get(p + a.query() + ".weight", h, h), n.get(p + a.query() + ".bias", h),
                    n.get(p + a.key() + ".weight", h, h), n.get(p + a.key() + ".bias", h),
                    n.get(p + a.value() + ".weight", h, h), n.get(p + a.value() + ".bias", h),
                    n.get(p + a.output() + ".weight", h, h), n.get(p + a.output() + ".bias", h),
                    n.get(p + a.norm() + ".weight", h), n.get(p + a.norm() + ".bias", h),
                    n.get(p + "intermediate.dense.weight", inter, h), n.get(p + "intermediate.dense.bias", inter),
                    n.get(p + "output.dense.weight", h, inter), n.get(p + "output.dense.bias", h),
                    n.get(p + "output.LayerNorm.weight", h), n.get(p + "output.LayerNorm.bias", h)));
        }
        return layers;
    }

    private static EncoderWeights bertWeights(Path file, Map<String, Tensor> t, EncoderConfig c) throws CheckpointException {
        Names n = new Names(file, t, "bert.");
        int h = c.hidden();
        List<EncoderWeights.Layer> layers = layers(n, c, AttentionNames.BERT);
        return new EncoderWeights(n.get("embeddings.word_embeddings.weight", c.vocab(), h),
                n.get("embeddings.position_embeddings.weight", c.maxPositions(), h),
                n.get("embeddings.token_type_embeddings.weight", c.typeVocab(), h),
                n.get("embeddings.LayerNorm.weight", h), n.get("embeddings.LayerNorm.bias", h), null, layers);
    }

    /** MPNet (Hugging Face's MPNetModel): q, k, v, o under attention.attn, one relative bias table for all layers. */
    private static EncoderWeights mpnetWeights(Path file, Map<String, Tensor> t, EncoderConfig c) throws CheckpointException {
        Names n = new Names(file, t, "mpnet.");
        int h = c.hidden();
        List<EncoderWeights.Layer> layers = layers(n, c, AttentionNames.MPNET);
        return new EncoderWeights(n.get("embeddings.word_embeddings.weight", c.vocab(), h),
                n.get("embeddings.position_embeddings.weight", c.maxPositions(), h), null,
                n.get("embeddings.LayerNorm.weight", h), n.get("embeddings.LayerNorm.bias", h),
                n.get("encoder.relative_attention_bias.weight", c.relativeBuckets(), c.heads()), layers);
    }

    /** Tensors by name (with or without the model-class prefix), checked and copied to the heap as float32. */
    private record Names(Path file, Map<String, Tensor> tensors, String prefix) {
        Tensor get(String name, int... shape) throws CheckpointException {
            Tensor t = tensors.containsKey(name) ? tensors.get(name) : tensors.get(prefix + name);
            if (t == null) throw new CheckpointException(file, name, "missing");
            return WeightCheck.require(file, name, t, shape).copy();
        }
    }

    private static int required(Path file, JsonNode config, String field) throws CheckpointException {
        JsonNode value = config.path(field);
        if (!value.canConvertToInt() || value.asInt() <= 0) throw new CheckpointException(file, "'" + field + "' missing or not a positive integer");
        return value.asInt();
    }

    private static JsonNode readJson(Path file, boolean required) throws IOException {
        if (!Files.isRegularFile(file)) {
            if (required) throw new CheckpointException(file, "not found");
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new CheckpointException(file, "bad JSON: " + e.getOriginalMessage());
        }
    }
}
