package dev.bedside.cli.serve;

import dev.bedside.lora.LoraAdapter;
import dev.bedside.lora.LoraConfig;
import dev.bedside.lora.LoraProjection;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.Projection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * LoRA adapters served side by side on one base model. Each is loaded (checked against the model) and
 * detached again; {@link #use} then swaps the chosen adapter's projections into the blocks, so the base
 * weights are shared and switching costs a few field writes. Only the scheduler thread calls {@link #use}.
 */
final class Adapters {
    private final LlamaModel model;
    private final Map<String, LoraAdapter> byName = new LinkedHashMap<>();
    private String current;        // null: the base model

    Adapters(LlamaModel model, Map<String, Path> dirs) throws IOException {
        this.model = model;
        for (Map.Entry<String, Path> e : dirs.entrySet()) {
            LoraAdapter adapter = LoraAdapter.load(model, e.getValue());
            adapter.detach();
            byName.put(e.getKey(), adapter);
        }
    }

    Set<String> names() { return byName.keySet(); }

    /** Makes the model compute with adapter {@code name} (null: the base model alone). */
    void use(String name) {
        if (Objects.equals(name, current)) return;
        if (current != null) install(byName.get(current), false);
        if (name != null) install(byName.get(name), true);
        current = name;
    }

    private void install(LoraAdapter adapter, boolean on) {
        for (int layer = 0; layer < model.blocks().size(); layer++) {
            LlamaModel.Block block = model.blocks().get(layer);
            for (String target : LoraConfig.KNOWN_TARGETS) {
                if (!adapter.config().targetModules().contains(target)) continue;
                LoraProjection lora = adapter.modules().get(LoraAdapter.moduleName(layer, target));
                block.setProjection(target, on ? lora : lora.base());
            }
        }
    }
}
