package dev.bedside.cli;

import dev.bedside.model.GenerationConfig;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.generate.SamplingConfig;
import dev.bedside.model.tokenizer.Tokenizer;
import dev.bedside.model.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/** A model and its tokenizer, loaded from one Hugging Face folder or GGUF file, as the commands use them. */
record LoadedModel(LlamaModel model, Tokenizer tokenizer) implements AutoCloseable {

    static LoadedModel load(Path path) throws IOException {
        LlamaModel model = LlamaModel.load(path);
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
        return new SamplingConfig(t, k, p, seed != null ? seed : System.nanoTime(), maxTokens);
    }

    @Override
    public void close() throws Exception {
        model.close();
    }
}
