package dev.bedside.tensor;

import java.util.List;

/**
 * The hot kernels, behind one small interface so a GPU backend (TornadoVM) can replace the CPU one
 * without touching model code. Model, autograd, LoRA and DPO code call kernels only through here.
 *
 * <p>Conventions for every method:
 * <ul>
 *   <li>Tensors are F32 and contiguous (heap arrays on the CPU), row-major; {@link Tensor#offset()} is honoured,
 *       so a row slice of a larger buffer is a valid argument.</li>
 *   <li>Outputs are written, never allocated. Arguments named {@code d…} in a backward kernel are
 *       <em>accumulated into</em> ({@code +=}) unless the doc says "written", because a value used twice
 *       receives the sum of its gradients.</li>
 *   <li>Shapes are checked; a mismatch throws {@link ShapeException} naming the kernel and the shapes.</li>
 * </ul>
 * {@link ScalarBackend} is the plain reference every fast kernel is tested against.
 */
public interface Backend {

    /** A short name for logs and benchmark output, e.g. {@code "cpu-vector"}. */
    String name();

    /** What {@code --backend} reports: the name, and for a device backend the device it runs on. */
    default String description() { return name(); }

    /**
     * A hint that these frozen weights (the {@code w} of later {@link #linear} and {@link #linearBackward} calls, e.g. a
     * model's projections) belong together: a device backend may place them on the device in one go, which is cheaper
     * than one at a time. The same frozen-weight rule applies: their values must not change afterwards. CPU backends
     * ignore it.
     */
    default void prepareWeights(List<Tensor> frozenWeights) {}

    /** Kernel runs on a device and the bytes moved between host and device so far; none for a CPU backend. */
    default DeviceTraffic traffic() { return DeviceTraffic.NONE; }

    // ------------------------------------------------------------------ matrix products

    /**
     * {@code c = alpha · op(a) · op(b) + beta · c} where op(x) is x or xᵀ.
     * Shapes: op(a) [m, k], op(b) [k, n], c [m, n]; so a is [m, k] or, with transA, [k, m].
     * With beta = 0, c's previous contents are ignored (even NaN).
     */
    void gemm(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float alpha, float beta);

    /** {@code y = w · x}: w [rows, cols], x [cols], y [rows] (written). The decode-time product. */
    void matVec(Tensor w, Tensor x, Tensor y);

    /**
     * {@code y = x · wᵀ}: the product of activations with a frozen weight matrix in any storage, the way
     * every projection of a transformer is applied. x [rows, in] F32; w [out, in] as F32 on the heap or as
     * F32, F16 or BF16 in a (memory-mapped) segment, read without ever widening the whole matrix (kernels
     * read it from several threads, so the segment must come from a shared or global arena);
     * y [rows, out] (written). The weight is frozen: a backend may keep a re-laid-out copy of it between
     * calls, so its values must not change after its first use here (trainable weights go through {@link #gemm}).
     */
    void linear(Tensor x, Tensor w, Tensor y);

    /**
     * {@code dx += dy · w}: back-propagation through a frozen weight into the activations.
     * dy [rows, out], w [out, in] (any storage {@link #linear} accepts), dx [rows, in].
     */
    void linearBackward(Tensor dy, Tensor w, Tensor dx);

    // ------------------------------------------------------------------ normalisation

