package dev.bedside.quant.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.model.CheckpointException;
import dev.bedside.model.GenerationConfig;
import dev.bedside.model.LlamaConfig;
import dev.bedside.model.LlamaLayout;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.LlamaWeights;
import dev.bedside.model.safetensors.SafetensorsFile;
import dev.bedside.quant.Nf4Matrix;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a Hugging Face bitsandbytes 4-bit folder (the layout {@link BnbNf4Export} writes and transformers
 * saves: config.json with {@code quantization_config}, one model.safetensors) into Llama weights: NF4
 * weights become {@link Nf4Matrix} over the memory-mapped packed codes, the rest are views of their
 * float tensors. Only NF4 with bitsandbytes' standard maps and block sizes (64, nested 256) is accepted.
 */
public final class BnbNf4Checkpoint implements AutoCloseable {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LlamaConfig config;
    private final SafetensorsFile file;
    private final Map<String, Tensor> weights;

    private BnbNf4Checkpoint(LlamaConfig config, SafetensorsFile file, Map<String, Tensor> weights) {
        this.config = config;
        this.file = file;
        this.weights = weights;
    }

    /** True when {@code folder}'s config.json says bitsandbytes 4-bit. */
    public static boolean isBnb4Bit(Path folder) throws IOException {
        Path config = folder.resolve("config.json");
        if (!Files.isRegularFile(config)) return false;
        JsonNode q = JSON.readTree(config.toFile()).path("quantization_config");
        return "bitsandbytes".equals(q.path("quant_method").asText()) && q.path("load_in_4bit").asBoolean(false);
    }

