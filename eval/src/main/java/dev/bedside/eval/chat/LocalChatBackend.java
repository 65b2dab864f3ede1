package dev.bedside.eval.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.autograd.Autograd;
import dev.bedside.model.KvCache;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.generate.Sampler;
import dev.bedside.model.generate.SamplingConfig;
import dev.bedside.model.tokenizer.ChatFormat;
import dev.bedside.model.tokenizer.Tokenizer;
import dev.bedside.model.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Bedside Llama model in this process, answering chats: the judge, or a system under evaluation, without a
 * server.
 *
 * <p>The messages are rendered with the model's chat template ({@link ChatFormat}: Llama 3.1's when the tokenizer's
 * template is 3.1's), then tokens are generated one at a time with a KV cache and the {@link Sampler} (temperature
 * 0 is greedy; otherwise seeded, so a run is reproducible) until an end-of-turn id or {@code maxTokens}.
 *
 * <p>Log-probs, when {@code topLogprobs > 0}: at every generated token, the log-softmax of the model's logits
 * (before temperature, as OpenAI and vLLM report them) gives the chosen token's log-probability and the
 * {@code topLogprobs} most likely tokens, each token written as its decoded text.
 *
 * <p>One request at a time: the model is not shared between threads.
 */
public final class LocalChatBackend implements ChatBackend {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final ChatFormat format;
    private final Set<Integer> stopIds;

    public LocalChatBackend(String name, LlamaModel model, Tokenizer tokenizer, ChatFormat format) {
        this.name = name;
        this.model = model;
        this.tokenizer = tokenizer;
        this.format = format;
        // End of turn: every EOS the model's and the tokenizer's configurations name, and <|eot_id|> in any case.
        Set<Integer> ids = new TreeSet<>(model.eosIds());
        ids.addAll(tokenizer.eosIds());
        ids.add(tokenizer.id("<|eot_id|>"));
        this.stopIds = Set.copyOf(ids);
    }

    /** A model folder or GGUF file with its tokenizer (from the same folder or file) and {@link #chatFormat}. */
    public static LocalChatBackend load(Path path, int contextLength) throws IOException {
        Tokenizer tokenizer = Tokenizers.load(path);
        LlamaModel model = LlamaModel.load(path, contextLength);
        String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        return new LocalChatBackend(name, model, tokenizer, chatFormat(model, tokenizer));
    }

    /**
     * The chat template for a model: Llama 3.1's when the tokenizer's own template is, or when the model has Llama
     * 3.1's rope scaling (some 3.1 checkpoints ship Llama 3's tokenizer files, as the tiny fixture does); Llama 3's
     * otherwise.
     */
    public static ChatFormat chatFormat(LlamaModel model, Tokenizer tokenizer) {
        ChatFormat own = new ChatFormat(tokenizer);
        return model.config().ropeScaling() != null && own.style() != ChatFormat.Style.LLAMA31
            ? new ChatFormat(tokenizer, ChatFormat.Style.LLAMA31) : own;
    }

    @Override
    public String name() {
        return name;
    }

    public LlamaModel model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public synchronized ChatReply complete(List<ChatMessage> messages, ChatOptions options) throws IOException {
        List<ChatFormat.Message> chat = messages.stream().map(m -> new ChatFormat.Message(m.role(), m.content())).toList();
        int[] prompt = format.encode(chat, true);
        if (prompt.length >= model.contextLength()) {
            throw new IOException(name + ": prompt of " + prompt.length + " tokens leaves no room in the context of "
                + model.contextLength() + " tokens");
        }
        Sampler sampler = new Sampler(new SamplingConfig(options.temperature(), 0, 1.0, options.seed(),
            options.maxTokens()));

        int[] generated = new int[options.maxTokens()];
        int count = 0;
        List<ChatReply.TokenLogprob> logprobs = new ArrayList<>();
        String finish = "length";
        try (var scope = Autograd.noGrad()) {
            KvCache cache = model.newCache(Math.min(model.contextLength(), prompt.length + options.maxTokens()));
            float[] logits = model.lastLogits(model.hidden(prompt, cache));
            while (count < options.maxTokens()) {
                int next = sampler.next(logits);
                if (stopIds.contains(next)) {
                    finish = "stop";
                    break;
                }
                if (options.topLogprobs() > 0) logprobs.add(tokenLogprob(logits, next, options.topLogprobs()));
                generated[count++] = next;
                if (count == options.maxTokens() || cache.length() >= cache.capacity()) break;
                logits = model.lastLogits(model.hidden(new int[] {next}, cache));
            }
        }
        int[] ids = Arrays.copyOf(generated, count);
        String text = tokenizer.decode(ids);
        return new ChatReply(text, logprobs, raw(text, ids, prompt.length, finish));
    }

    /** The chosen token's log-probability and the {@code top} most likely tokens, from one row of logits. */
    private ChatReply.TokenLogprob tokenLogprob(float[] logits, int chosen, int top) {
        double[] logSoftmax = logSoftmax(logits);
        List<ChatReply.Alternative> alternatives = new ArrayList<>();
        for (int id : topIds(logSoftmax, top)) alternatives.add(new ChatReply.Alternative(tokenText(id), logSoftmax[id]));
        return new ChatReply.TokenLogprob(tokenText(chosen), logSoftmax[chosen], alternatives);
    }

    /** {@code x − max − log Σ exp(x − max)}, in double. */
    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : logits) max = Math.max(max, x);
        double sum = 0;
        for (float x : logits) sum += Math.exp(x - max);
        double logSum = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) out[i] = logits[i] - logSum;
        return out;
    }

    /** Ids of the {@code k} largest values, largest first, ties to the lower id (a partial selection, O(V·k)). */
    static int[] topIds(double[] values, int k) {
        k = Math.min(k, values.length);
        int[] best = new int[k];
        int filled = 0;
        for (int id = 0; id < values.length; id++) {
            if (filled == k && values[id] <= values[best[k - 1]]) continue;
            int at = Math.min(filled, k - 1);
            // shift smaller entries down to make room, keeping earlier ids ahead on ties
            while (at > 0 && values[best[at - 1]] < values[id]) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = id;
            if (filled < k) filled++;
        }
        return best;
    }

    private String tokenText(int id) {
        return tokenizer.decode(new int[] {id});
    }

    private String raw(String text, int[] ids, int promptTokens, String finish) {
        ObjectNode root = JSON.createObjectNode();
        root.put("backend", "bedside-local");
        root.put("model", name);
        root.put("prompt_tokens", promptTokens);
        root.put("completion_tokens", ids.length);
        root.put("finish_reason", finish);
        var array = root.putArray("token_ids");
        for (int id : ids) array.add(id);
        root.put("text", text);
        return root.toString();
    }
}
