package dev.bedside.dpo.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.autograd.Var;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.model.safetensors.SafetensorsFile;
import dev.bedside.model.safetensors.SafetensorsWriter;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Training checkpoints under {@code DIR/checkpoints/checkpoint-N} (N = optimizer steps done), each with
 * {@code adapter/} (PEFT format, F32), {@code optimizer.safetensors} (the optimizer's state tensors) and
 * {@code trainer_state.json} (step, epoch, data position, seeds, configuration). A checkpoint is written into a
 * temporary folder and renamed into place, so a killed run never leaves a half-written checkpoint under a real name.
 */
public final class CheckpointStore {
    static final String PREFIX = "checkpoint-";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public CheckpointStore(Path outDir) { this.dir = outDir.resolve("checkpoints"); }

    public Path dir() { return dir; }

    /** A saved checkpoint: its folder, step and trainer state. */
    public record Saved(Path path, int step, JsonNode state) {}

    public Path save(int step, LoraAdapter adapter, Optimizer optimizer, ObjectNode state) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(PREFIX + step);
        Path temporary = Files.createTempDirectory(dir, ".tmp-" + PREFIX + step + "-");
        try {
            adapter.save(temporary.resolve("adapter"));
            SafetensorsWriter.write(temporary.resolve("optimizer.safetensors"), optimizer.state(), DType.F32,
                    Map.of("optimizer_steps", Long.toString(optimizer.steps())));
            Files.write(temporary.resolve("trainer_state.json"), JSON.writeValueAsBytes(state));
            if (Files.exists(target)) deleteTree(target);   // re-saving the same step (a resumed run's final save)
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(temporary)) deleteTree(temporary);
        }
        return target;
    }

    /** The checkpoint with the most steps, if any. */
    public Optional<Saved> latest() throws IOException {
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> entries = Files.list(dir)) {
            Optional<Path> best = entries.filter(p -> p.getFileName().toString().matches(PREFIX + "\\d+") && Files.isDirectory(p))
                    .max(Comparator.comparingInt(CheckpointStore::stepOf));
            if (best.isEmpty()) return Optional.empty();
            Path path = best.get();
            return Optional.of(new Saved(path, stepOf(path), JSON.readTree(path.resolve("trainer_state.json").toFile())));
        }
    }

    /** Copies the checkpoint's adapter weights into {@code params} and restores the optimizer. */
    public static void restore(Saved saved, Map<String, Var> params, Optimizer optimizer) throws IOException {
        try (SafetensorsFile weights = SafetensorsFile.open(saved.path().resolve("adapter").resolve(LoraAdapter.WEIGHTS_FILE))) {
            for (var entry : params.entrySet()) {
                if (!weights.contains(entry.getKey())) throw new IOException(saved.path() + ": adapter has no tensor " + entry.getKey());
                float[] values = weights.tensor(entry.getKey()).toFloatArray();
                Tensor target = entry.getValue().value();
                if (values.length != target.numel()) throw new IOException(saved.path() + ": " + entry.getKey() + " has " + values.length + " values, expected " + target.numel());
                System.arraycopy(values, 0, target.data(), (int) target.offset(), values.length);
            }
        }
        try (SafetensorsFile state = SafetensorsFile.open(saved.path().resolve("optimizer.safetensors"))) {
            Map<String, Tensor> tensors = new java.util.LinkedHashMap<>();
            for (String name : state.names()) tensors.put(name, state.tensor(name).copy());
            optimizer.load(tensors, Long.parseLong(state.metadata().getOrDefault("optimizer_steps", "0")));
        }
    }

    private static int stepOf(Path p) { return Integer.parseInt(p.getFileName().toString().substring(PREFIX.length())); }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
