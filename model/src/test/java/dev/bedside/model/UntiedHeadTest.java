package dev.bedside.model;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.autograd.Autograd;
import dev.bedside.model.safetensors.SafetensorsCheckpoint;
import dev.bedside.model.safetensors.SafetensorsWriter;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Llama 3.1 8B does not tie its output head to the embeddings. Derive an untied checkpoint from the tiny
 * fixture whose lm_head is twice the embedding matrix (exact in BF16): its logits must be exactly twice the
 * tied model's, which shows the separate head is loaded and used.
 */
class UntiedHeadTest {

    @Test
    void aSeparateLmHeadIsLoadedAndUsed(@TempDir Path dir) throws Exception {
        Path tied = Fixtures.tinyHf();
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(tied.resolve("config.json").toFile());
        config.put("tie_word_embeddings", false);
        new ObjectMapper().writeValue(dir.resolve("config.json").toFile(), config);

        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafetensorsCheckpoint source = SafetensorsCheckpoint.open(tied)) {
            source.tensors().forEach((name, t) -> tensors.put(name, t.copy()));
        }
        Tensor embed = tensors.get(LlamaLayout.EMBED_TOKENS);
        float[] doubled = embed.toFloatArray();
        for (int i = 0; i < doubled.length; i++) doubled[i] *= 2;
        tensors.put(LlamaLayout.LM_HEAD, Tensor.of(doubled, embed.shape()));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, DType.BF16, Map.of("format", "pt"));

        int[] ids = {128000, 9906, 1917, 0, 35};
        try (LlamaModel a = LlamaModel.load(tied); LlamaModel b = LlamaModel.load(dir); var scope = Autograd.noGrad()) {
            assertFalse(b.config().tieWordEmbeddings());
            float[] tiedLogits = a.logits(a.hidden(ids, null)).value().toFloatArray();
            float[] untiedLogits = b.logits(b.hidden(ids, null)).value().toFloatArray();
            for (int i = 0; i < tiedLogits.length; i++) {
                assertEquals(2 * tiedLogits[i], untiedLogits[i], 1e-6f * Math.max(1, Math.abs(tiedLogits[i])), "logit " + i);
            }
        }
        assertTrue(Files.size(dir.resolve("model.safetensors")) > Files.size(tied.resolve("model.safetensors")));
    }
}
