package dev.bedside.quant.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.autograd.Autograd;
import dev.bedside.model.KvCache;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.generate.Sampler;
import dev.bedside.model.gguf.GgufType;
import dev.bedside.quant.QuantizedModels;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A GGUF written by Bedside's converter (what {@code bedside quantize --to q8_0|q4_0} writes) loads in llama.cpp
 * (node-llama-cpp's prebuilt CPU build, bench/peers/llama-cpp) and its greedy continuation equals Bedside's.
 * Prompt "hello" (3 ids), 2 tokens: there the top-1/top-2 margins are ≥ 0.05 in both formats (expected.json),
 * wider than llama.cpp's activation rounding moves log-probs. Skipped unless node and the peer are installed.
 */
class LlamaCppPeerTest {
    private static final int GREEDY_TOKENS = 2;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(value = GgufType.class, names = {"Q8_0", "Q4_0"})
    void llamaCppLoadsOurQuantizedGgufAndAgreesOnTheGreedyContinuation(GgufType type) throws Exception {
        Path fixtures = LlamaToGgufTest.fixtures();
        Path peer = Path.of("").toAbsolutePath().getParent().resolve("bench/peers/llama-cpp");
        Assumptions.assumeTrue(Files.isDirectory(peer.resolve("node_modules/node-llama-cpp")),
                "llama.cpp peer not installed: run 'npm ci' in bench/peers/llama-cpp to compare with llama.cpp");
        Assumptions.assumeTrue(commandWorks("node", "--version"), "node is not on the PATH: skipping the llama.cpp comparison");

        Path gguf = tmp.resolve("tiny-" + type.name().toLowerCase(Locale.ROOT) + ".gguf");
        LlamaToGguf.convert(fixtures.resolve("tiny-llama31"), gguf, type);
        JsonNode expected = new ObjectMapper().readTree(fixtures.resolve("tiny-llama31/expected.json").toFile());
        JsonNode hello = expected.path("sequences").get(0);
        int[] prompt = new ObjectMapper().convertValue(hello.path("ids"), int[].class);

        List<Integer> llamaCpp = llamaCppGreedy(peer, gguf, prompt);
        List<Integer> bedside = bedsideGreedy(gguf, prompt);
        assertEquals(llamaCpp, bedside, type + ": llama.cpp vs Bedside greedy continuation of " + hello.path("name").asText());
        // And both equal what llama.cpp made of gguf-py's file of the same weights (the fixture).
        List<Integer> fixture = new ArrayList<>();
        hello.path("llama_cpp").path(type.name().toLowerCase(Locale.ROOT)).path("greedy").path("ids").forEach(id -> fixture.add(id.asInt()));
        assertEquals(fixture.subList(0, GREEDY_TOKENS), llamaCpp);
    }

    private static List<Integer> bedsideGreedy(Path gguf, int[] prompt) throws Exception {
        List<Integer> out = new ArrayList<>();
        try (var noGrad = Autograd.noGrad(); LlamaModel model = QuantizedModels.load(gguf, new QuantizedModels.Options(null, false, false), 64)) {
            KvCache cache = model.newCache(prompt.length + GREEDY_TOKENS);
            float[] logits = model.lastLogits(model.hidden(prompt, cache));
            for (int i = 0; i < GREEDY_TOKENS; i++) {
                int next = Sampler.argmax(logits);
                out.add(next);
                if (i + 1 < GREEDY_TOKENS) logits = model.lastLogits(model.hidden(new int[] {next}, cache));
            }
        }
        return out;
    }

    private static List<Integer> llamaCppGreedy(Path peer, Path gguf, int[] prompt) throws IOException, InterruptedException {
        StringBuilder ids = new StringBuilder();
        for (int id : prompt) ids.append(ids.isEmpty() ? "" : ",").append(id);
        Process p = new ProcessBuilder("node", "greedy.mjs", "--model", gguf.toString(), "--ids", ids.toString(),
                "--tokens", String.valueOf(GREEDY_TOKENS), "--threads", "1").directory(peer.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("llama.cpp peer failed: " + output);
        String last = output.strip().lines().reduce((a, b) -> b).orElse("");
        List<Integer> greedy = new ArrayList<>();
        new ObjectMapper().readTree(last).path("greedy").forEach(id -> greedy.add(id.asInt()));
        return greedy;
    }

    private static boolean commandWorks(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
