package dev.bedside.model;

import dev.bedside.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The weights of a Llama model by role, in Hugging Face layout: linear weights are [out, in] (y = x·Wᵀ),
 * q/k rows in HF's rotate-half order. {@code lmHead} is {@code embedTokens} itself when embeddings are tied.
 */
public record LlamaWeights(Tensor embedTokens, List<Layer> layers, Tensor norm, Tensor lmHead) {

    public record Layer(Tensor inputLayernorm, Tensor qProj, Tensor kProj, Tensor vProj, Tensor oProj,
                        Tensor postAttentionLayernorm, Tensor gateProj, Tensor upProj, Tensor downProj) {}

    public LlamaWeights {
        layers = List.copyOf(layers);
    }

    /** The matrices a forward pass multiplies by: each layer's seven projections, then the LM head. */
    public List<Tensor> projections() {
        List<Tensor> matrices = new ArrayList<>();
        for (Layer l : layers) {
            matrices.addAll(List.of(l.qProj(), l.kProj(), l.vProj(), l.oProj(), l.gateProj(), l.upProj(), l.downProj()));
        }
        matrices.add(lmHead);
        return matrices;
    }

    /** Collects the tensors by their HF names (see {@link LlamaLayout}). */
    public static LlamaWeights of(LlamaConfig config, Function<String, Tensor> byName) {
        List<Layer> layers = new ArrayList<>();
        for (int n = 0; n < config.numHiddenLayers(); n++) {
            int i = n;
            Function<String, Tensor> module = m -> byName.apply(LlamaLayout.layer(i, m));
            layers.add(new Layer(module.apply("input_layernorm"), module.apply("self_attn.q_proj"),
                    module.apply("self_attn.k_proj"), module.apply("self_attn.v_proj"), module.apply("self_attn.o_proj"),
                    module.apply("post_attention_layernorm"), module.apply("mlp.gate_proj"), module.apply("mlp.up_proj"),
                    module.apply("mlp.down_proj")));
        }
        Tensor embed = byName.apply(LlamaLayout.EMBED_TOKENS);
        Tensor lmHead = config.tieWordEmbeddings() ? embed : byName.apply(LlamaLayout.LM_HEAD);
        return new LlamaWeights(embed, layers, byName.apply(LlamaLayout.NORM), lmHead);
    }
}
