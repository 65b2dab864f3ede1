package dev.bedside.eval.similarity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** similarity_minilm against the fixture's ONNX Runtime cosines, batched, and the sample without a reference. */
class EmbeddingSimilarityTest {

    @Test
    void cosinesMatchTheFixturePairs() throws IOException {
        Path file = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures/minilm/expected.json");
        Assumptions.assumeTrue(Files.isRegularFile(file), "../shared/fixtures/minilm absent: skipping similarity_minilm check");
        JsonNode expected = new ObjectMapper().readTree(file.toFile());
        Map<String, String> texts = new HashMap<>();
        expected.path("sentences").forEach(s -> texts.put(s.path("id").asText(), s.path("text").asText()));
        List<Sample> samples = new ArrayList<>();
        List<Double> cosines = new ArrayList<>();
        for (JsonNode pair : expected.path("pairs")) {
            samples.add(new Sample(pair.path("a").asText() + "-" + pair.path("b").asText(), "q",
                    texts.get(pair.path("a").asText()), texts.get(pair.path("b").asText()), Map.of()));
            cosines.add(pair.path("cosine").asDouble());
        }
        samples.add(new Sample("none", "q", "an answer", "", Map.of()));

        EmbeddingSimilarity metric = EmbeddingSimilarity.minilm();
        assertEquals("similarity_minilm", metric.name());
        assertTrue(metric.higherIsBetter());
        List<Score> scores = metric.scoreAll(samples);
        for (int i = 0; i < cosines.size(); i++) {
            assertEquals(cosines.get(i), scores.get(i).value(), 1e-5, samples.get(i).id());
        }
        assertFalse(scores.getLast().ok());
        assertTrue(scores.getLast().failure().contains("reference"));
        assertEquals(scores.getFirst().value(), metric.score(samples.getFirst()).value(), 1e-6, "score = scoreAll of one");
    }
}