    public static BnbNf4Checkpoint open(Path folder) throws IOException {
        Path configFile = folder.resolve("config.json");
        if (!isBnb4Bit(folder)) throw new CheckpointException(folder, "config.json has no bitsandbytes 4-bit quantization_config");
        JsonNode q = JSON.readTree(configFile.toFile()).path("quantization_config");
        if (!"nf4".equals(q.path("bnb_4bit_quant_type").asText())) {
            throw new CheckpointException(configFile, "bnb_4bit_quant_type '" + q.path("bnb_4bit_quant_type").asText() + "' is not supported (only nf4)");
        }
        LlamaConfig config = LlamaConfig.load(configFile);
        Path weightsFile = folder.resolve("model.safetensors");
        if (!Files.isRegularFile(weightsFile)) throw new CheckpointException(folder, "no model.safetensors (sharded bnb checkpoints are not read)");
        SafetensorsFile file = SafetensorsFile.open(weightsFile);
        try {
            Map<String, Tensor> weights = new LinkedHashMap<>();
            for (Map.Entry<String, int[]> e : LlamaLayout.expectedShapes(config).entrySet()) {
                String name = e.getKey();
                if (!file.contains(name)) throw new CheckpointException(weightsFile, name, "missing");
                Tensor t = file.contains(name + BnbNf4Export.QUANT_STATE_SUFFIX) ? Tensor.ofQuantized(nf4(file, name)) : file.tensor(name);
                if (!Arrays.equals(t.shape(), e.getValue())) {
                    throw new CheckpointException(weightsFile, name, "shape " + Arrays.toString(t.shape()) + ", the config needs " + Arrays.toString(e.getValue()));
                }
                weights.put(name, t);
            }
            return new BnbNf4Checkpoint(config, file, weights);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** One NF4 weight from its packed codes, constants and JSON quant state. */
    static Nf4Matrix nf4(SafetensorsFile file, String name) throws CheckpointException {
        Path path = file.path();
        JsonNode state;
        try {
            state = JSON.readTree(new String(bytes(file, name + BnbNf4Export.QUANT_STATE_SUFFIX), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CheckpointException(path, name, "quant state is not JSON: " + e.getMessage());
        }
        if (!"nf4".equals(state.path("quant_type").asText()) || state.path("blocksize").asInt() != Nf4Matrix.BLOCK_SIZE) {
            throw new CheckpointException(path, name, "quant state " + state + ": only nf4 with blocksize " + Nf4Matrix.BLOCK_SIZE + " is supported");
        }
        int rows = state.path("shape").path(0).asInt(-1), cols = state.path("shape").path(1).asInt(-1);
        if (state.path("shape").size() != 2 || rows < 0 || cols < 0) throw new CheckpointException(path, name, "quant state shape " + state.path("shape") + " is not 2-D");
        DType source = switch (state.path("dtype").asText()) {
            case "float32" -> DType.F32;
            case "float16" -> DType.F16;
            case "bfloat16" -> DType.BF16;
            default -> throw new CheckpointException(path, name, "quant state dtype '" + state.path("dtype").asText() + "' is not float32/float16/bfloat16");
        };
        MemorySegment packed = file.bytes(name);
        boolean nested = state.has("nested_offset");
        Nf4Matrix m;
        if (nested) {
            if (state.path("nested_blocksize").asInt() != Nf4Matrix.NESTED_BLOCK_SIZE || !"float32".equals(state.path("nested_dtype").asText())) {
                throw new CheckpointException(path, name, "nested quant state " + state + ": only blocksize " + Nf4Matrix.NESTED_BLOCK_SIZE + " float32 is supported");
            }
            m = Nf4Matrix.nested(packed, bytes(file, name + ".absmax"), floats(file, name + ".nested_absmax"),
                    (float) state.get("nested_offset").asDouble(), rows, cols, source);
            if (!Arrays.equals(floats(file, name + ".nested_quant_map"), m.nestedQuantMap())) {
                throw new CheckpointException(path, name + ".nested_quant_map", "is not bitsandbytes' signed dynamic map");
            }
        } else {
            m = Nf4Matrix.of(packed, floats(file, name + ".absmax"), rows, cols, source);
        }
        if (!Arrays.equals(floats(file, name + ".quant_map"), m.quantMap())) {
            throw new CheckpointException(path, name + ".quant_map", "is not the NF4 map");
        }
        return m;
    }

    private static byte[] bytes(SafetensorsFile file, String name) throws CheckpointException {
        if (!file.contains(name)) throw new CheckpointException(file.path(), name, "missing");
        if (!file.entry(name).dtype().equals("U8")) throw new CheckpointException(file.path(), name, "dtype " + file.entry(name).dtype() + ", expected U8");
        return file.bytes(name).toArray(ValueLayout.JAVA_BYTE);
    }

    private static float[] floats(SafetensorsFile file, String name) throws CheckpointException {
        if (!file.contains(name)) throw new CheckpointException(file.path(), name, "missing");
        if (!file.entry(name).dtype().equals("F32")) throw new CheckpointException(file.path(), name, "dtype " + file.entry(name).dtype() + ", expected F32");
        MemorySegment s = file.bytes(name);
        float[] out = new float[(int) (s.byteSize() / 4)];
        for (int i = 0; i < out.length; i++) out[i] = s.getAtIndex(F32_LE, i);
        return out;
    }

    public LlamaConfig config() { return config; }

    /** A weight by HF name: NF4 weights as quantized tensors, the others as views. */
    public Tensor tensor(String name) {
        Tensor t = weights.get(name);
        if (t == null) throw new IllegalArgumentException(file.path() + ": no weight '" + name + "'");
        return t;
    }

    public LlamaWeights weights() { return LlamaWeights.of(config, this::tensor); }

    /** A model over these weights; closing the model closes the file. */
    public LlamaModel model(int contextLength) throws IOException {
        Path generation = file.path().resolveSibling("generation_config.json");
        GenerationConfig defaults = Files.isRegularFile(generation) ? GenerationConfig.load(generation) : GenerationConfig.EMPTY;
        return new LlamaModel(config, defaults, weights(), contextLength, this);
    }

    private boolean closed;

    /** Closes the mapping once (the model and the caller may both close it). */
    @Override
    public synchronized void close() {
        if (!closed) file.close();
        closed = true;
    }
}
