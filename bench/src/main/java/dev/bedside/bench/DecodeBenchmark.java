package dev.bedside.bench;

import dev.bedside.autograd.Autograd;
import dev.bedside.model.KvCache;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.LlamaWeights;
import dev.bedside.model.generate.Sampler;
import dev.bedside.tensor.Backends;
import dev.bedside.tensor.DeviceTraffic;
import dev.bedside.tensor.Parallel;
import dev.bedside.tensor.Tensor;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prefill and greedy-decode speed of a Llama model. Decoding one token reads every weight once, so its
 * speed is bounded by memory bandwidth: the result carries the bytes read per token and the bandwidth this
 * machine streams (measured in the same run), and their ratio, the speed a perfect kernel would reach. On a device
 * backend it also carries the bytes that crossed between host and device per decoded token.
 */
public final class DecodeBenchmark {
    private DecodeBenchmark() {}

    public record Result(String backend, int threads, int promptTokens, int decodeTokens, double prefillTokensPerSecond,
                         double decodeTokensPerSecond, long weightBytesPerToken, double bandwidthGBs,
                         long deviceBytesPerToken) {
        /** Tokens per second if decoding did nothing but stream the weights at the measured bandwidth. */
        public double bandwidthBoundTokensPerSecond() { return bandwidthGBs * 1e9 / weightBytesPerToken; }
    }

    /**
     * Times a prefill of {@code promptTokens} random ids followed by {@code decodeTokens} greedy steps,
     * {@code repeats} times after one untimed run of the same size (so the JIT has compiled every path);
     * reports the medians.
     */
    public static Result run(LlamaModel model, LlamaWeights weights, int promptTokens, int decodeTokens, int repeats) {
        int vocab = model.config().vocabSize();
        int[] prompt = new SplittableRandom(7).ints(promptTokens, 0, vocab).toArray();
        double[] prefill = new double[repeats], decode = new double[repeats];
        long deviceBytes = 0;
        try (var scope = Autograd.noGrad()) {
            timeOnce(model, prompt, decodeTokens, new double[3]);
            for (int r = 0; r < repeats; r++) {
                double[] measured = new double[3];
                timeOnce(model, prompt, decodeTokens, measured);
                prefill[r] = promptTokens / measured[0];
                decode[r] = decodeTokens / measured[1];
                deviceBytes = (long) measured[2];   // the same every repeat: the same shapes cross
            }
        }
        return new Result(Backends.current().name(), Parallel.threads(), promptTokens, decodeTokens, median(prefill),
                median(decode), bytesReadPerToken(weights), MemoryBandwidth.measureGBs(), deviceBytes / decodeTokens);
    }

    /**
     * One prefill and {@code steps} greedy steps; measured[0] and [1] receive their wall times, measured[2] the bytes
     * that crossed between host and device during the steps.
     */
    private static void timeOnce(LlamaModel model, int[] prompt, int steps, double[] measured) {
        long start = System.nanoTime();
        KvCache cache = model.newCache(prompt.length + steps + 1);
        float[] logits = model.lastLogits(model.hidden(prompt, cache));
        measured[0] = (System.nanoTime() - start) / 1e9;
        DeviceTraffic before = Backends.current().traffic();
        start = System.nanoTime();
        for (int i = 0; i < steps; i++) logits = model.lastLogits(model.hidden(new int[] {Sampler.argmax(logits)}, cache));
        measured[1] = (System.nanoTime() - start) / 1e9;
        DeviceTraffic moved = Backends.current().traffic().since(before);
        measured[2] = moved.bytesToDevice() + moved.bytesToHost();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Every matrix is read once per token, the LM head included; of the embedding only one row. */
    static long bytesReadPerToken(LlamaWeights w) {
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        long bytes = 0;
        for (LlamaWeights.Layer l : w.layers()) {
            for (Tensor t : new Tensor[] {l.inputLayernorm(), l.qProj(), l.kProj(), l.vProj(), l.oProj(), l.postAttentionLayernorm(),
                    l.gateProj(), l.upProj(), l.downProj()}) {
                if (seen.put(t, true) == null) bytes += t.storageBytes();   // quantized: codes and scales
            }
        }
        bytes += w.norm().storageBytes();
        bytes += w.lmHead().storageBytes();
        return bytes;
    }
}
