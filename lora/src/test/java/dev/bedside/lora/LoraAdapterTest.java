package dev.bedside.lora;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.autograd.RandomStream;
import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.BasicOps;
import dev.bedside.autograd.Var;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.Projection;
import dev.bedside.model.safetensors.SafetensorsFile;
import dev.bedside.model.safetensors.SafetensorsWriter;
import dev.bedside.tensor.Backend;
import dev.bedside.tensor.Backends;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.ScalarBackend;
import dev.bedside.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Adapters on the tiny Llama of ../shared/fixtures, with the PEFT adapter of the DPO fixture. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoraAdapterTest {
    private static final int[] IDS = {128000, 9906, 1917, 11, 1268, 527, 499, 3815, 30, 128009};

    private Path tinyDir, adapterDir;
    private LlamaModel model;
    private final List<LoraAdapter> attached = new ArrayList<>();

    @TempDir
    Path tmp;

    @BeforeAll
    void load() throws IOException {
        Path fixtures = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures");
        tinyDir = fixtures.resolve("tiny-llama31");
        adapterDir = fixtures.resolve("dpo/adapter_init");
        Assumptions.assumeTrue(Files.isDirectory(tinyDir) && Files.isDirectory(adapterDir),
                "../shared/fixtures/tiny-llama31 or dpo/adapter_init absent: skipping LoRA adapter tests");
        model = LlamaModel.load(tinyDir);
    }

    @AfterEach
    void detachAll() {
        Autograd.tape().clear();
        for (LoraAdapter a : attached) if (a.isAttached()) a.detach();
        attached.clear();
    }

    @AfterAll
    void close() throws Exception {
        if (model != null) model.close();
    }

    /**
     * Runs {@code body} on the scalar reference backend. The Vector API backend's lane reductions
     * (reduceLanes(ADD) has no specified order) can round differently before and after JIT compilation, so two
     * identical forwards are bit-identical only on the plain loops; the bit-exact claims are checked there.
     */
    private interface Body {
        void run() throws IOException;
    }

    private static void onScalarBackend(Body body) throws IOException {
        Backend previous = Backends.current();
        Backends.use(new ScalarBackend());
        try {
            body.run();
        } finally {
            Backends.use(previous);
        }
    }

    private static float[] hidden(LlamaModel m) {
        try (var scope = Autograd.noGrad()) {
            return m.hidden(IDS, null).value().toFloatArray();
        }
    }

    private LoraAdapter track(LoraAdapter a) {
        attached.add(a);
        return a;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void attachStartsAsTheBaseAndTrainsEveryTarget() throws IOException {
        onScalarBackend(this::attachStartsAsTheBase);
    }

    private void attachStartsAsTheBase() {
        LoraConfig config = new LoraConfig(4, 8, 0, LoraConfig.KNOWN_TARGETS, false, null);
        float[] baseHidden = hidden(model);
        LoraAdapter adapter = track(LoraAdapter.attach(model, config, 11));
        assertEquals(2 * 7 * 2, adapter.parameters().size());
        List<String> names = new ArrayList<>(adapter.parameters().keySet());
        assertEquals("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", names.get(0));
        assertEquals("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", names.get(1));
        assertEquals("base_model.model.model.layers.0.mlp.gate_proj.lora_A.weight", names.get(8));
        assertEquals("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight", names.get(27));
        assertArrayEquals(new int[] {4, 192}, adapter.parameters().get("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight").shape());
        assertArrayEquals(new int[] {32, 4}, adapter.parameters().get("base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight").shape());

        // B = 0: the adapted model is the base model exactly.
        assertArrayEquals(baseHidden, hidden(model));
        // Every B gets a non-zero gradient (A's is zero while B is zero).
        BasicOps.sum(BasicOps.square(model.hidden(IDS, null))).backward();
        adapter.parameters().forEach((name, p) -> {
            if (name.contains("lora_B")) {
                assertNotNull(p.grad(), name);
                assertTrue(maxAbsDiff(p.grad().toFloatArray(), new float[p.numel()]) > 0, name + " got a zero gradient");
            }
        });
        var again = assertThrows(IllegalStateException.class, () -> LoraAdapter.attach(model, config, 1));
        assertTrue(again.getMessage().contains("already has a LoRA adapter"), again.getMessage());
    }

    @Test
    void dropoutOnlyWhileTrainingAndReproducibleFromTheSeed() throws IOException {
        onScalarBackend(() -> {
            LoraConfig config = new LoraConfig(4, 8, 0.3, List.of("q_proj", "v_proj", "up_proj"), false, null);
            float[][] eval = new float[2][], train = new float[2][];
            for (int run = 0; run < 2; run++) {
                LoraAdapter adapter = track(LoraAdapter.attach(model, config, 5));
                // Non-zero B so the adapter (and its dropout) shows in the output.
                adapter.parameters().forEach((name, p) -> {
                    if (name.contains("lora_B")) System.arraycopy(Tensor.uniform(name.hashCode(), -0.5f, 0.5f, p.shape()).data(), 0, p.value().data(), 0, p.numel());
                });
                eval[run] = hidden(model);
                adapter.setTraining(true);
                RandomStream.seek(0);   // masks depend on the seed and the stream position
                train[run] = hidden(model);
                assertFalse(java.util.Arrays.equals(train[run], hidden(model)), "each training forward draws new masks");
                adapter.setTraining(false);
                assertArrayEquals(eval[run], hidden(model), "evaluation mode has no dropout");
                adapter.detach();
            }
            assertTrue(maxAbsDiff(eval[0], train[0]) > 1e-4, "dropout changes the training forward");
            assertArrayEquals(train[0], train[1], "same seed and stream position, same dropout masks");
            assertArrayEquals(eval[0], eval[1]);
        });
    }

    @Test
    void disabledAndDetachedAreTheBaseExactly() throws IOException {
        onScalarBackend(this::disabledAndDetached);
    }

    private void disabledAndDetached() throws IOException {
        float[] baseHidden = hidden(model);
        LoraAdapter adapter = track(LoraAdapter.load(model, adapterDir));
        float[] adapted = hidden(model);
        assertTrue(maxAbsDiff(adapted, baseHidden) > 1e-3, "the fixture adapter (B ≠ 0) must change the model");
        adapter.setEnabled(false);
        assertArrayEquals(baseHidden, hidden(model), "disabled adapter = base model, bit for bit");
        adapter.setEnabled(true);
        assertArrayEquals(adapted, hidden(model));
        adapter.detach();
        assertTrue(model.blocks().get(0).q instanceof Projection.Frozen);
        assertArrayEquals(baseHidden, hidden(model), "detached = base model");
    }

    @Test
    void saveThenLoadIsBitExact() throws IOException {
        LoraAdapter adapter = track(LoraAdapter.load(model, adapterDir));
        float[] adapted = hidden(model);
        Path saved = tmp.resolve("saved");
        adapter.save(saved);
        adapter.detach();
        try (SafetensorsFile original = SafetensorsFile.open(adapterDir.resolve(LoraAdapter.WEIGHTS_FILE));
             SafetensorsFile copy = SafetensorsFile.open(saved.resolve(LoraAdapter.WEIGHTS_FILE))) {
            assertEquals(original.names(), copy.names());
            for (String name : original.names()) {
                assertEquals("F32", copy.entry(name).dtype());
                assertArrayEquals(original.tensor(name).toFloatArray(), copy.tensor(name).toFloatArray(), name);
            }
            assertEquals("pt", copy.metadata().get("format"));
        }
        LoraAdapter reloaded = track(LoraAdapter.load(model, saved));
        assertEquals(adapter.config(), reloaded.config());
        adapter.parameters().forEach((name, p) ->
                assertArrayEquals(p.value().toFloatArray(), reloaded.parameters().get(name).value().toFloatArray(), name));
        assertArrayEquals(adapted, hidden(model));
        try (var files = Files.list(saved)) {
            assertEquals(List.of(LoraConfig.FILE_NAME, LoraAdapter.WEIGHTS_FILE), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void mergedCheckpointComputesWhatTheAdapterComputes() throws Exception {
        LoraAdapter adapter = track(LoraAdapter.load(model, adapterDir));
        float[] adapted;
        try (var scope = Autograd.noGrad()) {
            adapted = model.logits(model.hidden(IDS, null)).value().toFloatArray();
        }
        var unknown = assertThrows(IOException.class, () -> adapter.mergeAndExport(tmp.resolve("x")));
        assertTrue(unknown.getMessage().contains("base model folder is unknown"), unknown.getMessage());

        Path out = tmp.resolve("merged");
        adapter.mergeAndExport(out, tinyDir, DType.F32);
        for (String copied : List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json")) {
            assertArrayEquals(Files.readAllBytes(tinyDir.resolve(copied)), Files.readAllBytes(out.resolve(copied)), copied);
        }
        try (SafetensorsFile base = SafetensorsFile.open(tinyDir.resolve("model.safetensors"));
             SafetensorsFile merged = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertEquals(base.names(), merged.names());
            assertEquals("F32", merged.entry("model.layers.1.self_attn.v_proj.weight").dtype());
            assertEquals(base.entry("model.layers.1.mlp.up_proj.weight").dtype(), merged.entry("model.layers.1.mlp.up_proj.weight").dtype());
            assertArrayEquals(base.tensor("model.embed_tokens.weight").toFloatArray(), merged.tensor("model.embed_tokens.weight").toFloatArray());
        }
        try (LlamaModel mergedModel = LlamaModel.load(out)) {
            float[] fromMerged;
            try (var scope = Autograd.noGrad()) {
                fromMerged = mergedModel.logits(mergedModel.hidden(IDS, null)).value().toFloatArray();
            }
            double diff = maxAbsDiff(adapted, fromMerged);
            System.out.printf("LoRA merged vs adapter: max |Δ logit| = %.3g over %d logits%n", diff, adapted.length);
            assertTrue(diff <= 1e-4, "merged model differs from the adapter by " + diff);
        }
    }

    // ------------------------------------------------------------------ bad folders

    /** A copy of the fixture adapter with its tensors changed by {@code change}. */
    private Path badFolder(Consumer<Map<String, Tensor>> change) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "bad");
        Files.copy(adapterDir.resolve(LoraConfig.FILE_NAME), dir.resolve(LoraConfig.FILE_NAME));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(adapterDir.resolve(LoraAdapter.WEIGHTS_FILE))) {
            f.tensors().forEach((name, t) -> tensors.put(name, t.copy()));
        }
        change.accept(tensors);
        SafetensorsWriter.write(dir.resolve(LoraAdapter.WEIGHTS_FILE), tensors, DType.F32, Map.of());
        return dir;
    }

    private void refused(Path dir, String... parts) {
        var e = assertThrows(IOException.class, () -> track(LoraAdapter.load(model, dir)));
        for (String part : parts) assertTrue(e.getMessage().contains(part), "message lacks '" + part + "': " + e.getMessage());
        assertTrue(model.blocks().get(0).q instanceof Projection.Frozen, "a failed load must leave the model untouched");
        assertTrue(model.blocks().get(1).o instanceof Projection.Frozen, "a failed load must leave the model untouched");
    }

    @Test
    void badFoldersAreRefusedNamingFileAndTensor() throws IOException {
        String vB = "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight";
        Path missingTensor = badFolder(t -> t.remove(vB));
        refused(missingTensor, missingTensor.resolve(LoraAdapter.WEIGHTS_FILE).toString(), vB, "missing", "[32, 8]");

        Path wrongShape = badFolder(t -> t.put(vB, Tensor.zeros(32, 4)));
        refused(wrongShape, wrongShape.resolve(LoraAdapter.WEIGHTS_FILE).toString(), vB, "[32, 4]", "[32, 8]");

        String extra = "base_model.model.model.layers.2.self_attn.q_proj.lora_A.weight";
        Path extraTensor = badFolder(t -> t.put(extra, Tensor.zeros(8, 64)));
        refused(extraTensor, extraTensor.resolve(LoraAdapter.WEIGHTS_FILE).toString(), extra, "unexpected");

        Path noWeights = Files.createTempDirectory(tmp, "noweights");
        Files.copy(adapterDir.resolve(LoraConfig.FILE_NAME), noWeights.resolve(LoraConfig.FILE_NAME));
        refused(noWeights, noWeights.resolve(LoraAdapter.WEIGHTS_FILE).toString(), "missing");

        Path noConfig = badFolder(t -> {});
        Files.delete(noConfig.resolve(LoraConfig.FILE_NAME));
        refused(noConfig, noConfig.resolve(LoraConfig.FILE_NAME).toString(), "missing");

        Path unknownTarget = badFolder(t -> {});
        String config = Files.readString(unknownTarget.resolve(LoraConfig.FILE_NAME)).replace("\"o_proj\"", "\"c_attn\"");
        Files.writeString(unknownTarget.resolve(LoraConfig.FILE_NAME), config);
        refused(unknownTarget, unknownTarget.resolve(LoraConfig.FILE_NAME).toString(), "c_attn");

        Path fewerTargets = badFolder(t -> {});
        config = Files.readString(fewerTargets.resolve(LoraConfig.FILE_NAME)).replace(",\n    \"o_proj\"", "");
        Files.writeString(fewerTargets.resolve(LoraConfig.FILE_NAME), config);
        refused(fewerTargets, "o_proj.lora_A.weight", "unexpected");
    }
}
