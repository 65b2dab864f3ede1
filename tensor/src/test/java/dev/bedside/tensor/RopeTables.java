package dev.bedside.tensor;

/** cos and sin tables [maxPositions, headDim/2] of angle pos · base^(−2i/headDim), computed in double. */
final class RopeTables {
    private RopeTables() {}

    static Tensor[] of(int maxPositions, int headDim, double base) {
        int half = headDim / 2;
        float[] cos = new float[maxPositions * half], sin = new float[maxPositions * half];
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * Math.pow(base, -2.0 * i / headDim);
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
        return new Tensor[] {Tensor.of(cos, maxPositions, half), Tensor.of(sin, maxPositions, half)};
    }
}
