/**
 * Reverse-mode automatic differentiation on a tape, in the spirit of micrograd, over the tensor module's
 * {@link dev.bedside.tensor.Backend} kernels.
 *
 * <h2>The pieces</h2>
 * <ul>
 *   <li>{@link dev.bedside.autograd.Var}: a value (an F32 tensor), its lazily allocated gradient, and whether it
 *       requires one. Leaves are {@code Var.param} (trainable) or {@code Var.constant} (frozen: never a gradient buffer).</li>
 *   <li>{@link dev.bedside.autograd.Tape}: each op that has an input requiring a gradient appends its result,
 *       carrying a {@link dev.bedside.autograd.Backward} closure written beside the op's forward. One tape per thread
 *       ({@link dev.bedside.autograd.Autograd#tape()}).</li>
 *   <li>{@code loss.backward()} seeds d loss = 1 and walks the tape from the end. Execution order is a topological
 *       order, so each node's gradient is complete when reached. Each node runs its closure (accumulating, {@code +=},
 *       into its inputs' gradients, so a value used twice receives the sum) and is then dropped with everything it
 *       saved; interior gradients are dropped too. After backward the tape is empty and only leaves hold gradients.</li>
 *   <li>{@code try (var scope = Autograd.noGrad()) { ... }} records nothing: inference has no tape cost.
 *       Ops on inputs that need no gradient record nothing either.</li>
 * </ul>
 *
 * <h2>The ops</h2>
 * {@link dev.bedside.autograd.BasicOps} (broadcasting arithmetic, point-wise functions, sum/mean, reshape, row
 * slices and concatenation), {@link dev.bedside.autograd.MatrixOps} (matmul, linear),
 * {@link dev.bedside.autograd.NeuralOps} (fused rmsNorm, swiglu, embedding, rope, causal GQA attention, softmax,
 * log-softmax: one kernel each way), {@link dev.bedside.autograd.LossOps} (the LM head fused with log-softmax and
 * target lookup, chunked so the [tokens, vocab] logits never exist) and {@link dev.bedside.autograd.Checkpoint}
 * (recompute a block in backward instead of keeping its activations). Other modules add ops with
 * {@link dev.bedside.autograd.Autograd#record}.
 *
 * <h2>Storage</h2>
 * Trainable and interior values are contiguous F32 heap tensors. A frozen value ({@code Var.constant}) keeps the
 * storage it was given: {@code MatrixOps.linear}, {@code NeuralOps.embedding} and {@code LossOps.logProbsOfTargets}
 * read a memory-mapped F32/F16/BF16 weight in place through {@code Backend.linear}/{@code linearBackward}; other ops
 * widen a copy per use ({@code Var.f32()}), so convert small frozen tensors (norm weights) once with
 * {@code contiguous()}. {@link dev.bedside.autograd.FrozenOps} offers the same for weights held as plain tensors.
 *
 * <h2>Rules every op follows</h2>
 * Inputs are never modified. Outputs may be views of inputs (reshape, sliceRows). An op saves only what its
 * backward reads. Bad shapes throw {@link dev.bedside.tensor.ShapeException} naming the op and the shapes.
 */
package dev.bedside.autograd;
