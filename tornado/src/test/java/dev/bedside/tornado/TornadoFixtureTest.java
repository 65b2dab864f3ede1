package dev.bedside.tornado;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.model.LlamaModel;
import dev.bedside.tensor.Backend;
import dev.bedside.tensor.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole Llama 3.1 forward on the TornadoVM device against references we did not write: the tiny fixture's
 * float64 PyTorch log-probs (and, for the GGUF Q4_0 and Q8_0 files, the float64 forward on their exact weights),
 * within the tolerance the CPU is held to (1e-4). Skipped without a TornadoVM runtime or without ../shared.
 */
class TornadoFixtureTest {
    private static Backend previous;
    private static TornadoBackend device;

    @BeforeAll
    static void useTheDevice() {
        if (!TornadoRuntime.present()) return;   // each test then skips, saying why
        previous = Backends.current();
        device = new TornadoBackend(TornadoDevice.defaultDeviceName());
        Backends.use(device);
    }

    @AfterAll
    static void restore() {
        if (device == null) return;
        Backends.use(previous);
        device.close();
    }

    private static void requireDevice() {
        Assumptions.assumeTrue(device != null, "no TornadoVM runtime in this JVM: install the SDK and set TORNADOVM_HOME"
                + " (see README, 'Train on a GPU (TornadoVM)')");
    }

    private static Path fixture(String name) {
        Path dir = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures", name);
        Assumptions.assumeTrue(Files.isDirectory(dir), "../shared/fixtures/" + name + " absent: skipping");
        return dir;
    }

    @ParameterizedTest
    @CsvSource({"hf, reference", "q8_0, dequantized_reference.q8_0", "q4_0, dequantized_reference.q4_0"})
    void logProbsOnTheDeviceMatchTheFloat64Reference(String kind, String oracle) throws Exception {
        requireDevice();
        JsonNode expected = new ObjectMapper().readTree(fixture("tiny-llama31").resolve("expected.json").toFile());
        Path model = kind.equals("hf") ? fixture("tiny-llama31")
                : fixture("tiny-llama31-gguf").resolve("tiny-llama31-" + kind + ".gguf");
        double worst = 0;
        try (LlamaModel llama = LlamaModel.load(model)) {
            for (JsonNode sequence : expected.get("sequences")) {
                JsonNode reference = sequence;
                for (String step : oracle.split("\\.")) reference = reference.get(step);
                JsonNode topIds = sequence.get("reference").get("top_ids");
                double[][] ours = llama.logProbs(ints(sequence.get("ids")));
                for (int t = 0; t < ours.length; t++) {
                    for (int j = 0; j < topIds.get(t).size(); j++) {
                        double theirs = reference.get("top_logprobs").get(t).get(j).asDouble();
                        worst = Math.max(worst, Math.abs(ours[t][topIds.get(t).get(j).asInt()] - theirs));
                    }
                }
            }
            // Weights stay resident: a second pass over the same sequences builds no graph and uploads nothing new.
            int graphs = device.compiledGraphs();
            for (JsonNode sequence : expected.get("sequences")) llama.logProbs(ints(sequence.get("ids")));
            assertEquals(graphs, device.compiledGraphs(), "graphs built on a second pass");
        }
        System.out.printf("tiny-llama31 %s on %s: max |Δ log-prob| vs %s %.3g%n", kind, device.description(), oracle, worst);
        assertTrue(worst <= 1e-4, kind + " on the device: max |Δ log-prob| vs " + oracle + " = " + worst);
    }

    @Test
    void aModelsWeightsArePlacedWhenItIsMadeAndASecondPassBuildsNothing() throws Exception {
        requireDevice();
        try (LlamaModel llama = LlamaModel.load(fixture("tiny-llama31"))) {
            assertNotNull(device.arenaOf(llama.lmHead()), "the model's weights were packed into an arena when it was made");
            llama.logProbs(new int[] {128000, 9906, 1917});
            int graphs = device.compiledGraphs();
            llama.logProbs(new int[] {128000, 9906, 1917, 1917});
            assertEquals(graphs, device.compiledGraphs(), "a second pass builds nothing");
        }
    }

    @Test
    void aClosedModelsWeightsLeaveTheDeviceOnceCollected() throws Exception {
        requireDevice();
        int before = device.compiledGraphs();
        try (LlamaModel llama = LlamaModel.load(fixture("tiny-llama31"))) {
            llama.logProbs(new int[] {128000, 9906, 1917});
        }
        int loaded = device.compiledGraphs();
        assertTrue(loaded > before, "the model's weights were made resident");
        for (int i = 0; i < 10 && device.compiledGraphs() > before; i++) {
            System.gc();
            Thread.sleep(50);
            device.releaseCollectedWeights();
        }
        assertTrue(device.compiledGraphs() < loaded, "no graph was freed after the model was closed and collected: "
                + device.compiledGraphs() + " of " + loaded);
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }
}
