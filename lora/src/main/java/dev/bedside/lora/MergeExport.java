package dev.bedside.lora;

import dev.bedside.model.CheckpointException;
import dev.bedside.model.LlamaConfig;
import dev.bedside.model.safetensors.SafetensorsCheckpoint;
import dev.bedside.model.safetensors.SafetensorsWriter;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a base checkpoint with an adapter folded into its weights: what PEFT's merge_and_unload + save_pretrained give. */
final class MergeExport {
    /** Files of an HF folder that describe the model or its tokenizer; copied unchanged when present. */
    static final List<String> COPIED_FILES = List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "tokenizer.model", "LICENSE", "USE_POLICY.md");

    private MergeExport() {}

    static void write(LoraAdapter adapter, Path baseFolder, Path outDir, DType mergedDType) throws IOException {
        if (Files.exists(outDir) && Files.isSameFile(outDir, baseFolder)) {
            throw new IOException("mergeAndExport: output folder " + outDir + " is the base folder; choose another");
        }
        LlamaConfig baseConfig = LlamaConfig.load(baseFolder.resolve("config.json"));
        if (!baseConfig.equals(adapter.model().config())) {
            throw new CheckpointException(baseFolder.resolve("config.json"), "differs from the config of the model the adapter is attached to");
        }
        Map<String, LoraProjection> merged = new LinkedHashMap<>();
        adapter.modules().forEach((module, p) -> merged.put(LoraAdapter.baseWeightName(module), p));

        Files.createDirectories(outDir);
        try (SafetensorsCheckpoint base = SafetensorsCheckpoint.open(baseFolder)) {
            SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
            for (Map.Entry<String, Tensor> e : base.tensors().entrySet()) {
                LoraProjection p = merged.remove(e.getKey());
                if (p == null) {
                    writer.add(e.getKey(), e.getValue(), e.getValue().dtype());   // unchanged, in its own dtype
                } else {
                    if (!Arrays.equals(e.getValue().shape(), p.weight().shape())) {
                        throw new CheckpointException(baseFolder, e.getKey(), "shape " + Arrays.toString(e.getValue().shape())
                                + " differs from the model's " + Arrays.toString(p.weight().shape()));
                    }
                    writer.add(e.getKey(), p.mergedWeight(), mergedDType);
                }
            }
            if (!merged.isEmpty()) throw new CheckpointException(baseFolder, merged.keySet().iterator().next(), "missing from the base checkpoint");
            writer.write(outDir.resolve(SafetensorsCheckpoint.SINGLE_FILE));
        }
        for (String name : COPIED_FILES) {
            Path source = baseFolder.resolve(name);
            if (Files.isRegularFile(source)) Files.copy(source, outDir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
