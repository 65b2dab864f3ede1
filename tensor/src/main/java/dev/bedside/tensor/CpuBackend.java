package dev.bedside.tensor;

import dev.bedside.tensor.cpu.Gemm;
import dev.bedside.tensor.cpu.MatVec;
import dev.bedside.tensor.cpu.WeightMatmul;
import dev.bedside.tensor.cpu.AttentionKernels;
import dev.bedside.tensor.cpu.ElementwiseKernels;
import dev.bedside.tensor.cpu.EncoderKernels;
import dev.bedside.tensor.cpu.NormKernels;
import dev.bedside.tensor.cpu.PositionKernels;
import dev.bedside.tensor.cpu.SoftmaxKernels;

/**
 * The CPU backend: Vector API kernels, multi-threaded over the available cores. Kernels that have no
 * vectorised version yet fall back to the scalar reference.
 */
public class CpuBackend extends ScalarBackend {

    @Override
    public String name() { return "cpu-vector"; }

    // ------------------------------------------------------------------ matrix products

    @Override
    public void gemm(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float alpha, float beta) {
        Gemm.gemm(a, transA, b, transB, c, alpha, beta);
    }

    @Override
    public void matVec(Tensor w, Tensor x, Tensor y) {
        MatVec.matVec(w, x, y);
    }

    // ------------------------------------------------------------------ frozen-weight products

    @Override
    public void linear(Tensor x, Tensor w, Tensor y) { WeightMatmul.linear(x, w, y); }

    @Override
    public void linearBackward(Tensor dy, Tensor w, Tensor dx) { WeightMatmul.linearBackward(dy, w, dx); }
    // ------------------------------------------------------------------ non-GEMM kernels (package cpu)
    // Each kernel checks shapes exactly as the scalar reference does.

    @Override
    public void embedding(Tensor table, int[] ids, Tensor out) { WeightMatmul.embedding(table, ids, out); }

    @Override
    public void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out, Tensor invRms) {
        NormKernels.rmsNorm(x, weight, eps, out, invRms);
    }

    @Override
    public void rmsNormBackward(Tensor dOut, Tensor x, Tensor weight, Tensor invRms, Tensor dx, Tensor dWeight) {
        NormKernels.rmsNormBackward(dOut, x, weight, invRms, dx, dWeight);
    }

    @Override
    public void softmax(Tensor x, Tensor out) { SoftmaxKernels.softmax(x, out); }

    @Override
    public void softmaxBackward(Tensor dProbs, Tensor probs, Tensor dx) { SoftmaxKernels.softmaxBackward(dProbs, probs, dx); }

    @Override
    public void logSoftmax(Tensor x, Tensor out) { SoftmaxKernels.logSoftmax(x, out); }

    @Override
    public void logSoftmaxBackward(Tensor dOut, Tensor logProbs, Tensor dx) {
        SoftmaxKernels.logSoftmaxBackward(dOut, logProbs, dx);
    }

    @Override
    public void logProbGather(Tensor logits, int[] targets, Tensor logProbs, Tensor logSumExp) {
        SoftmaxKernels.logProbGather(logits, targets, logProbs, logSumExp);
    }

    @Override
    public void logProbGatherBackward(Tensor dLogProbs, Tensor logits, int[] targets, Tensor logSumExp, Tensor dLogits) {
        SoftmaxKernels.logProbGatherBackward(dLogProbs, logits, targets, logSumExp, dLogits);
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        if (!ElementwiseKernels.broadcast("add", a, b, out, false)) super.add(a, b, out);
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        if (!ElementwiseKernels.broadcast("mul", a, b, out, true)) super.mul(a, b, out);
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) { ElementwiseKernels.axpy(alpha, x, y); }

    @Override
    public void sumToShape(Tensor x, Tensor out) { ElementwiseKernels.sumToShape(x, out); }

    @Override
    public void swiglu(Tensor gate, Tensor up, Tensor out) { ElementwiseKernels.swiglu(gate, up, out); }

    @Override
    public void swigluBackward(Tensor dOut, Tensor gate, Tensor up, Tensor dGate, Tensor dUp) {
        ElementwiseKernels.swigluBackward(dOut, gate, up, dGate, dUp);
    }

    @Override
    public void embeddingBackward(Tensor dOut, int[] ids, Tensor dTable) { PositionKernels.embeddingBackward(dOut, ids, dTable); }

    @Override
    public void rope(Tensor x, int heads, int headDim, int[] positions, Tensor cos, Tensor sin, boolean inverse) {
        PositionKernels.rope(x, heads, headDim, positions, cos, sin, inverse);
    }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, int heads, int kvHeads, Tensor out, Tensor logSumExp) {
        AttentionKernels.attention(q, k, v, heads, kvHeads, out, logSumExp);
    }

    @Override
    public void attentionBackward(Tensor dOut, Tensor q, Tensor k, Tensor v, Tensor out, Tensor logSumExp,
                                  int heads, int kvHeads, Tensor dq, Tensor dk, Tensor dv) {
        AttentionKernels.attentionBackward(dOut, q, k, v, out, logSumExp, heads, kvHeads, dq, dk, dv);
    }

    // ------------------------------------------------------------------ encoders

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out) {
        EncoderKernels.layerNorm(x, weight, bias, eps, out);
    }

    @Override
    public void gelu(Tensor x, Tensor out) { EncoderKernels.gelu(x, out); }

    @Override
    public void encoderAttention(Tensor q, Tensor k, Tensor v, int heads, int keys, Tensor bias, Tensor out) {
        EncoderKernels.encoderAttention(q, k, v, heads, keys, bias, out);
    }
}
