package dev.bedside.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.Var;
import dev.bedside.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The shared tiny Llama 3.1 fixture (../shared/fixtures): paths, expected values, and log-prob comparison. */
final class TinyLlama {
    private TinyLlama() {}

    static Path dir(String name) {
        Path dir = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures", name);
        Assumptions.assumeTrue(Files.isDirectory(dir), "../shared/fixtures/" + name + " absent: skipping the tiny-model checks");
        return dir;
    }

    static Path hf() { return dir("tiny-llama31"); }

    /** kind: f32, f16, q8_0 or q4_0. */
    static Path gguf(String kind) { return dir("tiny-llama31-gguf").resolve("tiny-llama31-" + kind + ".gguf"); }

    static JsonNode expected() throws IOException {
        return new ObjectMapper().readTree(hf().resolve("expected.json").toFile());
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }

    /** Log-softmax of every row of the logits, in double: [T][V]. */
    static double[][] logProbs(LlamaModel model, int[] ids) {
        try (var scope = Autograd.noGrad()) {
            Var logits = model.logits(model.hidden(ids, null));
            int vocab = logits.dim(1);
            float[] all = logits.value().toFloatArray();
            double[][] out = new double[ids.length][];
            for (int t = 0; t < ids.length; t++) out[t] = logSoftmax(all, t * vocab, vocab);
            return out;
        }
    }

    static double[] logSoftmax(float[] logits, int from, int vocab) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < vocab; j++) max = Math.max(max, logits[from + j]);
        for (int j = 0; j < vocab; j++) sum += Math.exp(logits[from + j] - max);
        double lse = max + Math.log(sum);
        double[] out = new double[vocab];
        for (int j = 0; j < vocab; j++) out[j] = logits[from + j] - lse;
        return out;
    }

    /** Largest |ours − oracle| over the top-20 and fixed ids of every position of every sequence. */
    static double maxDifference(LlamaModel model, JsonNode expected, String... path) {
        double worst = 0;
        int[] fixedIds = ints(expected.get("fixed_ids"));
        for (JsonNode sequence : expected.get("sequences")) {
            JsonNode oracle = sequence;
            for (String p : path) oracle = oracle.get(p);
            JsonNode topIds = sequence.get("reference").get("top_ids");
            double[][] ours = logProbs(model, ints(sequence.get("ids")));
            for (int t = 0; t < ours.length; t++) {
                for (int j = 0; j < topIds.get(t).size(); j++) {
                    worst = Math.max(worst, Math.abs(ours[t][topIds.get(t).get(j).asInt()] - oracle.get("top_logprobs").get(t).get(j).asDouble()));
                }
                for (int j = 0; j < fixedIds.length; j++) {
                    worst = Math.max(worst, Math.abs(ours[t][fixedIds[j]] - oracle.get("fixed_logprobs").get(t).get(j).asDouble()));
                }
            }
        }
        return worst;
    }
}
