package dev.bedside.model.bert;

/**
 * The shape of a BERT-family encoder. MPNet differs from BERT in three settings: positions start at
 * {@code positionOffset} (padding index + 1 = 2) instead of 0, there are no token-type embeddings
 * ({@code typeVocab} 0), and attention adds a learned bias per head and relative-position bucket
 * ({@code relativeBuckets} &gt; 0, distances up to {@code relativeMaxDistance}).
 */
public record EncoderConfig(String architecture, int hidden, int layers, int heads, int intermediate, int vocab,
                            int maxPositions, int typeVocab, float layerNormEps, int positionOffset,
                            int relativeBuckets, int relativeMaxDistance) {

    public EncoderConfig {
        if (hidden <= 0 || layers <= 0 || heads <= 0 || hidden % heads != 0 || intermediate <= 0 || vocab <= 0 || maxPositions <= 0) {
            throw new IllegalArgumentException("encoder config: hidden " + hidden + " must split into " + heads
                    + " heads; layers " + layers + ", intermediate " + intermediate + ", vocab " + vocab + ", positions " + maxPositions);
        }
    }

    /** all-MiniLM-L6-v2 (what its ONNX export hard-codes; no config.json travels with it). */
    public static EncoderConfig miniLmL6() {
        return bert(384, 6, 12, 1536, 30522, 512, 2, 1e-12f);
    }

    public static EncoderConfig bert(int hidden, int layers, int heads, int intermediate, int vocab, int maxPositions,
                                     int typeVocab, float eps) {
        return new EncoderConfig("bert", hidden, layers, heads, intermediate, vocab, maxPositions, typeVocab, eps, 0, 0, 0);
    }

    public int headDim() { return hidden / heads; }

    /** The longest sequence the position table allows. */
    public int maxTokens() { return maxPositions - positionOffset; }
}
