package dev.bedside.dpo;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.Var;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.safetensors.SafetensorsFile;
import dev.bedside.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Assumptions;

/**
 * One DPO step with LoRA on the tiny Llama against the float64 reference in ../shared/fixtures/dpo (TRL + PEFT
 * semantics): log-probs, the four losses, metrics, every LoRA gradient, and one SGD step.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DpoFixtureTest {
    /** Log-probs are sums of ~20 float32 token log-probs of size ~11; the rest are compared at 1e-4 as well. */
    private static final double TOL = 1e-4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private JsonNode expected;
    private List<JsonNode> pairs;
    private LlamaModel model;

    @BeforeAll
    void load() throws IOException {
        Path fixtures = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures");
        dir = fixtures.resolve("dpo");
        Assumptions.assumeTrue(Files.isDirectory(dir) && Files.isDirectory(fixtures.resolve("tiny-llama31")),
                "../shared/fixtures/dpo or tiny-llama31 absent: skipping the DPO + LoRA fixture");
        expected = JSON.readTree(dir.resolve("expected.json").toFile());
        pairs = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("pairs.jsonl"))) if (!line.isBlank()) pairs.add(JSON.readTree(line));
        model = LlamaModel.load(fixtures.resolve("tiny-llama31"));
    }

    @AfterAll
    void close() throws Exception {
        if (model != null) model.close();
    }

    private static int[] ids(JsonNode node) {
        int[] ids = new int[node.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = node.get(i).asInt();
        return ids;
    }

    private record Forward(List<DpoLoss.Pair> pairs) {}

    /** Reference log-probs {chosen, rejected} per pair: they do not depend on the adapter's weights, so computed once. */
    private double[][] references;

    /** Policy forward (recorded) and reference log-probs (adapter off, no grad) for every pair. */
    private Forward forward(LoraAdapter adapter) {
        List<DpoLoss.Pair> out = new ArrayList<>();
        for (JsonNode pair : pairs) {
            int[] prompt = ids(pair.get("prompt_input_ids")), chosen = ids(pair.get("chosen_input_ids")), rejected = ids(pair.get("rejected_input_ids"));
            if (references == null) references = new double[pairs.size()][];
            int i = out.size();
            if (references[i] == null) {
                references[i] = new double[] {SequenceLogProbs.reference(adapter, prompt, chosen), SequenceLogProbs.reference(adapter, prompt, rejected)};
            }
            double refChosen = references[i][0], refRejected = references[i][1];
            out.add(new DpoLoss.Pair(SequenceLogProbs.of(model, prompt, chosen), SequenceLogProbs.of(model, prompt, rejected),
                    refChosen, refRejected, chosen.length, rejected.length));
        }
        return new Forward(out);
    }

    private LoraAdapter loadAdapter(String name) throws IOException {
        return LoraAdapter.load(model, dir.resolve(name));
    }

    @Test
    void logProbsAndMetrics() throws IOException {
        LoraAdapter adapter = loadAdapter("adapter_init");
        try {
            Forward f = forward(adapter);
            double worst = 0;
            for (int i = 0; i < pairs.size(); i++) {
                JsonNode want = expected.get("per_pair").get(i);
                DpoLoss.Pair got = f.pairs().get(i);
                worst = Math.max(worst, check(want.get("policy_chosen_logp").asDouble(), got.policyChosen().item(), "pair " + i + " policy chosen"));
                worst = Math.max(worst, check(want.get("policy_rejected_logp").asDouble(), got.policyRejected().item(), "pair " + i + " policy rejected"));
                worst = Math.max(worst, check(want.get("reference_chosen_logp").asDouble(), got.referenceChosen(), "pair " + i + " reference chosen"));
                worst = Math.max(worst, check(want.get("reference_rejected_logp").asDouble(), got.referenceRejected(), "pair " + i + " reference rejected"));
                assertEquals(want.get("chosen_completion_tokens").asInt(), got.chosenLength());
                assertEquals(want.get("rejected_completion_tokens").asInt(), got.rejectedLength());
            }
            System.out.printf("DPO fixture: max |Δ log-prob| = %.3g%n", worst);
            DpoLoss.Result result = new DpoLoss(DpoLoss.Type.SIGMOID, expected.get("beta").asDouble(), 0).compute(f.pairs());
            double worstMetric = 0;
            for (Map.Entry<String, JsonNode> m : expected.get("metrics").properties()) {
                Double got = result.metrics().get(m.getKey());
                assertNotNull(got, "metric " + m.getKey());
                worstMetric = Math.max(worstMetric, check(m.getValue().asDouble(), got, "metric " + m.getKey()));
            }
            assertEquals(expected.get("metrics").size(), result.metrics().size(), "metric names " + result.metrics().keySet());
            System.out.printf("DPO fixture: max |Δ metric| = %.3g%n", worstMetric);
            Autograd.tape().clear();
        } finally {
            adapter.detach();
        }
    }

    @Test
    void lossesAndGradients() throws IOException {
        LoraAdapter adapter = loadAdapter("adapter_init");
        try {
            double beta = expected.get("beta").asDouble(), smoothing = expected.get("label_smoothing_for_robust").asDouble();
            for (DpoLoss.Type type : DpoLoss.Type.values()) {
                String key = type.name().toLowerCase();
                JsonNode want = expected.get("losses").get(key);
                DpoLoss loss = new DpoLoss(type, beta, type == DpoLoss.Type.ROBUST ? smoothing : 0);
                adapter.parameters().values().forEach(Var::zeroGrad);
                DpoLoss.Result result = loss.compute(forward(adapter).pairs());
                double lossErr = check(want.get("loss").asDouble(), result.loss().item(), key + " loss");
                for (int i = 0; i < pairs.size(); i++) {
                    lossErr = Math.max(lossErr, check(want.get("per_pair_loss").get(i).asDouble(), result.pairLosses()[i], key + " loss of pair " + i));
                }
                result.loss().backward();
                double gradErr = compareGradients(adapter, dir.resolve(want.get("grads_file").asText()), want.get("grad_norms"), key);
                System.out.printf("DPO fixture %s: |Δ loss| = %.3g, max over tensors of ‖Δ grad‖ / ‖grad‖ = %.3g%n", key, lossErr, gradErr);
            }
        } finally {
            adapter.detach();
        }
    }

    /** Each tensor: ‖ours − reference‖₂ ≤ 1e-4 · ‖reference‖₂ (entries reach down to 5e-8, so not entry by entry). */
    private double compareGradients(LoraAdapter adapter, Path file, JsonNode norms, String what) throws IOException {
        double worst = 0;
        try (SafetensorsFile grads = SafetensorsFile.open(file)) {
            assertEquals(grads.names(), adapter.parameters().keySet().stream().filter(grads.names()::contains).collect(java.util.stream.Collectors.toSet()));
            assertEquals(grads.names().size(), adapter.parameters().size(), "tensors in " + file.getFileName());
            for (Map.Entry<String, Var> p : adapter.parameters().entrySet()) {
                float[] want = grads.tensor(p.getKey()).toFloatArray();
                assertNotNull(p.getValue().grad(), what + ": no gradient reached " + p.getKey());
                float[] got = p.getValue().grad().toFloatArray();
                double diff = 0, norm = 0;
                for (int i = 0; i < want.length; i++) {
                    diff += (got[i] - (double) want[i]) * (got[i] - (double) want[i]);
                    norm += (double) want[i] * want[i];
                }
                double relative = Math.sqrt(diff) / Math.sqrt(norm);
                assertEquals(norms.get(p.getKey()).asDouble(), Math.sqrt(norm), 1e-6 * Math.sqrt(norm), "fixture norm of " + p.getKey());
                assertTrue(relative <= TOL, what + ": gradient of " + p.getKey() + " off by " + relative + " of its norm");
                worst = Math.max(worst, relative);
            }
        }
        return worst;
    }

    @Test
    void oneSgdStep() throws IOException {
        JsonNode step = expected.get("sgd_step");
        LoraAdapter adapter = loadAdapter("adapter_init");
        LoraAdapter stepped = null;
        try {
            DpoLoss loss = new DpoLoss(DpoLoss.Type.SIGMOID, expected.get("beta").asDouble(), 0);
            loss.compute(forward(adapter).pairs()).loss().backward();
            float lr = (float) step.get("lr").asDouble();
            for (Var p : adapter.parameters().values()) {   // W ← W − lr · grad, in place
                float[] w = p.value().data(), g = p.grad().toFloatArray();
                for (int i = 0; i < g.length; i++) w[i] -= lr * g[i];
                p.zeroGrad();
            }
            double worst = 0;
            try (SafetensorsFile want = SafetensorsFile.open(dir.resolve(step.get("adapter_dir").asText()).resolve(LoraAdapter.WEIGHTS_FILE))) {
                for (Map.Entry<String, Var> p : adapter.parameters().entrySet()) {
                    float[] w = want.tensor(p.getKey()).toFloatArray(), got = p.getValue().value().toFloatArray();
                    for (int i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(w[i] - got[i]));
                }
            }
            assertTrue(worst <= TOL, "weights after one SGD step off by " + worst);
            double after = loss.compute(forward(adapter).pairs()).loss().item();
            Autograd.tape().clear();
            double afterErr = check(step.get("sigmoid_loss_after_step").asDouble(), after, "sigmoid loss after the step");
            adapter.detach();

            // The stepped adapter as the fixture stores it gives the same loss.
            stepped = loadAdapter(step.get("adapter_dir").asText());
            double fromFile = loss.compute(forward(stepped).pairs()).loss().item();
            Autograd.tape().clear();
            check(step.get("sigmoid_loss_after_step").asDouble(), fromFile, "sigmoid loss of sgd_step_adapter");
            System.out.printf("DPO fixture SGD step: max |Δ weight| = %.3g, |Δ loss after| = %.3g%n", worst, afterErr);
        } finally {
            if (adapter.isAttached()) adapter.detach();
            if (stepped != null) stepped.detach();
        }
    }

    private static double check(double want, double got, String what) {
        double err = Math.abs(want - got);
        assertTrue(err <= TOL, what + ": expected " + want + ", got " + got + " (|Δ| = " + err + ")");
        return err;
    }
}
