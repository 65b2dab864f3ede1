package dev.bedside.model.bert;

import dev.bedside.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The weights of an encoder, every dense matrix as [out, in] (what {@code Backend.linear} takes; ONNX stores
 * them [in, out] and its loader transposes). {@code tokenTypeEmbeddings} is null for MPNet,
 * {@code relativeAttentionBias} [buckets, heads] is null for BERT.
 */
public record EncoderWeights(Tensor wordEmbeddings, Tensor positionEmbeddings, Tensor tokenTypeEmbeddings,
                             Tensor embeddingNormWeight, Tensor embeddingNormBias, Tensor relativeAttentionBias,
                             List<Layer> layers) {

    public EncoderWeights {
        layers = List.copyOf(layers);
    }

    /** The dense matrices a forward pass multiplies by: each layer's six. */
    public List<Tensor> projections() {
        List<Tensor> matrices = new ArrayList<>();
        for (Layer l : layers) {
            matrices.addAll(List.of(l.query(), l.key(), l.value(), l.attentionOutput(), l.intermediate(), l.output()));
        }
        return matrices;
    }

    /** One post-LayerNorm transformer layer. */
    public record Layer(Tensor query, Tensor queryBias, Tensor key, Tensor keyBias, Tensor value, Tensor valueBias,
                        Tensor attentionOutput, Tensor attentionOutputBias, Tensor attentionNormWeight, Tensor attentionNormBias,
                        Tensor intermediate, Tensor intermediateBias, Tensor output, Tensor outputBias,
                        Tensor outputNormWeight, Tensor outputNormBias) {}
}
