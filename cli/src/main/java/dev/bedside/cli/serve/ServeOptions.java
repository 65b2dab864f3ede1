package dev.bedside.cli.serve;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * How the server runs.
 *
 * @param apiKey          the bearer token every request must carry, or null for none
 * @param maxBodyBytes    larger request bodies get 413
 * @param maxConcurrent   sequences generating at once (the decode batch)
 * @param queueSize       requests waiting beyond those; more get 429
 * @param defaultMaxTokens the answer's limit when a request gives no max_tokens
 * @param baseModelId     the id under which the base model (no adapter) is served
 */
public record ServeOptions(String host, int port, String apiKey, int maxBodyBytes, int maxConcurrent, int queueSize,
                           int defaultMaxTokens, String baseModelId) {
    public ServeOptions {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " outside [0, 65535]");
        if (maxBodyBytes < 1) throw new IllegalArgumentException("max body bytes must be positive, got " + maxBodyBytes);
        if (maxConcurrent < 1) throw new IllegalArgumentException("max concurrent must be positive, got " + maxConcurrent);
        if (queueSize < 1) throw new IllegalArgumentException("queue size must be positive, got " + queueSize);
        if (defaultMaxTokens < 1) throw new IllegalArgumentException("default max tokens must be positive, got " + defaultMaxTokens);
    }

    /** The base id first, then the adapters'. */
    List<String> modelIds(Collection<String> adapters) {
        List<String> ids = new ArrayList<>();
        ids.add(baseModelId);
        ids.addAll(adapters);
        return ids;
    }
}
