package dev.bedside.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.autograd.Autograd;
import dev.bedside.model.LlamaConfig;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.generate.Sampler;
import dev.bedside.quant.memory.RandomNf4Llama;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bedside bench memory --config NAME --quant nf4 --random-init [--tokens N]}: builds a model of that
 * shape with random weights directly in QLoRA's storage (linear weights NF4 with double quantization,
 * embeddings and LM head BF16, norms F32), runs one forward of a few tokens, and prints one JSON line with the
 * process's peak resident memory ({@code VmHWM}) and where the memory is. Run it with a modest heap
 * (e.g. {@code BEDSIDE_JAVA_OPTS=-Xmx256m}): the weights live off the heap, and a large heap only adds garbage to the RSS.
 */
final class MemoryBenchCommand {
    static final String USAGE = "bedside bench memory --config NAME|config.json --quant nf4 --random-init [--tokens N]";

    private MemoryBenchCommand() {}

    static int run(String[] rest) throws Exception {
        Args args = new Args(rest, Set.of("random-init"));
        String configName = args.required("config");
        String quant = args.string("quant", "nf4");
        boolean randomInit = args.flag("random-init");
        int tokens = args.integer("tokens", 4);
        args.finish();
        if (!quant.equals("nf4")) throw new UsageException("--quant " + quant + ": only nf4 is measured here");
        if (!randomInit) throw new UsageException("--random-init is required (no weights are loaded); " + USAGE);
        if (tokens <= 0) throw new UsageException("--tokens must be positive");
        LlamaConfig config = configName.endsWith(".json") ? LlamaConfig.load(Path.of(configName)) : LlamaConfig.preset(configName);

        long start = System.nanoTime();
        RandomNf4Llama weights = new RandomNf4Llama(config, 1);
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        int[] ids = new int[tokens];
        for (int i = 0; i < tokens; i++) ids[i] = (i * 7919 + 128000) % config.vocabSize();
        int next;
        double forwardSeconds;
        long heapUsedAfterForward;
        try (var noGrad = Autograd.noGrad(); LlamaModel model = weights.model(tokens + 8)) {
            start = System.nanoTime();
            float[] logits = model.lastLogits(model.hidden(ids, null));
            forwardSeconds = (System.nanoTime() - start) / 1e9;
            for (float v : logits) if (!Float.isFinite(v)) throw new IllegalStateException("forward produced a non-finite logit");
            next = Sampler.argmax(logits);
            Runtime rt = Runtime.getRuntime();
            heapUsedAfterForward = rt.totalMemory() - rt.freeMemory();
        }
        Runtime rt = Runtime.getRuntime();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("op", "memory");
        line.put("config", configName);
        line.put("quant", "nf4 (double quant), embeddings and lm_head bf16, norms f32");
        line.put("parameters", parameters(config));
        line.put("peak_rss_bytes", procStatus("VmHWM"));
        line.put("rss_bytes_at_end", procStatus("VmRSS"));
        line.put("weight_bytes", weights.weightBytes());
        line.put("nf4_weight_bytes", weights.nf4Bytes());
        line.put("heap_used_bytes_after_forward", heapUsedAfterForward);
        line.put("heap_committed_bytes", rt.totalMemory());
        line.put("heap_max_bytes", rt.maxMemory());
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            line.put("buffer_pool_" + pool.getName().replaceAll("[^a-z]", "_") + "_bytes", pool.getMemoryUsed());
        }
        line.put("forward_tokens", tokens);
        line.put("forward_seconds", Math.round(forwardSeconds * 1000) / 1000.0);
        line.put("build_seconds", Math.round(buildSeconds * 1000) / 1000.0);
        line.put("next_token", next);
        System.out.println(new ObjectMapper().writeValueAsString(line));
        return 0;
    }

    private static long parameters(LlamaConfig c) {
        long layer = (long) c.hiddenSize() * (c.queryDim() + 2L * c.keyValueDim()) + (long) c.queryDim() * c.hiddenSize()
                + 3L * c.hiddenSize() * c.intermediateSize() + 2L * c.hiddenSize();
        long embeddings = (long) c.vocabSize() * c.hiddenSize() * (c.tieWordEmbeddings() ? 1 : 2);
        return layer * c.numHiddenLayers() + embeddings + c.hiddenSize();
    }

    /** A "Vm…: N kB" line of /proc/self/status, in bytes; -1 where there is no such file (not Linux). */
    static long procStatus(String key) throws java.io.IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) return -1;
        List<String> lines = Files.readAllLines(status);
        for (String l : lines) {
            if (l.startsWith(key + ":")) return Long.parseLong(l.substring(key.length() + 1).replace("kB", "").trim()) * 1024;
        }
        return -1;
    }
}
