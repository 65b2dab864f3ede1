package dev.bedside.cli;

import dev.bedside.lora.LoraAdapter;
import dev.bedside.model.GenerationConfig;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.generate.SamplingConfig;
import dev.bedside.model.tokenizer.Tokenizer;
import dev.bedside.model.tokenizer.Tokenizers;
import dev.bedside.quant.QuantizedModels;
import dev.bedside.tensor.DType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/** A model and its tokenizer (weights optionally quantized on load), loaded from one Hugging Face folder or GGUF file, as the commands use them. */
record LoadedModel(LlamaModel model, Tokenizer tokenizer) implements AutoCloseable {

    static LoadedModel load(Path path) throws IOException {
        return load(path, null);
    }

    /** {@code quant}: Q8_0, Q4_0 or NF4 for the linear weights of a float checkpoint, or null (see {@link QuantizedModels}). */
    static LoadedModel load(Path path, DType quant) throws IOException {
        LlamaModel model = QuantizedModels.load(path, quant);
        try {
            return new LoadedModel(model, Tokenizers.load(path));
        } catch (IOException | RuntimeException e) {
            try {
                model.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** {@link #load(Path, DType)}, then the PEFT adapter in {@code adapter} attached (null: the base model alone). */
    static LoadedModel load(Path path, DType quant, Path adapter) throws IOException {
        LoadedModel loaded = load(path, quant);
        if (adapter == null) return loaded;
        try {
            LoraAdapter.load(loaded.model(), adapter);
            return loaded;
        } catch (IOException | RuntimeException e) {
            try {
                loaded.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The {@code --quant} value: nf4, q4_0, q8_0 or none. */
    static DType quant(String name) {
        try {
            return QuantizedModels.parseFormat(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--quant: " + e.getMessage());
        }
    }

    /** End-of-generation ids from the config, the generation config and the tokenizer together. */
    Set<Integer> eosIds() {
        Set<Integer> ids = new TreeSet<>(model.eosIds());
        ids.addAll(tokenizer.eosIds());
        return ids;
    }

    /**
     * Sampling settings: command-line values first, then generation_config.json (as Hugging Face's generate
     * does), then greedy. {@code null} means "not given".
     */
    SamplingConfig sampling(Double temperature, Double topP, Integer topK, Long seed, int maxTokens) {
        GenerationConfig defaults = model.generationConfig();
        boolean sampleByDefault = Boolean.TRUE.equals(defaults.doSample());
        double t = temperature != null ? temperature
                : sampleByDefault && defaults.temperature() != null ? defaults.temperature() : 0.0;
        double p = topP != null ? topP : sampleByDefault && defaults.topP() != null ? defaults.topP() : 1.0;
        int k = topK != null ? topK : sampleByDefault && defaults.topK() != null ? defaults.topK() : 0;
        double penalty = defaults.repetitionPenalty() != null ? defaults.repetitionPenalty() : 1.0;   // applied with or without sampling, as HF
        return new SamplingConfig(t, k, p, seed != null ? seed : System.nanoTime(), maxTokens, penalty);
    }

    @Override
    public void close() throws Exception {
        model.close();
    }
}