    /**
     * RMSNorm over the last axis: {@code out[r, i] = x[r, i] · invRms[r] · weight[i]} with
     * {@code invRms[r] = 1 / sqrt(mean_i x[r, i]² + eps)}. x, out [rows, dim]; weight [dim]; invRms [rows]
     * (written, kept for backward).
     */
    void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out, Tensor invRms);

    /** Backward of {@link #rmsNorm}: accumulates into dx [rows, dim] and, when non-null, dWeight [dim]. */
    void rmsNormBackward(Tensor dOut, Tensor x, Tensor weight, Tensor invRms, Tensor dx, Tensor dWeight);

    // ------------------------------------------------------------------ softmax family

    /** Softmax over the last axis of x [rows, cols] into out (written); out may be x. */
    void softmax(Tensor x, Tensor out);

    /** dx += probs ⊙ (dProbs − Σ dProbs ⊙ probs), rows of the last axis. */
    void softmaxBackward(Tensor dProbs, Tensor probs, Tensor dx);

    /** Log-softmax over the last axis of x [rows, cols] into out (written); out may be x. */
    void logSoftmax(Tensor x, Tensor out);

    /** dx += dOut − softmax(x) · Σ dOut, where softmax(x) = exp(logProbs). */
    void logSoftmaxBackward(Tensor dOut, Tensor logProbs, Tensor dx);

    /**
     * The log-probability of each row's target under log-softmax, without materialising the log-softmax:
     * {@code logProbs[r] = logits[r, targets[r]] − logSumExp[r]}. logits [rows, vocab]; logProbs and
     * logSumExp [rows] (written). A target of -1 marks an ignored row: its log-prob is 0.
     */
    void logProbGather(Tensor logits, int[] targets, Tensor logProbs, Tensor logSumExp);

    /**
     * Backward of {@link #logProbGather}: {@code dLogits[r, j] += dLogProbs[r] · (1[j = target] − softmax_j)},
     * recomputing softmax from logits and logSumExp. Ignored rows (target -1) get nothing.
     */
    void logProbGatherBackward(Tensor dLogProbs, Tensor logits, int[] targets, Tensor logSumExp, Tensor dLogits);

    // ------------------------------------------------------------------ element-wise

    /** out = a + b with NumPy broadcasting (out has the broadcast shape; out may alias a). */
    void add(Tensor a, Tensor b, Tensor out);

    /** out = a ⊙ b with NumPy broadcasting. */
    void mul(Tensor a, Tensor b, Tensor out);

    /** y += alpha · x, same shape. The accumulate step of every backward. */
    void axpy(float alpha, Tensor x, Tensor y);

    /** out[..., j] = Σ over all leading axes of x[..., j]: reduces x to the shape of {@code out} (its trailing axes). */
    void sumToShape(Tensor x, Tensor out);

    /** SiLU-gated linear unit: out = silu(gate) ⊙ up, silu(g) = g · σ(g). All same shape. */
    void swiglu(Tensor gate, Tensor up, Tensor out);

    /** Backward of {@link #swiglu}: accumulates into dGate and dUp. */
    void swigluBackward(Tensor dOut, Tensor gate, Tensor up, Tensor dGate, Tensor dUp);

    // ------------------------------------------------------------------ embeddings and positions

    /**
     * out[t, :] = table[ids[t], :]. table [vocab, dim] in any storage {@link #linear} accepts (a memory-mapped
     * BF16 embedding matrix is read in place), out [ids.length, dim] F32 (written).
     */
    void embedding(Tensor table, int[] ids, Tensor out);

    /** dTable[ids[t], :] += dOut[t, :]  (scatter-add: repeated ids accumulate). */
    void embeddingBackward(Tensor dOut, int[] ids, Tensor dTable);

    /**
     * Rotary position embedding in place, Hugging Face "rotate half" layout: within each head of size d,
     * element i pairs with i + d/2. x [tokens, heads · headDim]; token t is at position positions[t];
     * cos and sin [maxPositions, headDim / 2] hold cos(pos · θ_i), sin(pos · θ_i).
     * With {@code inverse} the rotation is by −θ: the backward of the forward rotation (a rotation's
     * transpose is its inverse), applied to the gradient in place.
     */
    void rope(Tensor x, int heads, int headDim, int[] positions, Tensor cos, Tensor sin, boolean inverse);

    // ------------------------------------------------------------------ attention

    /**
     * Causal scaled dot-product attention with grouped-query heads, for one sequence.
     * q [tq, heads · d], k and v [tk, kvHeads · d], out [tq, heads · d] (written),
     * logSumExp [heads, tq] (written, kept for backward). Query i sits at position tk − tq + i and attends
     * keys 0 … tk − tq + i (so tq = tk is training/prefill, tq &lt; tk is decoding with a KV cache).
     * Query head h reads KV head h / (heads / kvHeads). Scores are scaled by 1/√d.
     */
    void attention(Tensor q, Tensor k, Tensor v, int heads, int kvHeads, Tensor out, Tensor logSumExp);

    /**
     * Backward of {@link #attention}, recomputing the probabilities from q, k and logSumExp (nothing of
     * size tq × tk is kept between forward and backward). Accumulates into dq, dk, dv.
     */
    void attentionBackward(Tensor dOut, Tensor q, Tensor k, Tensor v, Tensor out, Tensor logSumExp,
                           int heads, int kvHeads, Tensor dq, Tensor dk, Tensor dv);

    // ------------------------------------------------------------------ encoders (BERT, MPNet; inference only)

    /**
     * LayerNorm over the last axis: {@code out[r, i] = (x[r, i] − mean_r) / sqrt(var_r + eps) · weight[i] + bias[i]}
     * with the biased variance {@code var_r = mean_i (x[r, i] − mean_r)²}. x, out [rows, dim] (written; out may be x);
     * weight, bias [dim].
     */
    void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out);

    /** GELU in its exact erf form, {@code out = ½ · x · (1 + erf(x / √2))}, element-wise; same shape, out may be x. */
    void gelu(Tensor x, Tensor out);

    /**
     * Bidirectional (non-causal) scaled dot-product attention over one sequence: every query attends keys
     * 0 … keys − 1, and keys from {@code keys} on are padding (masked out). q [tq, heads · d]; k, v [tk, heads · d]
     * with 1 ≤ keys ≤ tk; out [tq, heads · d] (written). Scores are q·k / √d plus, when {@code bias} is not null,
     * bias[h, i, j] of shape [heads, tq, tk] (MPNet's relative position bias).
     */
    void encoderAttention(Tensor q, Tensor k, Tensor v, int heads, int keys, Tensor bias, Tensor out);
}
