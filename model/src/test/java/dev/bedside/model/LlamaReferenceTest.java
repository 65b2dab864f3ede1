package dev.bedside.model;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.autograd.Autograd;
import dev.bedside.model.generate.Sampler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tiny Llama 3.1 fixture against references we did not write: a float64 PyTorch forward
 * ({@code reference}, and {@code dequantized_reference} on the exact Q8_0/Q4_0 weights) and llama.cpp.
 * See ../shared/fixtures/README.md for every number and tolerance.
 */
class LlamaReferenceTest {

    private static JsonNode expected() throws IOException {
        return new ObjectMapper().readTree(Fixtures.tinyHf().resolve("expected.json").toFile());
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }

    /** Largest |ours − theirs| over the top-20 ids and the fixed ids of every position of every sequence. */
    private static double maxDifference(LlamaModel model, JsonNode expected, String... path) {
        double worst = 0;
        int[] fixedIds = ints(expected.get("fixed_ids"));
        for (JsonNode sequence : expected.get("sequences")) {
            JsonNode oracle = sequence;
            for (String p : path) oracle = oracle.get(p);
            JsonNode topIds = sequence.get("reference").get("top_ids");
            double[][] ours = model.logProbs(ints(sequence.get("ids")));
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

    @Test
    void huggingFaceBf16FolderMatchesTheFloat64Reference() throws Exception {
        JsonNode expected = expected();
        try (LlamaModel model = LlamaModel.load(Fixtures.tinyHf())) {
            double reference = maxDifference(model, expected, "reference");
            System.out.printf("tiny-llama31 HF BF16: max |Δ log-prob| vs float64 reference %.3g%n", reference);
            assertTrue(reference <= 1e-4, "max |Δ log-prob| vs float64 reference = " + reference);
            double llamaCpp = maxDifference(model, expected, "llama_cpp", "f32");
            System.out.printf("tiny-llama31 HF BF16: max |Δ log-prob| vs llama.cpp F32 %.3g%n", llamaCpp);
            assertTrue(llamaCpp <= 1e-3, "max |Δ log-prob| vs llama.cpp F32 = " + llamaCpp);
        }
    }

    @ParameterizedTest
    @CsvSource({"f32, reference", "f16, reference", "q8_0, dequantized_reference.q8_0", "q4_0, dequantized_reference.q4_0"})
    void ggufFilesMatchTheFloat64ReferenceOnTheirOwnWeights(String kind, String oracle) throws Exception {
        JsonNode expected = expected();
        try (LlamaModel model = LlamaModel.load(Fixtures.tinyGguf(kind))) {
            double worst = maxDifference(model, expected, oracle.split("\\."));
            System.out.printf("tiny-llama31 GGUF %s: max |Δ log-prob| vs %s %.3g%n", kind, oracle, worst);
            assertTrue(worst <= 1e-4, kind + ": max |Δ log-prob| vs " + oracle + " = " + worst);
        }
    }

    @Test
    void greedyContinuationWithTheKvCacheMatchesWhereMarginsAllow() throws Exception {
        JsonNode expected = expected();
        try (LlamaModel model = LlamaModel.load(Fixtures.tinyHf())) {
            int compared = 0;
            for (JsonNode sequence : expected.get("sequences")) {
                JsonNode greedy = sequence.get("reference").get("greedy");
                int[] want = ints(greedy.get("ids"));
                List<Integer> got = new ArrayList<>();
                try (var scope = Autograd.noGrad()) {
                    KvCache cache = model.newCache(256);
                    float[] logits = model.lastLogits(model.hidden(ints(sequence.get("ids")), cache));
                    for (int step = 0; step < want.length; step++) {
                        int next = Sampler.argmax(logits);
                        got.add(next);
                        logits = model.lastLogits(model.hidden(new int[] {next}, cache));
                    }
                }
                for (int step = 0; step < want.length; step++) {
                    // A near-tie may flip under float32 rounding: compare only up to the first narrow margin.
                    if (greedy.get("top1_minus_top2").get(step).asDouble() < 1e-4) break;
                    assertEquals(want[step], got.get(step), sequence.get("name").asText() + " step " + step);
                    compared++;
                }
            }
            assertTrue(compared >= 8, "too few greedy steps had a clear margin: " + compared);
        }
    }

    @Test
    void kvCacheGivesTheSameLogitsAsAFullForward() throws Exception {
        JsonNode expected = expected();
        int[] ids = ints(expected.get("sequences").get(1).get("ids"));
        try (LlamaModel model = LlamaModel.load(Fixtures.tinyHf()); var scope = Autograd.noGrad()) {
            double[][] full = model.logProbs(ids);
            KvCache cache = model.newCache(64);
            model.hidden(java.util.Arrays.copyOf(ids, 5), cache);           // prefill five tokens ...
            for (int t = 5; t < ids.length; t++) {                           // ... then one at a time
                float[] logits = model.lastLogits(model.hidden(new int[] {ids[t]}, cache));
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (float l : logits) max = Math.max(max, l);
                for (float l : logits) sum += Math.exp(l - max);
                double lse = max + Math.log(sum);
                for (int j = 0; j < logits.length; j += 997) assertEquals(full[t][j], logits[j] - lse, 2e-5, "position " + t + " id " + j);
            }
        }
    }
}
