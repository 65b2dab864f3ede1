package dev.bedside.eval.run;

import dev.bedside.dpo.data.PromptTemplate;
import dev.bedside.eval.Sample;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.generate.Generator;
import dev.bedside.model.generate.SamplingConfig;
import dev.bedside.model.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A Bedside model answering with the paper's prompt ({@link PromptTemplate#PAPER}: the clinical system
 * instruction, then {@code Question: …\nAnswer:}, as plain text after BOS, the format the adapters are trained
 * on). With {@code adapterDir} the PEFT adapter there is attached to the same model on {@link #open()} and
 * detached on {@link #close()}: one copy of the weights serves the base model and every adapter.
 */
public final class ModelSystem implements AnswerSystem {
    private final String name;
    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final Set<Integer> eosIds;
    private final PromptTemplate template;
    private final SamplingConfig sampling;
    private final Path adapterDir;
    private LoraAdapter adapter;

    public ModelSystem(String name, LlamaModel model, Tokenizer tokenizer, Set<Integer> eosIds, PromptTemplate template,
                       SamplingConfig sampling, Path adapterDir) {
        this.name = name;
        this.model = model;
        this.tokenizer = tokenizer;
        this.eosIds = Set.copyOf(eosIds);
        this.template = template;
        this.sampling = sampling;
        this.adapterDir = adapterDir;
    }

    @Override public String name() { return name; }

    @Override public String kind() { return adapterDir == null ? "model" : "adapter"; }

    @Override
    public void open() throws Exception {
        if (adapterDir != null) adapter = LoraAdapter.load(model, adapterDir);
    }

    @Override
    public Answer answer(Sample sample, long seed) {
        int[] prompt = tokenizer.encode(template.prompt(sample.question()), true, false);
        SamplingConfig config = new SamplingConfig(sampling.temperature(), sampling.topK(), sampling.topP(), seed, sampling.maxTokens());
        long start = System.nanoTime();
        Generator.Result result = new Generator(model, eosIds).generate(prompt, config, id -> {});
        double seconds = (System.nanoTime() - start) / 1e9;
        String text = tokenizer.decode(result.tokens()).strip();
        return Answer.of(text, Map.of("prompt_tokens", result.promptTokens(), "tokens", result.tokens().length,
                "stop", result.stopReason().name().toLowerCase(java.util.Locale.ROOT), "seconds", Math.round(seconds * 1000) / 1000.0));
    }

    @Override
    public void close() {
        if (adapter != null) adapter.detach();
        adapter = null;
    }
}
