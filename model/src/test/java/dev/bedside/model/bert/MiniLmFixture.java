package dev.bedside.model.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.model.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** ../shared/fixtures/minilm/expected.json (ONNX Runtime and HF tokenizers outputs), read once per JVM. */
final class MiniLmFixture {
    private MiniLmFixture() {}

    private static JsonNode expected;

    static synchronized JsonNode expected() {
        if (expected == null) {
            try {
                expected = new ObjectMapper().readTree(Fixtures.dir("minilm").resolve("expected.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return expected;
    }

    static List<JsonNode> sentences() {
        List<JsonNode> list = new ArrayList<>();
        expected().path("sentences").forEach(list::add);
        return list;
    }

    static JsonNode sentence(String id) {
        for (JsonNode s : sentences()) if (s.path("id").asText().equals(id)) return s;
        throw new AssertionError("fixture has no sentence " + id);
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) array.get(i).asDouble();
        return out;
    }

    static double maxAbsDiff(float[] expected, float[] actual) {
        if (expected.length != actual.length) throw new AssertionError("lengths " + expected.length + " vs " + actual.length);
        double max = 0;
        for (int i = 0; i < expected.length; i++) max = Math.max(max, Math.abs((double) expected[i] - actual[i]));
        return max;
    }
}
