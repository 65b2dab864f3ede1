package dev.bedside.model;

/**
 * Llama 3 rotary scaling ({@code rope_scaling} with {@code rope_type: "llama3"}): low frequencies are
 * divided by {@code factor}, high frequencies kept, the band between interpolated. See {@link RopeTables}.
 */
public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings) {

    public RopeScaling {
        if (!(factor > 0) || !(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor) || originalMaxPositionEmbeddings <= 0) {
            throw new IllegalArgumentException("rope_scaling llama3: need factor > 0, 0 < low_freq_factor < high_freq_factor"
                    + " and original_max_position_embeddings > 0, got factor " + factor + ", low_freq_factor " + lowFreqFactor
                    + ", high_freq_factor " + highFreqFactor + ", original_max_position_embeddings " + originalMaxPositionEmbeddings);
        }
    }
}
