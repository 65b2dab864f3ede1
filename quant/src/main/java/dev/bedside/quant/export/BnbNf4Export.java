package dev.bedside.quant.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.model.LlamaCheckpoint;
import dev.bedside.quant.Nf4Matrix;
import dev.bedside.quant.QuantizedModels;
import dev.bedside.quant.Quantizer;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a Llama checkpoint as a Hugging Face folder in the layout transformers saves a bitsandbytes 4-bit
 * (QLoRA) model: the linear weights of every layer in NF4, everything else (embeddings, LM head, norms) in
 * its stored precision, as transformers leaves them.
 *
 * <p>Per quantized weight {@code W} (bitsandbytes {@code QuantState.as_dict(packed=True)}):
 * <pre>
 *   W                                   U8  [(rows·cols+1)/2, 1]  two codes per byte, first in the high nibble
 *   W.absmax                            U8  [blocks] dynamic-map codes (double quant) or F32 [blocks]
 *   W.quant_map                         F32 [16]   the NF4 values
 *   W.nested_absmax                     F32 [ceil(blocks/256)]          (double quant only)
 *   W.nested_quant_map                  F32 [256]  the dynamic map      (double quant only)
 *   W.quant_state.bitsandbytes__nf4     U8  [n]    UTF-8 JSON {quant_type, blocksize, dtype, shape,
 *                                                  nested_blocksize, nested_dtype, nested_offset}
 * </pre>
 * config.json gains {@code quantization_config} as {@code BitsAndBytesConfig.to_dict()} writes it; the
 * tokenizer and generation files are copied.
 */
public final class BnbNf4Export {
    private BnbNf4Export() {}

