package dev.bedside.model;

import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.Var;
import dev.bedside.tensor.Tensor;

/**
 * Keys and values of the tokens seen so far, per layer, so each generated token costs one row of work
 * instead of the whole context. Layout per layer: keys and values [capacity, kvHeads · headDim], row t
 * is position t. Inference only: appending while gradients are recorded is refused.
 */
public final class KvCache {
    private final Tensor[] keys, values;
    private final int capacity;
    private int length;

    public KvCache(LlamaConfig config, int capacity) {
        this.capacity = capacity;
        keys = new Tensor[config.numHiddenLayers()];
        values = new Tensor[config.numHiddenLayers()];
        for (int layer = 0; layer < keys.length; layer++) {
            keys[layer] = Tensor.zeros(capacity, config.keyValueDim());
            values[layer] = Tensor.zeros(capacity, config.keyValueDim());
        }
    }

    /** Tokens already in the cache: the position of the next token. */
    public int length() { return length; }

    public int capacity() { return capacity; }

    /** Forgets everything (the buffers are reused). */
    public void clear() { length = 0; }

    /** Drops all positions from {@code newLength} on, e.g. to reuse a shared prompt prefix. */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) throw new IllegalArgumentException("cannot truncate a cache of " + length + " to " + newLength);
        length = newLength;
    }

    /**
     * Writes this step's keys and values [tokens, kvDim] for {@code layer} at positions length … length+tokens−1
     * and returns all keys and values so far. {@link #advance} moves the length once every layer has appended.
     */
    Var[] append(int layer, Var k, Var v) {
        if (Autograd.isGradEnabled() && (k.requiresGrad() || v.requiresGrad())) {
            throw new IllegalStateException("KV cache is for inference: run under Autograd.noGrad()");
        }
        int tokens = k.dim(0), end = length + tokens;
        if (end > capacity) {
            throw new IllegalStateException("context full: " + end + " tokens exceed the cache's " + capacity);
        }
        int width = k.dim(1);
        System.arraycopy(k.value().data(), (int) k.value().offset(), keys[layer].data(), length * width, tokens * width);
        System.arraycopy(v.value().data(), (int) v.value().offset(), values[layer].data(), length * width, tokens * width);
        return new Var[] {Var.constant(keys[layer].slice(0, 0, end)), Var.constant(values[layer].slice(0, 0, end))};
    }

    /** Commits {@code tokens} new positions after all layers appended them. */
    void advance(int tokens) { length += tokens; }
}
