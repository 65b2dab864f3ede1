package dev.bedside.model.bert;

import static dev.bedside.model.bert.MiniLmFixture.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedside.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bedside's tokenizer and encoder on the bundled all-MiniLM-L6-v2 against ONNX Runtime and Hugging Face tokenizers
 * (../shared/fixtures/minilm): ids, hidden states of every layer, sentence embeddings under the three truncation
 * conventions, and similarities. The model is loaded once.
 */
class MiniLmReferenceTest {
    private static final double MAX_ABS = 1e-4, MIN_COSINE = 0.9999;
    private static SentenceEncoder minilm;

    @BeforeAll
    static void load() {
        expected();   // skips the class when the fixture is absent
        minilm = SentenceEncoder.miniLm();
    }

    @Test
    void tokenIdsAndTokensMatchHuggingFace() {
        WordPieceTokenizer tokenizer = minilm.tokenizer();
        for (JsonNode s : sentences()) {
            int[] ids = tokenizer.encode(s.path("text").asText());
            assertArrayEquals(ints(s.path("token_ids")), ids, s.path("id").asText() + ": " + s.path("text").asText());
            for (int i = 0; i < ids.length; i++) {
                assertEquals(s.path("tokens").get(i).asText(), tokenizer.token(ids[i]), s.path("id").asText() + " token " + i);
            }
            assertEquals(s.path("n_tokens").asInt(), ids.length);
        }
    }

    @Test
    void embeddingsMatchOnnxRuntimeForEachTruncation() {
        for (String field : List.of("embedding", "embedding_max128", "embedding_max512")) {
            int max = switch (field) {
                case "embedding_max128" -> 128;
                case "embedding_max512" -> 512;
                default -> 256;
            };
            List<JsonNode> cases = new ArrayList<>();
            for (JsonNode s : sentences()) if (!s.path(field).isNull()) cases.add(s);
            SentenceEncoder encoder = SentenceEncoder.miniLm(max);
            // All of them in one packed batch: also checks that sequences do not see each other.
            float[][] actual = encoder.embed(cases.stream().map(s -> s.path("text").asText()).toList());
            double worst = 0, worstCosine = 1;
            for (int i = 0; i < cases.size(); i++) {
                float[] expected = floats(cases.get(i).path(field));
                double diff = maxAbsDiff(expected, actual[i]), cosine = SentenceEncoder.cosine(expected, actual[i]);
                String what = field + " " + cases.get(i).path("id").asText();
                assertTrue(diff <= MAX_ABS, what + ": max |Δ| " + diff);
                assertTrue(cosine >= MIN_COSINE, what + ": cosine " + cosine);
                worst = Math.max(worst, diff);
                worstCosine = Math.min(worstCosine, cosine);
            }
            assertTrue(field.equals("embedding") ? cases.size() == 20 : cases.size() >= 1, field + ": " + cases.size() + " cases");
            System.out.printf("minilm %s: %d sentences, max |Δ| %.2e, min cosine %.9f%n", field, cases.size(), worst, worstCosine);
        }
    }

    @Test
    void everyLayerMatchesOnnxRuntime() {
        for (String id : List.of("P01", "P06", "P07")) {
            JsonNode s = sentence(id);
            List<Tensor> hidden = new ArrayList<>();
            minilm.encoder().forward(List.of(ints(s.path("token_ids"))), hidden);
            JsonNode expectedLayers = s.path("hidden_states");
            assertEquals(expectedLayers.size(), hidden.size(), id + ": number of hidden states");
            for (int layer = 0; layer < hidden.size(); layer++) {
                float[] actual = hidden.get(layer).toFloatArray();
                JsonNode rows = expectedLayers.get(layer);
                assertEquals(rows.size() * 384, actual.length, id + " layer " + layer + " size");
                float[] expected = new float[actual.length];
                for (int t = 0; t < rows.size(); t++) System.arraycopy(floats(rows.get(t)), 0, expected, t * 384, 384);
                double diff = maxAbsDiff(expected, actual);
                assertTrue(diff <= MAX_ABS, id + " hidden state " + layer + ": max |Δ| " + diff);
            }
        }
    }

    @Test
    void similaritiesMatch() {
        List<String> ids = new ArrayList<>(), texts = new ArrayList<>();
        for (JsonNode s : sentences()) {
            ids.add(s.path("id").asText());
            texts.add(s.path("text").asText());
        }
        float[][] e256 = minilm.embed(texts), e128 = SentenceEncoder.miniLm(128).embed(texts);
        for (JsonNode pair : expected().path("pairs")) {
            int a = ids.indexOf(pair.path("a").asText()), b = ids.indexOf(pair.path("b").asText());
            assertEquals(pair.path("cosine").asDouble(), SentenceEncoder.cosine(e256[a], e256[b]), 1e-5, pair.toString());
            assertEquals(pair.path("cosine_langchain4j").asDouble(), SentenceEncoder.cosine(e128[a], e128[b]), 1e-5, pair + " (cut at 128)");
        }
    }

    @Test
    void truncationKeepsTheFirstPiecesThenSep() {
        JsonNode longest = sentence("P14");
        int[] all = ints(longest.path("token_ids")), cut = minilm.tokenizer().encode(longest.path("text").asText(), 128);
        assertEquals(128, cut.length);
        for (int i = 0; i < 127; i++) assertEquals(all[i], cut[i]);
        assertEquals(102, cut[127]);
        assertEquals(128, minilm.tokenizer().fileTruncation());
    }
}