    static final String QUANT_STATE_SUFFIX = ".quant_state.bitsandbytes__nf4";
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final List<String> COPIED_FILES = List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json",
            "special_tokens_map.json");

    /** Quantizes the HF folder {@code input} into the folder {@code output} (created; files in it replaced). */
    public static void export(Path input, Path output, boolean doubleQuant) throws IOException {
        if (!Files.isDirectory(input) || !Files.isRegularFile(input.resolve("config.json"))) {
            throw new IOException(input + ": NF4 export needs a Hugging Face folder (config.json + safetensors)");
        }
        Files.createDirectories(output);
        try (LlamaCheckpoint checkpoint = LlamaCheckpoint.load(input)) {
            Map<String, Nf4Matrix> quantized = new ConcurrentHashMap<>();
            checkpoint.names().parallelStream().filter(BnbNf4Export::isQuantized)
                    .forEach(name -> quantized.put(name, (Nf4Matrix) Quantizer.quantize(checkpoint.tensor(name), DType.NF4, doubleQuant)));
            RawSafetensorsWriter writer = new RawSafetensorsWriter().metadata("format", "pt");
            for (String name : checkpoint.names().stream().sorted().toList()) {
                Nf4Matrix nf4 = quantized.get(name);
                if (nf4 != null) addNf4(writer, name, nf4);
                else addDense(writer, name, checkpoint.tensor(name));
            }
            writer.write(output.resolve("model.safetensors"));
            writeConfig(input.resolve("config.json"), output.resolve("config.json"), doubleQuant, checkpoint.config().torchDtype());
        }
        for (String file : COPIED_FILES) {
            if (Files.isRegularFile(input.resolve(file))) {
                Files.copy(input.resolve(file), output.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The weights bitsandbytes replaces: every nn.Linear of the layers (transformers keeps lm_head in full precision). */
    static boolean isQuantized(String name) {
        if (!name.startsWith("model.layers.")) return false;
        for (String module : QuantizedModels.LINEAR_MODULES) if (name.endsWith("." + module + ".weight")) return true;
        return false;
    }

    private static void addNf4(RawSafetensorsWriter w, String name, Nf4Matrix m) {
        long numel = (long) m.rows() * m.cols();
        w.add(name, "U8", new long[] {(numel + 1) / 2, 1}, m.packedWeights());
        if (m.doubleQuantized()) {
            byte[] codes = m.absmaxCodes();
            w.add(name + ".absmax", "U8", new long[] {codes.length}, MemorySegment.ofArray(codes));
        } else {
            float[] absmax = m.absmax();
            w.add(name + ".absmax", "F32", new long[] {absmax.length}, floats(absmax));
        }
        w.add(name + ".quant_map", "F32", new long[] {16}, floats(m.quantMap()));
        if (m.doubleQuantized()) {
            float[] nested = m.nestedAbsmax();
            w.add(name + ".nested_absmax", "F32", new long[] {nested.length}, floats(nested));
            w.add(name + ".nested_quant_map", "F32", new long[] {256}, floats(m.nestedQuantMap()));
        }
        byte[] state = quantStateJson(m).getBytes(StandardCharsets.UTF_8);
        w.add(name + QUANT_STATE_SUFFIX, "U8", new long[] {state.length}, MemorySegment.ofArray(state));
    }

    /** A float weight in its stored dtype (F32, F16 or BF16), as the bytes it already has when contiguous. */
    private static void addDense(RawSafetensorsWriter w, String name, Tensor t) {
        DType dtype = t.dtype();
        long[] shape = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
        if (t.storage() instanceof dev.bedside.tensor.Storage.Segment s && t.isContiguous()) {
            long width = dtype.bytes();
            w.add(name, dtype.name(), shape, s.segment().asSlice(t.offset() * width, t.numelLong() * width));
        } else {
            w.add(name, "F32", shape, floats(t.toFloatArray()));
        }
    }

    /** bitsandbytes' packed JSON: keys in as_dict order, written like Python's json.dumps. */
    static String quantStateJson(Nf4Matrix m) {
        StringBuilder s = new StringBuilder();
        s.append("{\"quant_type\": \"nf4\", \"blocksize\": ").append(m.blockSize());
        s.append(", \"dtype\": \"").append(torchName(m.sourceDtype())).append('"');
        s.append(", \"shape\": [").append(m.rows()).append(", ").append(m.cols()).append(']');
        if (m.doubleQuantized()) {
            s.append(", \"nested_blocksize\": ").append(m.nestedBlockSize());
            s.append(", \"nested_dtype\": \"float32\"");
            s.append(", \"nested_offset\": ").append((double) m.offset());
        }
        return s.append('}').toString();
    }

    static String torchName(DType dtype) {
        return switch (dtype) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> throw new IllegalArgumentException(dtype + " has no torch dtype name");
        };
    }

    /** The input config.json with transformers' BitsAndBytesConfig for NF4 added. */
    private static void writeConfig(Path input, Path output, boolean doubleQuant, String torchDtype) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(input.toFile());
        String compute = torchDtype == null || torchDtype.equals("float32") ? "float32" : torchDtype.toLowerCase(Locale.ROOT);
        ObjectNode q = config.putObject("quantization_config");
        q.put("_load_in_4bit", true);
        q.put("_load_in_8bit", false);
        q.put("bnb_4bit_compute_dtype", compute);
        q.put("bnb_4bit_quant_storage", "uint8");
        q.put("bnb_4bit_quant_type", "nf4");
        q.put("bnb_4bit_use_double_quant", doubleQuant);
        q.put("llm_int8_enable_fp32_cpu_offload", false);
        q.put("llm_int8_has_fp16_weight", false);
        q.putNull("llm_int8_skip_modules");
        q.put("llm_int8_threshold", 6.0);
        q.put("load_in_4bit", true);
        q.put("load_in_8bit", false);
        q.put("quant_method", "bitsandbytes");
        Path temporary = Files.createTempFile(output.toAbsolutePath().getParent(), ".config.json", ".tmp");
        try {
            json.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), config);
            ReadableFiles.share(temporary);   // temporary files are owner-only
            Files.move(temporary, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static MemorySegment floats(float[] values) {
        MemorySegment out = MemorySegment.ofArray(new byte[values.length * 4]);
        for (int i = 0; i < values.length; i++) out.setAtIndex(F32_LE, i, values[i]);
        return out;
    }

}
