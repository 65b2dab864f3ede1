package dev.bedside.model.bert;

import dev.bedside.tensor.Tensor;

/**
 * MPNet's relative position bias (T5's bidirectional buckets): the distance from query i to key j is put in one
 * of {@code buckets} buckets, half for keys before the query and half for keys after; within a half, distances
 * below a quarter of the buckets get a bucket each, larger ones share log-spaced buckets up to
 * {@code maxDistance}. Each bucket has a learned bias per head, added to the attention scores of every layer.
 */
public final class RelativePositions {
    private RelativePositions() {}

    /** The bucket of relative position {@code keyPos − queryPos}. */
    public static int bucket(int relativePosition, int buckets, int maxDistance) {
        int n = -relativePosition, half = buckets / 2, bucket = 0;
        if (n < 0) bucket += half;              // the key comes after the query
        n = Math.abs(n);
        int maxExact = half / 2;
        if (n < maxExact) return bucket + n;
        // In float32 like the reference (torch.log of a float tensor), then truncated toward zero as .to(long) does:
        // at distances where the real value is an integer, rounding decides the bucket.
        float logRatio = (float) Math.log((float) n / maxExact);
        float scaled = logRatio / (float) Math.log((double) maxDistance / maxExact) * (half - maxExact);
        int large = maxExact + (int) scaled;
        return bucket + Math.min(large, half - 1);
    }

    /** bias[h, i, j] = table[bucket(j − i), h] for a sequence of {@code length}; table [buckets, heads]. */
    public static Tensor bias(Tensor table, int length, int buckets, int maxDistance) {
        int heads = table.dim(1);
        float[] values = new float[heads * length * length];
        for (int i = 0; i < length; i++) {
            for (int j = 0; j < length; j++) {
                int b = bucket(j - i, buckets, maxDistance);
                for (int h = 0; h < heads; h++) values[(h * length + i) * length + j] = table.get(b, h);
            }
        }
        return Tensor.of(values, heads, length, length);
    }
}
