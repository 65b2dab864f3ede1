package dev.bedside.model;

import dev.bedside.model.gguf.GgufFile;
import dev.bedside.model.gguf.GgufTensorInfo;
import dev.bedside.model.gguf.QuantizedTensor;
import dev.bedside.model.safetensors.SafetensorsCheckpoint;
import dev.bedside.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Llama 3.x checkpoint opened for use: its config and its weights under Hugging Face names and layout,
 * whether it came from an HF folder (config.json + safetensors, sharded or not) or a GGUF file.
 * Weights are views into memory-mapped files (q/k from GGUF are re-ordered copies); close the checkpoint
 * when they are no longer used.
 */
public final class LlamaCheckpoint implements AutoCloseable {
    private final Path source;
    private final LlamaConfig config;
    private final GenerationConfig generationConfig;
    private final Map<String, Tensor> dense;
    private final Map<String, QuantizedTensor> quantized;
    private final List<AutoCloseable> resources;

    private LlamaCheckpoint(Path source, LlamaConfig config, GenerationConfig generationConfig, Map<String, Tensor> dense,
                            Map<String, QuantizedTensor> quantized, List<AutoCloseable> resources) {
        this.source = source;
        this.config = config;
        this.generationConfig = generationConfig;
        this.dense = dense;
        this.quantized = quantized;
        this.resources = resources;
    }

    /** An HF folder, or a {@code .gguf} file. Every tensor is checked against the config. */
    public static LlamaCheckpoint load(Path path) throws IOException {
        if (Files.isDirectory(path)) return loadHuggingFace(path);
        if (path.getFileName().toString().endsWith(".gguf")) return loadGguf(path);
        throw new CheckpointException(path, "neither a Hugging Face folder nor a .gguf file");
    }

    private static LlamaCheckpoint loadHuggingFace(Path folder) throws IOException {
        Path configFile = folder.resolve("config.json");
        if (!Files.exists(configFile)) throw new CheckpointException(folder, "no config.json");
        LlamaConfig config = LlamaConfig.load(configFile);
        Path generationFile = folder.resolve("generation_config.json");
        GenerationConfig generation = Files.exists(generationFile) ? GenerationConfig.load(generationFile) : GenerationConfig.EMPTY;
        SafetensorsCheckpoint weights = SafetensorsCheckpoint.open(folder);
        try {
            Map<String, int[]> shapes = new LinkedHashMap<>();
            weights.tensors().forEach((name, tensor) -> shapes.put(name, tensor.shape()));
            LlamaLayout.check(folder, config, shapes);
            Map<String, Tensor> dense = new LinkedHashMap<>();
            for (String name : LlamaLayout.expectedShapes(config).keySet()) dense.put(name, weights.tensors().get(name));
            return new LlamaCheckpoint(folder, config, generation, dense, Map.of(), List.of(weights));
        } catch (IOException | RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    private static LlamaCheckpoint loadGguf(Path file) throws IOException {
        GgufFile gguf = GgufFile.open(file);
        Arena reordered = Arena.ofShared();
        try {
            LlamaConfig config = GgufLlama.config(gguf);
            LlamaLayout.check(file, config, GgufLlama.hfShapes(gguf));
            Map<String, Tensor> dense = new LinkedHashMap<>();
            Map<String, QuantizedTensor> quantized = new LinkedHashMap<>();
            for (GgufTensorInfo info : gguf.tensorInfos()) {
                String name = GgufLlama.hfName(info.name());
                if (name == null) continue;   // rope_freqs: already folded into the config
                int[] shape = info.shape();
                MemorySegment bytes = gguf.bytes(info.name());
                int heads = GgufLlama.permutedHeads(name, config);
                if (heads > 0) bytes = GgufLlama.unpermuteRows(bytes, shape[0], heads, reordered);
                if (info.type().isQuantized()) quantized.put(name, new QuantizedTensor(info.type(), shape, bytes));
                else dense.put(name, Tensor.ofSegment(bytes, info.type().dtype(), shape));
            }
            GenerationConfig generation = new GenerationConfig(config.bosTokenId(), config.eosTokenIds(), null, null, null, null, null, null);
            return new LlamaCheckpoint(file, config, generation, dense, quantized, List.of(gguf, reordered));
        } catch (IOException | RuntimeException e) {
            reordered.close();
            gguf.close();
            throw e;
        }
    }

    public Path source() { return source; }

    public LlamaConfig config() { return config; }

    /** From generation_config.json (HF) or the tokenizer ids (GGUF); fields the source lacks are null. */
    public GenerationConfig generationConfig() { return generationConfig; }

    /** HF names of all weights (lm_head only when untied). */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>(LlamaLayout.expectedShapes(config).keySet());
        return Collections.unmodifiableSet(names);
    }

    /**
     * A weight by HF name: a view (F32/F16/BF16 storage) for float formats; for Q8_0/Q4_0 an exact F32
     * decoding, made on every call (keep the result).
     */
    public Tensor tensor(String name) {
        Tensor tensor = dense.get(name);
        if (tensor != null) return tensor;
        QuantizedTensor blocks = quantized.get(name);
        if (blocks != null) return blocks.dequantize();
        throw new IllegalArgumentException(source + ": no tensor '" + name + "' (tied embeddings have no lm_head.weight)");
    }

    /** The raw blocks of a quantized weight (rows already in HF order), if it is stored quantized. */
    public Optional<QuantizedTensor> quantized(String name) { return Optional.ofNullable(quantized.get(name)); }

    /** All weights by role; quantized ones are decoded to F32 (see {@link #tensor}). */
    public LlamaWeights weights() { return LlamaWeights.of(config, this::tensor); }

    @Override
    public void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException(source + ": closing failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "LlamaCheckpoint[" + source + ", " + config.numHiddenLayers() + " layers, hidden " + config.hiddenSize() + ", "
                + dense.size() + " float + " + quantized.size() + " quantized tensors]";
    }
}
