package dev.bedside.model;

import dev.bedside.tensor.Tensor;

/**
 * Rotary position tables: {@code cos} and {@code sin} [maxPositions, headDim/2] with entry (p, i) =
 * cos/sin(p · θ_i), the layout {@code Backend.rope} reads. Angles are computed in double, stored as float.
 */
public record RopeTables(Tensor cos, Tensor sin) {

    /** Tables for positions 0 … maxPositions-1. */
    public static RopeTables of(LlamaConfig config, int maxPositions) {
        return of(inverseFrequencies(config), maxPositions);
    }

    public static RopeTables of(double[] inverseFrequencies, int maxPositions) {
        int half = inverseFrequencies.length;
        float[] cos = new float[Math.multiplyExact(maxPositions, half)];
        float[] sin = new float[cos.length];
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * inverseFrequencies[i];
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
        return new RopeTables(Tensor.of(cos, maxPositions, half), Tensor.of(sin, maxPositions, half));
    }

    /**
     * θ_i = rope_theta^(-2i/d) for i in [0, d/2), then, with llama3 scaling, Hugging Face's
     * {@code _compute_llama3_parameters}: wavelengths longer than original/low_freq_factor are slowed by
     * {@code factor}, shorter than original/high_freq_factor kept, and the band between blended linearly in
     * original/wavelength.
     */
    public static double[] inverseFrequencies(LlamaConfig config) {
        int d = config.headDim();
        double[] inverse = new double[d / 2];
        for (int i = 0; i < inverse.length; i++) inverse[i] = 1.0 / Math.pow(config.ropeTheta(), 2.0 * i / d);
        RopeScaling scaling = config.ropeScaling();
        if (scaling == null) return inverse;

        double original = scaling.originalMaxPositionEmbeddings();
        double lowFreqWavelength = original / scaling.lowFreqFactor();
        double highFreqWavelength = original / scaling.highFreqFactor();
        for (int i = 0; i < inverse.length; i++) {
            double wavelength = 2 * Math.PI / inverse[i];
            if (wavelength > lowFreqWavelength) {
                inverse[i] = inverse[i] / scaling.factor();
            } else if (wavelength >= highFreqWavelength) {
                double smooth = (original / wavelength - scaling.lowFreqFactor())
                        / (scaling.highFreqFactor() - scaling.lowFreqFactor());
                inverse[i] = (1 - smooth) * inverse[i] / scaling.factor() + smooth * inverse[i];
            }
        }
        return inverse;
    }
}
