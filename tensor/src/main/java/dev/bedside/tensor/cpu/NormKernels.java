package dev.bedside.tensor.cpu;

import static dev.bedside.tensor.Checks.*;
import static dev.bedside.tensor.cpu.VectorMath.F;
import static dev.bedside.tensor.cpu.VectorMath.LANES;

import dev.bedside.tensor.Parallel;
import dev.bedside.tensor.Tensor;
import jdk.incubator.vector.FloatVector;

/** RMSNorm forward and backward, rows in parallel. */
public final class NormKernels {
    private NormKernels() {}

    public static void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out, Tensor invRms) {
        RowShape shape = RowShape.rmsNorm(x, weight, out, invRms);
        int dim = shape.cols(), rows = shape.rows();
        float[] X = x.data(), W = weight.data(), O = out.data(), R = invRms.data();
        int xo = (int) x.offset(), wo = (int) weight.offset(), oo = (int) out.offset(), ro = (int) invRms.offset();
        Parallel.forRange(rows, VectorMath.rowGrain(dim), (start, end) -> {
            for (int r = start; r < end; r++) {
                int row = xo + r * dim, outRow = oo + r * dim;
                float inv = (float) (1.0 / Math.sqrt(VectorMath.dot(X, row, X, row, dim) / dim + eps));
                R[ro + r] = inv;
                int i = 0;
                for (; i < F.loopBound(dim); i += LANES) {
                    FloatVector.fromArray(F, X, row + i).mul(inv).mul(FloatVector.fromArray(F, W, wo + i)).intoArray(O, outRow + i);
                }
                for (; i < dim; i++) O[outRow + i] = X[row + i] * inv * W[wo + i];
            }
        });
    }

    public static void rmsNormBackward(Tensor dOut, Tensor x, Tensor weight, Tensor invRms, Tensor dx, Tensor dWeight) {
        RowShape shape = RowShape.rmsNormBackward(dOut, x, weight, invRms, dx, dWeight);
        int dim = shape.cols(), rows = shape.rows();
        float[] X = x.data(), W = weight.data(), G = dOut.data(), R = invRms.data(), DX = dx.data();
        int xo = (int) x.offset(), wo = (int) weight.offset(), go = (int) dOut.offset(), ro = (int) invRms.offset(),
                dxo = (int) dx.offset();
        // dx_i = inv·w_i·g_i − x_i·inv³/dim · Σ_j g_j·w_j·x_j, one row at a time.
        Parallel.forRange(rows, VectorMath.rowGrain(dim), (start, end) -> {
            for (int r = start; r < end; r++) {
                int row = xo + r * dim, gRow = go + r * dim, dxRow = dxo + r * dim;
                float inv = R[ro + r];
                FloatVector acc = FloatVector.zero(F);
                int i = 0;
                for (; i < F.loopBound(dim); i += LANES) {
                    FloatVector gw = FloatVector.fromArray(F, G, gRow + i).mul(FloatVector.fromArray(F, W, wo + i));
                    acc = gw.fma(FloatVector.fromArray(F, X, row + i), acc);
                }
                float dot = VectorMath.sumLanes(acc);
                for (; i < dim; i++) dot += G[gRow + i] * W[wo + i] * X[row + i];
                float coef = dot * inv * inv * inv / dim;
                i = 0;
                for (; i < F.loopBound(dim); i += LANES) {
                    FloatVector gw = FloatVector.fromArray(F, G, gRow + i).mul(FloatVector.fromArray(F, W, wo + i));
                    FloatVector d = gw.mul(inv).sub(FloatVector.fromArray(F, X, row + i).mul(coef));
                    d.add(FloatVector.fromArray(F, DX, dxRow + i)).intoArray(DX, dxRow + i);
                }
                for (; i < dim; i++) DX[dxRow + i] += inv * W[wo + i] * G[gRow + i] - coef * X[row + i];
            }
        });
        if (dWeight == null) return;
        // dWeight_i += Σ_r g_ri·x_ri·inv_r: columns in parallel, so no two threads write the same element.
        float[] DW = dWeight.data();
        int dwo = (int) dWeight.offset();
        int blocks = (dim + LANES - 1) / LANES;
        Parallel.forRange(blocks, VectorMath.columnBlockGrain(rows), (startBlock, endBlock) -> {
            int from = startBlock * LANES, to = Math.min(dim, endBlock * LANES);
            for (int r = 0; r < rows; r++) {
                float inv = R[ro + r];
                int row = xo + r * dim, gRow = go + r * dim;
                int i = from;
                for (; i + LANES <= to; i += LANES) {
                    FloatVector gx = FloatVector.fromArray(F, G, gRow + i).mul(FloatVector.fromArray(F, X, row + i));
                    gx.fma(FloatVector.broadcast(F, inv), FloatVector.fromArray(F, DW, dwo + i)).intoArray(DW, dwo + i);
                }
                for (; i < to; i++) DW[dwo + i] += G[gRow + i] * X[row + i] * inv;
            }
        });
    }
}
