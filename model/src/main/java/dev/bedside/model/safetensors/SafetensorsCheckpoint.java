package dev.bedside.model.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.model.CheckpointException;
import dev.bedside.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors weights of a Hugging Face folder: {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json} lists in its {@code weight_map} (tensor name → file name).
 */
public final class SafetensorsCheckpoint implements AutoCloseable {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final List<SafetensorsFile> files;
    private final Map<String, Tensor> tensors;

    private SafetensorsCheckpoint(List<SafetensorsFile> files, Map<String, Tensor> tensors) {
        this.files = files;
        this.tensors = tensors;
    }

    /** Opens the index's shards if the folder has an index, otherwise its single {@code model.safetensors}. */
    public static SafetensorsCheckpoint open(Path folder) throws IOException {
        Path index = folder.resolve(INDEX_FILE);
        if (Files.exists(index)) return openSharded(index);
        Path single = folder.resolve(SINGLE_FILE);
        if (!Files.exists(single)) throw new CheckpointException(folder, "neither " + SINGLE_FILE + " nor " + INDEX_FILE + " found");
        SafetensorsFile file = SafetensorsFile.open(single);
        return new SafetensorsCheckpoint(List.of(file), file.tensors());
    }

    private static SafetensorsCheckpoint openSharded(Path index) throws IOException {
        Map<String, String> weightMap = readWeightMap(index);
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try {
            for (String shardName : new java.util.LinkedHashSet<>(weightMap.values())) {
                shards.put(shardName, SafetensorsFile.open(index.resolveSibling(shardName)));
            }
            for (SafetensorsFile shard : shards.values()) {
                for (String name : shard.names()) {
                    String listed = weightMap.get(name);
                    if (listed == null) throw new CheckpointException(shard.path(), name, "not listed in " + INDEX_FILE);
                    if (!shard.path().getFileName().toString().equals(listed)) {
                        throw new CheckpointException(shard.path(), name, "also present here, but " + INDEX_FILE + " places it in " + listed);
                    }
                    tensors.put(name, shard.tensor(name));
                }
            }
            for (Map.Entry<String, String> listed : weightMap.entrySet()) {
                if (!tensors.containsKey(listed.getKey())) {
                    throw new CheckpointException(index.resolveSibling(listed.getValue()), listed.getKey(),
                            "listed in " + INDEX_FILE + " but missing from the shard");
                }
            }
        } catch (IOException | RuntimeException e) {
            shards.values().forEach(SafetensorsFile::close);
            throw e;
        }
        return new SafetensorsCheckpoint(new ArrayList<>(shards.values()), tensors);
    }

    private static Map<String, String> readWeightMap(Path index) throws IOException {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(index.toFile());
        } catch (JacksonException e) {
            throw new CheckpointException(index, "bad JSON: " + e.getOriginalMessage());
        }
        JsonNode map = json == null ? null : json.get("weight_map");
        if (map == null || !map.isObject()) throw new CheckpointException(index, "no weight_map object");
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            String file = e.getValue().asText();
            if (file.isEmpty() || file.contains("/") || file.contains("\\")) {
                throw new CheckpointException(index, e.getKey(), "bad shard file name '" + file + "'");
            }
            weightMap.put(e.getKey(), file);
        }
        return weightMap;
    }

    /** All tensors of all shards (views into the mappings), by name. */
    public Map<String, Tensor> tensors() { return tensors; }

    public List<Path> files() { return files.stream().map(SafetensorsFile::path).toList(); }

    @Override
    public void close() { files.forEach(SafetensorsFile::close); }
}
