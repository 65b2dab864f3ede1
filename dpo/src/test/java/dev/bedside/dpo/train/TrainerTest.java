package dev.bedside.dpo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.dpo.Shared;
import dev.bedside.dpo.data.PreferencePair;
import dev.bedside.dpo.data.Sequence;
import dev.bedside.dpo.data.SftData;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on the tiny fixture model with short synthetic pairs (pre-tokenized random ids). */
class TrainerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    static List<PreferencePair> syntheticPairs(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<PreferencePair> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] prompt = random.ints(3 + random.nextInt(4), 0, 128000).toArray();
            int[] chosen = random.ints(2 + random.nextInt(4), 0, 128000).toArray();
            int[] rejected = random.ints(2 + random.nextInt(4), 0, 128000).toArray();
            pairs.add(new PreferencePair(i + 1, new Sequence(prompt, chosen), new Sequence(prompt, rejected)));
        }
        return pairs;
    }

    /** A small run: LoRA r 4 with dropout, AdamW, checkpointing on, 2 pairs × 2 micro-batches per step. */
    static TrainConfig config(int steps, int saveSteps, boolean checkpointing, double dropout) {
        return new TrainConfig("sigmoid", 0.1, 0.0, 4, 8.0, dropout, null, "adamw", 5e-3, 0.01, "cosine", 1, null, 1.0,
                null, steps, 2, 2, 64, null, null, null, checkpointing, 7L, saveSteps, false, false, null);
    }

    static LlamaModel tinyModel() throws IOException {
        return LlamaModel.load(Shared.tinyModel(), 256);
    }

    private static Map<String, float[]> snapshot(LoraAdapter adapter) {
        Map<String, float[]> values = new java.util.LinkedHashMap<>();
        adapter.parameters().forEach((k, v) -> values.put(k, v.value().toFloatArray()));
        return values;
    }

    @Test
    void resumedRunReachesTheSameAdapterAsAnUninterruptedOne() throws Exception {
        List<PreferencePair> pairs = syntheticPairs(6, 1);
        TrainConfig config = config(4, 2, true, 0.1);
        Map<String, float[]> straight;
        Path straightDir = temp.resolve("straight");
        try (LlamaModel model = tinyModel()) {
            LoraAdapter adapter = LoraAdapter.attach(model, config.lora(), 11);
            Trainer.Result r = new DpoTrainer(adapter, pairs, config, straightDir).train(false);
            assertEquals(4, r.steps());
            straight = snapshot(adapter);
        }
        Path killedDir = temp.resolve("killed");
        try (LlamaModel model = tinyModel()) {
            LoraAdapter adapter = LoraAdapter.attach(model, config.lora(), 11);
            Trainer.Result r = new DpoTrainer(adapter, pairs, config, killedDir).stopAfter(3).train(false);
            assertEquals(3, r.steps());
            assertTrue(r.adapterDir() == null, "a stopped run writes no final adapter");
        }
        assertTrue(Files.isDirectory(killedDir.resolve("checkpoints/checkpoint-3")));
        try (LlamaModel model = tinyModel()) {
            LoraAdapter adapter = LoraAdapter.attach(model, config.lora(), 11);   // the same command again: same seeds
            Trainer.Result r = new DpoTrainer(adapter, pairs, config, killedDir).train(true);
            assertEquals(4, r.steps());
            Map<String, float[]> resumed = snapshot(adapter);
            for (String name : straight.keySet()) assertArrayEquals(straight.get(name), resumed.get(name), 1e-6f, name);
            assertTrue(Files.isRegularFile(r.adapterDir().resolve(LoraAdapter.WEIGHTS_FILE)));
        }
        // Both runs logged the same loss at step 4; the resumed one appended to the killed run's log.
        List<String> a = Files.readAllLines(straightDir.resolve("metrics.jsonl")), b = Files.readAllLines(killedDir.resolve("metrics.jsonl"));
        assertEquals(4, b.size());
        assertEquals(JSON.readTree(a.get(3)).get("loss").asDouble(), JSON.readTree(b.get(3)).get("loss").asDouble(), 1e-6);
    }

    @Test
    void metricsCarryTrlNamesAndConsistentValues() throws Exception {
        TrainConfig config = config(3, 100, false, 0.0);
        Path out = temp.resolve("metrics");
        try (LlamaModel model = tinyModel()) {
            LoraAdapter adapter = LoraAdapter.attach(model, config.lora(), 3);
            new DpoTrainer(adapter, syntheticPairs(4, 2), config, out).train(false);
        }
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(3, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode m = JSON.readTree(lines.get(i));
            for (String field : List.of("loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins", "logps/chosen",
                    "logps/rejected", "step", "epoch", "learning_rate", "grad_norm", "tokens_per_second")) {
                assertTrue(m.has(field) && Double.isFinite(m.get(field).asDouble()), "line " + i + " lacks a finite " + field + ": " + m);
            }
            assertEquals(i + 1, m.get("step").asInt());
            assertEquals((i + 1) / 1.0, m.get("epoch").asDouble(), 1e-12);   // 4 pairs = one step per epoch
            assertEquals(m.get("rewards/chosen").asDouble() - m.get("rewards/rejected").asDouble(), m.get("rewards/margins").asDouble(), 1e-9);
            double acc = m.get("rewards/accuracies").asDouble();
            assertTrue(acc >= 0 && acc <= 1);
            assertTrue(m.get("logps/chosen").asDouble() < 0);
        }
        // Cosine with one warm-up step over 3: factor 0 at step 0, then 1, then 0.5.
        assertEquals(0.0, JSON.readTree(lines.get(0)).get("learning_rate").asDouble(), 0);
        assertEquals(5e-3, JSON.readTree(lines.get(1)).get("learning_rate").asDouble(), 1e-15);
        assertEquals(2.5e-3, JSON.readTree(lines.get(2)).get("learning_rate").asDouble(), 1e-15);
        // Step 1: B = 0, so the policy equals the reference: rewards 0 and loss log 2.
        assertEquals(Math.log(2), JSON.readTree(lines.get(0)).get("loss").asDouble(), 1e-5);
    }

    @Test
    void checkpointedBlocksWithDropoutGiveTheSameUpdate() throws Exception {
        List<PreferencePair> pairs = syntheticPairs(2, 5);
        Map<String, float[]>[] results = new Map[2];
        for (int run = 0; run < 2; run++) {
            TrainConfig config = config(2, 100, run == 1, 0.2);
            try (LlamaModel model = tinyModel()) {
                LoraAdapter adapter = LoraAdapter.attach(model, config.lora(), 4);
                new DpoTrainer(adapter, pairs, config, temp.resolve("ckpt" + run)).train(false);
                results[run] = snapshot(adapter);
            }
        }
        for (String name : results[0].keySet()) assertArrayEquals(results[0].get(name), results[1].get(name), 1e-6f, name);
        // ... and dropout did act: without it the update differs.
        TrainConfig noDropout = config(2, 100, true, 0.0);
        try (LlamaModel model = tinyModel()) {
            LoraAdapter adapter = LoraAdapter.attach(model, noDropout.lora(), 4);
            new DpoTrainer(adapter, pairs, noDropout, temp.resolve("ckpt-nodropout")).train(false);
            Map<String, float[]> plain = snapshot(adapter);
            // (Adam's first updates follow the gradients' signs only, so look at every tensor.)
            assertFalse(plain.keySet().stream().allMatch(n -> java.util.Arrays.equals(results[0].get(n), plain.get(n))), "dropout 0.2 changed nothing");
        }
    }

    @Test
    void nanStopsTrainingAndKeepsTheLastGoodCheckpoint() throws Exception {
        TrainConfig config = config(6, 2, false, 0.0);
        Path out = temp.resolve("nan");
        try (LlamaModel model = tinyModel()) {
            LoraAdapter adapter = LoraAdapter.attach(model, config.lora(), 3);
            DpoTrainer trainer = new DpoTrainer(adapter, syntheticPairs(4, 3), config, out) {
                @Override
                protected void afterStep(int step) {
                    if (step == 3) adapter.parameters().values().iterator().next().value().data()[0] = Float.NaN;   // poison
                }
            };
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer.train(false));
            assertTrue(e.getMessage().contains("step 4") && e.getMessage().contains("NaN"), e.getMessage());
            assertTrue(e.getMessage().contains("checkpoint-2"), e.getMessage());
        }
        assertTrue(Files.isDirectory(out.resolve("checkpoints/checkpoint-2")));
        assertFalse(Files.exists(out.resolve("checkpoints/checkpoint-4")));
        assertFalse(Files.exists(out.resolve("adapter")));
        try (var files = Files.list(out.resolve("checkpoints"))) {
            assertEquals(1, files.count(), "no temporary folders left behind");
        }
    }

    @Test
    void sftLowersTheCompletionLoss() throws Exception {
        List<SftData.Example> examples = new ArrayList<>();
        for (PreferencePair p : syntheticPairs(4, 9)) examples.add(new SftData.Example(p.line(), p.chosen()));
        TrainConfig config = new TrainConfig(null, null, null, 4, 8.0, 0.0, null, "adamw", 2e-2, null, "constant", null, null, null,
                null, 8, 4, 1, 64, null, null, null, false, 1L, 100, null, null, null);
        Path out = temp.resolve("sft");
        try (LlamaModel model = tinyModel()) {
            new SftTrainer(LoraAdapter.attach(model, config.lora(), 1), examples, config, out).train(false);
        }
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        double first = JSON.readTree(lines.getFirst()).get("loss").asDouble(), last = JSON.readTree(lines.getLast()).get("loss").asDouble();
        assertTrue(first > 11 && first < 12.5, "step 1 loss " + first + ": about ln(128256) = 11.76 for the flat tiny model");
        assertTrue(last < first - 0.5, "SFT loss " + first + " → " + last);
        assertNotNull(JSON.readTree(lines.getFirst()).get("num_tokens"));
    }
}
