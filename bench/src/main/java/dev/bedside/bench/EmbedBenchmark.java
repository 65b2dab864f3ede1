package dev.bedside.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.model.bert.SentenceEncoder;
import dev.bedside.tensor.Backends;
import dev.bedside.tensor.Parallel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sentence-embedding speed of Bedside's all-MiniLM-L6-v2 next to ONNX Runtime's on the same model file and the same
 * token ids, in the same run. Bedside tokenizes; the ids go to the peer ({@code bench/peers/onnxruntime/embed.mjs})
 * through a temporary file, so both encode exactly the same input. Rounds alternate between the two; each round
 * reports a median over several passes, and the result carries the medians over rounds, their ratio, and the
 * largest difference between the two sides' embeddings.
 */
public final class EmbedBenchmark {
    private EmbedBenchmark() {}

    /** Sentences of a caregiving conversation, 1 to 4 joined per benchmark input (about 15 to 110 word pieces). */
    private static final String[] BASE = {
        "The caregiver helped my mother take her evening medication.",
        "My father has been forgetting names more often, and he gets upset when we remind him.",
        "Is it normal to feel exhausted and guilty at the same time when caring for a parent with dementia?",
        "She refuses to shower and says she already did, even though it has been several days.",
        "The nurse suggested keeping a simple routine: meals, walks and bedtime at the same hours every day.",
        "How can I explain to my children that their grandmother may not recognize them anymore?",
        "He takes 5 mg of donepezil at night; should we ask the doctor about side effects like vivid dreams?",
        "We found a support group that meets on Thursdays, which has helped me feel less alone.",
        "When she wanders in the evening, a calm voice and a familiar song often settle her.",
        "Please do not stop any prescribed medicine without talking to the care team first.",
        "Respite care for a weekend gave me time to sleep and see friends again.",
        "Her appetite changed, so we now offer smaller meals and finger foods throughout the day.",
        "I worry about driving: he insists he is fine, but he got lost on a familiar route last week.",
        "Labeling cupboards with pictures made it easier for him to find things on his own.",
        "It is okay to ask for help; looking after yourself is part of looking after them.",
        "The memory clinic asked us to bring a list of all medicines, including vitamins and supplements.",
    };

    public static List<String> sentences(int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            for (int j = 0; j <= i % 4; j++) text.append(j == 0 ? "" : " ").append(BASE[(i + j * 5) % BASE.length]);
            out.add(text.toString());
        }
        return out;
    }

    /**
     * Runs {@code rounds} alternating rounds; in each, Bedside embeds all sentences {@code repeats} times (median)
     * and the peer does the same for each batch size in {@code ortBatches} (1: one sentence per call, no padding;
     * more: padded batches). Returns the JSON line's fields.
     */
    public static Map<String, Object> run(Path peerDir, int sentenceCount, int rounds, int repeats, List<Integer> ortBatches,
                                          boolean ortSpin) throws IOException, InterruptedException {
        if (!Files.isDirectory(peerDir.resolve("node_modules/onnxruntime-node"))) {
            throw new IOException("ONNX Runtime peer not installed: run 'npm ci' (or 'npm install') in " + peerDir
                    + ", or point --peer at that folder");
        }
        SentenceEncoder encoder = SentenceEncoder.miniLm();
        List<int[]> ids = new ArrayList<>();
        for (String s : sentences(sentenceCount)) ids.add(encoder.tokenize(s));
        int tokens = ids.stream().mapToInt(a -> a.length).sum();

        Path work = Files.createTempDirectory("bedside-embed-bench");
        Path model = work.resolve(SentenceEncoder.MINILM_ONNX), idsFile = work.resolve("ids.json"), outFile = work.resolve("ort.json");
        try (InputStream in = EmbedBenchmark.class.getResourceAsStream("/" + SentenceEncoder.MINILM_ONNX)) {
            if (in == null) throw new IOException(SentenceEncoder.MINILM_ONNX + " not on the classpath");
            Files.copy(in, model);
        }
        ObjectMapper json = new ObjectMapper();
        json.writeValue(idsFile.toFile(), Map.of("ids", ids));

        // Warm-up: until the JIT has compiled the kernels (a few passes over the whole set).
        float[][] ours = encoder.embedIds(ids);
        for (int i = 0; i < 3; i++) encoder.embedIds(ids);

        List<Double> bedside = new ArrayList<>();
        Map<Integer, List<Double>> ort = new LinkedHashMap<>();
        double maxDiff = 0;
        try {
            for (int r = 0; r < rounds; r++) {
                double[] seconds = new double[repeats];
                for (int i = 0; i < repeats; i++) {
                    long t0 = System.nanoTime();
                    encoder.embedIds(ids);
                    seconds[i] = (System.nanoTime() - t0) / 1e9;
                }
                bedside.add(ids.size() / median(seconds));
                for (int batch : ortBatches) {
                    JsonNode line = runPeer(peerDir, model, idsFile, outFile, repeats, batch, ortSpin, json);
                    ort.computeIfAbsent(batch, b -> new ArrayList<>()).add(line.path("sentences_per_second").asDouble());
                    if (r == 0) maxDiff = Math.max(maxDiff, maxAbsDiff(ours, json.readTree(outFile.toFile()).path("embeddings")));
                }
            }
        } finally {
            for (Path p : List.of(model, idsFile, outFile)) Files.deleteIfExists(p);
            Files.deleteIfExists(work);
        }

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("op", "embed_vs_onnxruntime");
        result.put("model", "all-MiniLM-L6-v2");
        result.put("backend", Backends.current().name());
        result.put("threads", Parallel.threads());
        result.put("sentences", ids.size());
        result.put("tokens", tokens);
        result.put("rounds", rounds);
        result.put("repeats", repeats);
        result.put("onnxruntime_spinning", ortSpin);
        double ourMedian = median(bedside);
        result.put("bedside_sentences_per_second", round(ourMedian));
        for (var e : ort.entrySet()) {
            double theirs = median(e.getValue());
            result.put("onnxruntime_batch" + e.getKey() + "_sentences_per_second", round(theirs));
            result.put("ratio_bedside_over_onnxruntime_batch" + e.getKey(), round(ourMedian / theirs));
        }
        result.put("max_abs_diff_embeddings", maxDiff);
        result.put("bedside_runs", bedside.stream().map(EmbedBenchmark::round).toList());
        ort.forEach((batch, runs) -> result.put("onnxruntime_batch" + batch + "_runs", runs.stream().map(EmbedBenchmark::round).toList()));
        return result;
    }

    private static JsonNode runPeer(Path peerDir, Path model, Path ids, Path out, int repeats, int batch, boolean spin, ObjectMapper json)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder("node", "embed.mjs", "--model", model.toString(), "--ids", ids.toString(),
                "--threads", String.valueOf(Parallel.threads()), "--repeats", String.valueOf(repeats), "--batch", String.valueOf(batch),
                "--spin", spin ? "1" : "0", "--out", out.toString())
                .directory(peerDir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int code = process.waitFor();
        if (code != 0 || stdout.isEmpty()) throw new IOException("node embed.mjs exited with " + code + ": " + stdout);
        String[] lines = stdout.split("\n");
        return json.readTree(lines[lines.length - 1]);
    }

    private static double maxAbsDiff(float[][] ours, JsonNode theirs) {
        double max = 0;
        for (int s = 0; s < ours.length; s++) {
            for (int i = 0; i < ours[s].length; i++) max = Math.max(max, Math.abs(ours[s][i] - theirs.get(s).get(i).asDouble()));
        }
        return max;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
