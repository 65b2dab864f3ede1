package dev.bedside.model.bert;

import dev.bedside.tensor.Backend;
import dev.bedside.tensor.Tensor;
import java.util.List;

/**
 * A BERT-family encoder forward pass (inference only): embeddings, then post-LayerNorm layers of bidirectional
 * self-attention and a GELU MLP. Several sequences run as one packed batch: their tokens are stacked into one
 * [tokens, hidden] matrix, so every dense product covers the whole batch, while attention runs per sequence over
 * its own rows. That is the padding mask without the padding: no position attends to another sequence.
 */
public final class Encoder {
    private final EncoderConfig config;
    private final EncoderWeights weights;
    private final Backend backend;

    public Encoder(EncoderConfig config, EncoderWeights weights, Backend backend) {
        this.config = config;
        this.weights = weights;
        this.backend = backend;
        backend.prepareWeights(weights.projections());   // a GPU backend places them together (see Backend)
    }

    public EncoderConfig config() { return config; }

    public EncoderWeights weights() { return weights; }

    /**
     * The last hidden states of the sequences, stacked: [Σ lengths, hidden], sequence s in rows
     * starting at the sum of the lengths before it. When {@code hiddenStates} is not null, the embedding output and
     * every layer's output are appended to it (Hugging Face's {@code output_hidden_states}: layers + 1 tensors).
     */
    public Tensor forward(List<int[]> sequences, List<Tensor> hiddenStates) {
        int hidden = config.hidden(), total = 0;
        for (int[] ids : sequences) {
            if (ids.length == 0 || ids.length > config.maxTokens()) {
                throw new IllegalArgumentException(config.architecture() + " encoder: a sequence of " + ids.length
                        + " tokens (1 to " + config.maxTokens() + " allowed)");
            }
            total += ids.length;
        }
        Tensor x = embed(sequences, total);
        if (hiddenStates != null) hiddenStates.add(x.copy());
        Tensor q = Tensor.zeros(total, hidden), k = Tensor.zeros(total, hidden), v = Tensor.zeros(total, hidden);
        Tensor context = Tensor.zeros(total, hidden), attended = Tensor.zeros(total, hidden);
        Tensor inner = Tensor.zeros(total, config.intermediate());
        Tensor[] biases = relativeBiases(sequences);
        for (EncoderWeights.Layer layer : weights.layers()) {
            dense(x, layer.query(), layer.queryBias(), q);
            dense(x, layer.key(), layer.keyBias(), k);
            dense(x, layer.value(), layer.valueBias(), v);
            int start = 0, s = 0;
            for (int[] ids : sequences) {
                int end = start + ids.length;
                backend.encoderAttention(q.slice(0, start, end), k.slice(0, start, end), v.slice(0, start, end), config.heads(),
                        ids.length, biases[s++], context.slice(0, start, end));
                start = end;
            }
            // x ← LayerNorm(x + context · Woᵀ + bo)
            dense(context, layer.attentionOutput(), layer.attentionOutputBias(), attended);
            backend.add(attended, x, attended);
            backend.layerNorm(attended, layer.attentionNormWeight(), layer.attentionNormBias(), config.layerNormEps(), x);
            // x ← LayerNorm(x + gelu(x · Wiᵀ + bi) · Wₒᵀ + bₒ)
            dense(x, layer.intermediate(), layer.intermediateBias(), inner);
            backend.gelu(inner, inner);
            dense(inner, layer.output(), layer.outputBias(), attended);
            backend.add(attended, x, attended);
            backend.layerNorm(attended, layer.outputNormWeight(), layer.outputNormBias(), config.layerNormEps(), x);
            if (hiddenStates != null) hiddenStates.add(x.copy());
        }
        return x;
    }

    /** LayerNorm(word + position (+ token type 0)) for every token. */
    private Tensor embed(List<int[]> sequences, int total) {
        int hidden = config.hidden();
        int[] ids = new int[total], positions = new int[total];
        int at = 0;
        for (int[] sequence : sequences) {
            for (int i = 0; i < sequence.length; i++) {
                if (sequence[i] < 0 || sequence[i] >= config.vocab()) {
                    throw new IllegalArgumentException("token id " + sequence[i] + " outside the vocabulary of " + config.vocab());
                }
                ids[at] = sequence[i];
                positions[at++] = config.positionOffset() + i;
            }
        }
        Tensor x = Tensor.zeros(total, hidden), position = Tensor.zeros(total, hidden);
        backend.embedding(weights.wordEmbeddings(), ids, x);
        backend.embedding(weights.positionEmbeddings(), positions, position);
        backend.add(x, position, x);
        if (weights.tokenTypeEmbeddings() != null) backend.add(x, weights.tokenTypeEmbeddings().slice(0, 0, 1), x);   // all type 0
        backend.layerNorm(x, weights.embeddingNormWeight(), weights.embeddingNormBias(), config.layerNormEps(), x);
        return x;
    }

    /** out = x · wᵀ + bias. */
    private void dense(Tensor x, Tensor w, Tensor bias, Tensor out) {
        backend.linear(x, w, out);
        backend.add(out, bias, out);
    }

    /** Per sequence, MPNet's [heads, t, t] bias (the same in every layer), or nulls for BERT. */
    private Tensor[] relativeBiases(List<int[]> sequences) {
        Tensor[] biases = new Tensor[sequences.size()];
        if (weights.relativeAttentionBias() == null) return biases;
        for (int s = 0; s < biases.length; s++) {
            biases[s] = RelativePositions.bias(weights.relativeAttentionBias(), sequences.get(s).length,
                    config.relativeBuckets(), config.relativeMaxDistance());
        }
        return biases;
    }
}
