package dev.bedside.model;

import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.BasicOps;
import dev.bedside.autograd.Checkpoint;
import dev.bedside.autograd.LossOps;
import dev.bedside.autograd.NeuralOps;
import dev.bedside.autograd.Var;
import dev.bedside.tensor.Backends;
import dev.bedside.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Llama 3.x as Meta and Hugging Face define it, built from autograd ops so that the same code runs
 * inference (under {@link Autograd#noGrad()}, with a {@link KvCache}) and training (LoRA, DPO).
 *
 * <pre>
 *   ids [T] → embedding [T, D]
 *   for each block:  x = x + o(attention(rope(q(norm(x))), rope(k(norm(x))), v(norm(x))))
 *                    x = x + down(silu(gate(norm(x))) ⊙ up(norm(x)))
 *   final norm → hidden [T, D] → logits = hidden · lmHeadᵀ [T, V]
 * </pre>
 * D = hidden size, H query heads and Hkv key/value heads of size d (grouped-query attention), I the MLP width.
 *
 * <p>Weights are frozen (gradients reach activations and adapters only) unless the model was made with
 * {@link #trainable}: then every weight is an F32 parameter, listed by its Hugging Face name in {@link #parameters()}.
 */
public final class LlamaModel implements AutoCloseable {
    /** Rotary tables are built for this many positions unless the config allows fewer. */
    public static final int DEFAULT_CONTEXT = 8192;

    private final LlamaConfig config;
    private final GenerationConfig generationConfig;
    private final Var embedTokens, lmHead, finalNorm;
    /** Trainable weights by Hugging Face name; empty for a frozen model. */
    private final Map<String, Var> parameters;
    private final List<Block> blocks;
    private final RopeTables rope;
    private final int contextLength;
    private final AutoCloseable resources;
    /** When set, each block runs inside {@link Checkpoint#applyAll} while gradients are on (training). */
    private boolean checkpointBlocks;

    public LlamaModel(LlamaConfig config, GenerationConfig generationConfig, LlamaWeights weights, int contextLength,
                      AutoCloseable resources) {
        this(config, generationConfig, weights, contextLength, resources, false);
    }

    private LlamaModel(LlamaConfig config, GenerationConfig generationConfig, LlamaWeights weights, int contextLength,
                       AutoCloseable resources, boolean trainable) {
        this.config = config;
        this.generationConfig = generationConfig;
        this.contextLength = Math.min(contextLength, config.maxPositionEmbeddings());
        this.rope = RopeTables.of(config, this.contextLength);
        this.resources = resources;
        Map<String, Var> named = new LinkedHashMap<>();
        // A frozen weight stays in its storage (Var.constant); a trainable one becomes an F32 copy (Var.param).
        Function<String, Function<Tensor, Var>> leaf = name -> tensor -> {
            if (!trainable) return Var.constant(tensor);
            Var p = Var.param(tensor.contiguous());
            named.put(name, p);
            return p;
        };
        this.embedTokens = leaf.apply(LlamaLayout.EMBED_TOKENS).apply(weights.embedTokens());
        List<Block> list = new ArrayList<>();
        for (int i = 0; i < weights.layers().size(); i++) {
            int index = i;
            list.add(new Block(config, weights.layers().get(i), module -> leaf.apply(LlamaLayout.layer(index, module)), trainable));
        }
        this.blocks = List.copyOf(list);
        this.finalNorm = leaf.apply(LlamaLayout.NORM).apply(weights.norm().contiguous());
        // Tied embeddings: the head is the embedding parameter itself, so both uses add to one gradient.
        this.lmHead = weights.lmHead() == weights.embedTokens() ? embedTokens : leaf.apply(LlamaLayout.LM_HEAD).apply(weights.lmHead());
        this.parameters = Collections.unmodifiableMap(named);
        // Frozen weights: a GPU backend can place them on the device together rather than one by one at first use.
        if (!trainable) Backends.current().prepareWeights(weights.projections());
    }

    /**
     * A model whose every weight is a trainable F32 parameter (full-parameter training from any initial weights,
     * e.g. {@link RandomWeights}); see {@link #parameters()}.
     */
    public static LlamaModel trainable(LlamaConfig config, LlamaWeights weights, int contextLength) {
        return new LlamaModel(config, GenerationConfig.EMPTY, weights, contextLength, null, true);
    }

    /** The trainable weights by Hugging Face name (checkpoint order); empty unless made with {@link #trainable}. */
    public Map<String, Var> parameters() { return parameters; }

    /** Loads a Hugging Face folder or a GGUF file (see {@link LlamaCheckpoint}); weights stay memory-mapped. */
    public static LlamaModel load(Path path) throws IOException {
        return load(path, DEFAULT_CONTEXT);
    }

    public static LlamaModel load(Path path, int contextLength) throws IOException {
        LlamaCheckpoint checkpoint = LlamaCheckpoint.load(path);
        try {
            return new LlamaModel(checkpoint.config(), checkpoint.generationConfig(), checkpoint.weights(), contextLength, checkpoint);
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }

    public LlamaConfig config() { return config; }

    /** Sampling defaults from generation_config.json ({@link GenerationConfig#EMPTY} when there is none). */
    public GenerationConfig generationConfig() { return generationConfig; }

    /** Every id that ends a generation according to config.json and generation_config.json. */
    public Set<Integer> eosIds() {
        Set<Integer> ids = new TreeSet<>(config.eosTokenIds());
        ids.addAll(generationConfig.eosTokenIds());
        return ids;
    }

    public List<Block> blocks() { return blocks; }

    /**
     * Activation checkpointing per block: with it on, a training forward keeps only each block's input and
     * recomputes the block during backward (one [T, D] activation per layer instead of all intermediates).
     * Has no effect under {@link Autograd#noGrad()} or with a KV cache (inference).
     */
    public void setCheckpointBlocks(boolean on) { checkpointBlocks = on; }

    public boolean checkpointBlocks() { return checkpointBlocks; }

    public Tensor lmHead() { return lmHead.value(); }

    /** The head as a graph leaf: a constant for a frozen model, the parameter for a trainable one. */
    public Var lmHeadVar() { return lmHead; }

    /** Positions the rotary tables cover: the longest sequence this instance can process. */
    public int contextLength() { return contextLength; }

    /** A cache for up to {@code capacity} tokens (at most the context length). */
    public KvCache newCache(int capacity) {
        return new KvCache(config, Math.min(capacity, contextLength));
    }

    /**
     * Final hidden states [T, D] for {@code ids}. Without a cache the tokens sit at positions 0 … T−1; with one,
     * they continue after the cached tokens, and are appended to it.
     */
    public Var hidden(int[] ids, KvCache cache) {
        int start = cache == null ? 0 : cache.length();
        if (start + ids.length > contextLength) {
            throw new IllegalArgumentException("sequence of " + (start + ids.length) + " tokens exceeds the context of "
                    + contextLength + " positions");
        }
        int[] positions = new int[ids.length];
        for (int t = 0; t < ids.length; t++) positions[t] = start + t;

        Var x = NeuralOps.embedding(embedTokens, ids);                       // [T, D]
        boolean checkpointed = checkpointBlocks && cache == null && Autograd.isGradEnabled();
        for (int layer = 0; layer < blocks.size(); layer++) {
            Block block = blocks.get(layer);
            int index = layer;
            x = checkpointed ? Checkpoint.apply(in -> block.forward(in, positions, rope, null, index), x)
                    : block.forward(x, positions, rope, cache, layer);
        }
        if (cache != null) cache.advance(ids.length);
        return NeuralOps.rmsNorm(x, finalNorm, (float) config.rmsNormEps());
    }

    /**
     * One decode step for several independent sequences (continuous batching): token {@code ids[b]} follows the
     * tokens already in {@code caches[b]}. Norms, projections, MLP and LM head run once on all B rows, so each
     * weight is read once per step instead of once per sequence; attention runs per sequence on its own cache.
     * Returns the next-token logits, one row per sequence. Inference only (under {@link Autograd#noGrad()}).
     */
    public float[][] decodeStep(int[] ids, KvCache[] caches) {
        if (ids.length != caches.length || ids.length == 0) {
            throw new IllegalArgumentException("decodeStep: " + ids.length + " ids for " + caches.length + " caches");
        }
        int[] positions = new int[ids.length];
        for (int b = 0; b < ids.length; b++) {
            positions[b] = caches[b].length();
            if (positions[b] + 1 > contextLength) {
                throw new IllegalArgumentException("decodeStep: sequence " + b + " of " + (positions[b] + 1) + " tokens exceeds the context of "
                        + contextLength + " positions");
            }
        }
        Var x = NeuralOps.embedding(embedTokens, ids);                       // [B, D]
        for (int layer = 0; layer < blocks.size(); layer++) x = blocks.get(layer).decodeRows(x, positions, rope, caches, layer);
        for (KvCache cache : caches) cache.advance(1);
        float[] logits = logits(NeuralOps.rmsNorm(x, finalNorm, (float) config.rmsNormEps())).value().toFloatArray();
        int vocab = logits.length / ids.length;
        float[][] rows = new float[ids.length][];
        for (int b = 0; b < ids.length; b++) rows[b] = Arrays.copyOfRange(logits, b * vocab, (b + 1) * vocab);
        return rows;
    }

    /** Logits [T, V] = hidden · lmHeadᵀ. */
    public Var logits(Var hidden) {
        return dev.bedside.autograd.MatrixOps.linear(hidden, lmHead);
    }

    /**
     * Next-token log-probabilities after every position of {@code ids}, [T][V], without a gradient: the float32
     * logits, log-softmax taken in double (how the fixtures' references are compared).
     */
    public double[][] logProbs(int[] ids) {
        try (var scope = Autograd.noGrad()) {
            Var logits = logits(hidden(ids, null));
            int vocab = logits.dim(1);
            float[] all = logits.value().toFloatArray();
            double[][] out = new double[ids.length][vocab];
            for (int t = 0; t < ids.length; t++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < vocab; j++) max = Math.max(max, all[t * vocab + j]);
                for (int j = 0; j < vocab; j++) sum += Math.exp(all[t * vocab + j] - max);
                double logSumExp = max + Math.log(sum);
                for (int j = 0; j < vocab; j++) out[t][j] = all[t * vocab + j] - logSumExp;
            }
            return out;
        }
    }

    /** Logits of the last position only [1, V]: what generation needs. */
    public float[] lastLogits(Var hidden) {
        int last = hidden.dim(0) - 1;
        return logits(BasicOps.sliceRows(hidden, last, last + 1)).value().toFloatArray();
    }

    @Override
    public void close() throws Exception {
        if (resources != null) resources.close();
    }

    /** One transformer block: attention then MLP, each with a pre-norm and a residual connection. */
    public static final class Block {
        private final int heads, kvHeads, headDim;
        private final float eps;
        private final Var inputNorm, postAttentionNorm;
        /** Replaceable so adapters (LoRA) can wrap them. */
        public Projection q, k, v, o, gate, up, down;

        /** The projection a PEFT module name ({@code q_proj} … {@code down_proj}) refers to. */
        public Projection projection(String module) {
            return switch (module) {
                case "q_proj" -> q;
                case "k_proj" -> k;
                case "v_proj" -> v;
                case "o_proj" -> o;
                case "gate_proj" -> gate;
                case "up_proj" -> up;
                case "down_proj" -> down;
                default -> throw new IllegalArgumentException("unknown target module '" + module + "'");
            };
        }

        /** Replaces the projection a PEFT module name refers to (adapters wrap and unwrap them this way). */
        public void setProjection(String module, Projection projection) {
            switch (module) {
                case "q_proj" -> q = projection;
                case "k_proj" -> k = projection;
                case "v_proj" -> v = projection;
                case "o_proj" -> o = projection;
                case "gate_proj" -> gate = projection;
                case "up_proj" -> up = projection;
                case "down_proj" -> down = projection;
                default -> throw new IllegalArgumentException("unknown target module '" + module + "'");
            }
        }

        /** {@code leaf}: module name (e.g. "self_attn.q_proj") → how its weight joins the graph. */
        Block(LlamaConfig config, LlamaWeights.Layer w, Function<String, Function<Tensor, Var>> leaf, boolean trainable) {
            heads = config.numAttentionHeads();
            kvHeads = config.numKeyValueHeads();
            headDim = config.headDim();
            eps = (float) config.rmsNormEps();
            inputNorm = leaf.apply("input_layernorm").apply(w.inputLayernorm().contiguous());
            q = projection(leaf.apply("self_attn.q_proj"), w.qProj(), trainable);
            k = projection(leaf.apply("self_attn.k_proj"), w.kProj(), trainable);
            v = projection(leaf.apply("self_attn.v_proj"), w.vProj(), trainable);
            o = projection(leaf.apply("self_attn.o_proj"), w.oProj(), trainable);
            postAttentionNorm = leaf.apply("post_attention_layernorm").apply(w.postAttentionLayernorm().contiguous());
            gate = projection(leaf.apply("mlp.gate_proj"), w.gateProj(), trainable);
            up = projection(leaf.apply("mlp.up_proj"), w.upProj(), trainable);
            down = projection(leaf.apply("mlp.down_proj"), w.downProj(), trainable);
        }

        private static Projection projection(Function<Tensor, Var> leaf, Tensor weight, boolean trainable) {
            return trainable ? new Projection.Trainable(leaf.apply(weight)) : new Projection.Frozen(weight);
        }

        /** x [T, D] at the given positions → [T, D]. */
        public Var forward(Var x, int[] positions, RopeTables rope, KvCache cache, int layer) {
            // Attention: q [T, H·d], k and v [T, Hkv·d]; with a cache k and v grow to all positions so far.
            Var h = NeuralOps.rmsNorm(x, inputNorm, eps);
            Var queries = NeuralOps.rope(q.apply(h), heads, headDim, positions, rope.cos(), rope.sin());
            Var keys = NeuralOps.rope(k.apply(h), kvHeads, headDim, positions, rope.cos(), rope.sin());
            Var values = v.apply(h);
            if (cache != null) {
                Var[] all = cache.append(layer, keys, values);
                keys = all[0];
                values = all[1];
            }
            Var attended = NeuralOps.attention(queries, keys, values, heads, kvHeads);   // [T, H·d]
            x = BasicOps.add(x, o.apply(attended));

            // MLP: SwiGLU of width I.
            h = NeuralOps.rmsNorm(x, postAttentionNorm, eps);
            Var mixed = NeuralOps.swiglu(gate.apply(h), up.apply(h));                      // [T, I]
            return BasicOps.add(x, down.apply(mixed));
        }

        /** One new token per row, each row its own sequence at {@code positions[b]} with its own cache: see {@link #decodeStep}. */
        Var decodeRows(Var x, int[] positions, RopeTables rope, KvCache[] caches, int layer) {
            Var h = NeuralOps.rmsNorm(x, inputNorm, eps);
            Var queries = NeuralOps.rope(q.apply(h), heads, headDim, positions, rope.cos(), rope.sin());
            Var keys = NeuralOps.rope(k.apply(h), kvHeads, headDim, positions, rope.cos(), rope.sin());
            Var values = v.apply(h);
            Var[] attended = new Var[caches.length];
            for (int b = 0; b < caches.length; b++) {
                Var[] all = caches[b].append(layer, BasicOps.sliceRows(keys, b, b + 1), BasicOps.sliceRows(values, b, b + 1));
                attended[b] = NeuralOps.attention(BasicOps.sliceRows(queries, b, b + 1), all[0], all[1], heads, kvHeads);
            }
            x = BasicOps.add(x, o.apply(BasicOps.concatRows(attended)));
            h = NeuralOps.rmsNorm(x, postAttentionNorm, eps);
            return BasicOps.add(x, down.apply(NeuralOps.swiglu(gate.apply(h), up.apply(h))));
        }
    }
}
