package dev.bedside.lora;

import dev.bedside.autograd.Var;
import dev.bedside.model.CheckpointException;
import dev.bedside.model.LlamaConfig;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.Projection;
import dev.bedside.model.safetensors.SafetensorsFile;
import dev.bedside.model.safetensors.SafetensorsWriter;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * LoRA adapters on the projections of a {@link LlamaModel}, saved and loaded in PEFT's folder format:
 * {@code adapter_config.json} and {@code adapter_model.safetensors} with tensors named
 * {@code base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight} [r, in] and {@code ….lora_B.weight} [out, r].
 *
 * <p>Attaching replaces the targeted projections of every block by {@link LoraProjection}s that wrap them;
 * the base weights stay untouched, so {@link #setEnabled setEnabled(false)} gives back the base model exactly
 * (DPO's reference model) and {@link #detach()} restores the original projections.
 */
public final class LoraAdapter {
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** The prefix PEFT gives every weight of a causal LM: PeftModel.base_model (LoraModel).model (LlamaForCausalLM). */
    private static final String PREFIX = "base_model.model.model.layers.";

    private final LlamaModel model;
    private final LoraConfig config;
    /** PEFT module name (e.g. base_model.model.model.layers.0.self_attn.q_proj) → its adapter, in model order. */
    private final Map<String, LoraProjection> modules;
    private final Map<String, Var> parameters;
    private boolean attached = true;

    private LoraAdapter(LlamaModel model, LoraConfig config, Map<String, LoraProjection> modules) {
        this.model = model;
        this.config = config;
        this.modules = Collections.unmodifiableMap(modules);
        Map<String, Var> params = new LinkedHashMap<>();
        modules.forEach((name, p) -> {
            params.put(name + ".lora_A.weight", p.a());
            params.put(name + ".lora_B.weight", p.b());
        });
        this.parameters = Collections.unmodifiableMap(params);
    }

    /**
     * New adapters on {@code config.targetModules()} of every block, initialised as PEFT does by default
     * (A Kaiming-uniform, B zero), reproducibly from {@code seed}; dropout masks are seeded from it too.
     */
    public static LoraAdapter attach(LlamaModel model, LoraConfig config, long seed) {
        requireNoAdapter(model, config);
        SplittableRandom seeds = new SplittableRandom(seed);
        Map<String, LoraProjection> modules = new LinkedHashMap<>();
        forEachTarget(model, config, (layer, target, name) -> {
            Projection base = model.blocks().get(layer).projection(target);
            modules.put(name, LoraProjection.init(base, config.r(), config.scale(), config.dropout(), seeds.nextLong()));
        });
        return install(model, config, modules);
    }

    /** {@link #load(LlamaModel, Path, long)} with dropout seed 0. */
    public static LoraAdapter load(LlamaModel model, Path dir) throws IOException {
        return load(model, dir, 0);
    }

    /**
     * Attaches the adapter saved in a PEFT folder. Every expected tensor must be present with its shape;
     * a tensor the targets do not explain is an error (it would otherwise be silently ignored).
     */
    public static LoraAdapter load(LlamaModel model, Path dir, long dropoutSeed) throws IOException {
        LoraConfig config = LoraConfig.load(dir.resolve(LoraConfig.FILE_NAME));
        Path file = dir.resolve(WEIGHTS_FILE);
        if (!Files.exists(file)) {
            String hint = Files.exists(dir.resolve("adapter_model.bin")) ? " (only adapter_model.bin found: pickled weights are not read; save with safe_serialization)" : "";
            throw new CheckpointException(file, "missing" + hint);
        }
        requireNoAdapter(model, config);
        SplittableRandom seeds = new SplittableRandom(dropoutSeed);
        Map<String, LoraProjection> modules = new LinkedHashMap<>();
        try (SafetensorsFile weights = SafetensorsFile.open(file)) {
            Map<String, Boolean> used = new LinkedHashMap<>();
            weights.names().forEach(n -> used.put(n, false));
            for (Map.Entry<String, int[][]> e : expectedShapes(model, config).entrySet()) {
                String name = e.getKey();
                Projection base = baseOf(model, name);
                Tensor a = read(weights, name + ".lora_A.weight", e.getValue()[0]);
                Tensor b = read(weights, name + ".lora_B.weight", e.getValue()[1]);
                used.put(name + ".lora_A.weight", true);
                used.put(name + ".lora_B.weight", true);
                modules.put(name, new LoraProjection(base, Var.param(a), Var.param(b), config.scale(), config.dropout(), seeds.nextLong()));
            }
            for (Map.Entry<String, Boolean> u : used.entrySet()) {
                if (!u.getValue()) {
                    throw new CheckpointException(file, u.getKey(), "unexpected tensor: not a LoRA weight of target_modules "
                            + config.targetModules() + " on a " + model.blocks().size() + "-layer model");
                }
            }
        }
        return install(model, config, modules);
    }

    private static Tensor read(SafetensorsFile weights, String name, int[] shape) throws CheckpointException {
        if (!weights.contains(name)) {
            throw new CheckpointException(weights.path(), name, "missing (expected shape " + Arrays.toString(shape) + ")");
        }
        int[] actual = weights.entry(name).shape();
        if (!Arrays.equals(actual, shape)) {
            throw new CheckpointException(weights.path(), name, "shape " + Arrays.toString(actual) + " does not fit the model: expected "
                    + Arrays.toString(shape));
        }
        try {
            return weights.tensor(name).copy();   // an F32 heap copy: the file is closed after loading
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(weights.path(), name, e.getMessage());
        }
    }

    /** Writes adapter_config.json and adapter_model.safetensors (F32), each atomically. */
    public void save(Path dir) throws IOException {
        save(dir, DType.F32);
    }

    public void save(Path dir, DType dtype) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        parameters.forEach((name, var) -> tensors.put(name, var.value()));
        SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), tensors, dtype, LoraConfig.safetensorsMetadata());
        config.save(dir.resolve(LoraConfig.FILE_NAME));
    }

    /** The trainable tensors under their PEFT names, layer by layer, A before B: a stable order for optimisers. */
    public Map<String, Var> parameters() { return parameters; }

    /** PEFT module name → adapter. */
    public Map<String, LoraProjection> modules() { return modules; }

    public LoraConfig config() { return config; }

    public LlamaModel model() { return model; }

    /** Off: the model computes exactly its base (no copy of any weight). */
    public void setEnabled(boolean enabled) {
        modules.values().forEach(p -> p.setEnabled(enabled));
    }

    public boolean isEnabled() { return modules.values().iterator().next().isEnabled(); }

    /** Forgets every parameter's gradient (before the next step). */
    public void zeroGrad() {
        parameters.values().forEach(Var::zeroGrad);
    }

    /** Training mode turns dropout on; evaluation mode (the default) turns it off. */
    public void setTraining(boolean training) {
        modules.values().forEach(p -> p.setTraining(training));
    }

    public boolean isTraining() { return modules.values().iterator().next().isTraining(); }

    /** Puts the original projections back; the adapter's tensors stay usable (e.g. to save them). */
    public void detach() {
        if (!attached) return;
        forEachTarget(model, config, (layer, target, name) -> {
            LlamaModel.Block block = model.blocks().get(layer);
            LoraProjection mine = modules.get(name);
            if (block.projection(target) != mine) {
                throw new IllegalStateException("detach: " + name + " was replaced by something else since the adapter was attached");
            }
            block.setProjection(target, mine.base());
        });
        attached = false;
    }

    public boolean isAttached() { return attached; }

    /**
     * A full Hugging Face checkpoint with W + scale·B·A folded into each targeted projection (F32); every
     * other tensor and the config/tokenizer files are copied from the base folder, which must be known: it is
     * {@code config.baseModelNameOrPath()} when that names a folder. See {@link #mergeAndExport(Path, Path, DType)}.
     */
    public void mergeAndExport(Path outDir) throws IOException {
        String base = config.baseModelNameOrPath();
        if (base == null || !Files.isRegularFile(Path.of(base).resolve("config.json"))) {
            throw new IOException("mergeAndExport: the base model folder is unknown (base_model_name_or_path = " + base
                    + " is not a folder with config.json); pass it with mergeAndExport(outDir, baseFolder, dtype)");
        }
        mergeAndExport(outDir, Path.of(base), DType.F32);
    }

    /** Merges onto the checkpoint in {@code baseFolder}, which must be the folder the model was loaded from. */
    public void mergeAndExport(Path outDir, Path baseFolder, DType mergedDType) throws IOException {
        MergeExport.write(this, baseFolder, outDir, mergedDType);
    }

    // ------------------------------------------------------------------ names and slots

    /** The PEFT module name of a target in a layer: attention projections under self_attn, the others under mlp. */
    public static String moduleName(int layer, String target) {
        String group = target.equals("gate_proj") || target.equals("up_proj") || target.equals("down_proj") ? "mlp." : "self_attn.";
        return PREFIX + layer + "." + group + target;
    }

    /** The HF checkpoint name of the base weight a PEFT module wraps (model.layers.N.….weight). */
    static String baseWeightName(String moduleName) {
        return moduleName.substring("base_model.model.".length()) + ".weight";
    }

    @FunctionalInterface
    private interface TargetVisitor {
        void visit(int layer, String target, String name);
    }

    /** Layers in order; within a layer the targets in block order (PEFT's state-dict order). */
    private static void forEachTarget(LlamaModel model, LoraConfig config, TargetVisitor visitor) {
        for (int layer = 0; layer < model.blocks().size(); layer++) {
            for (String target : LoraConfig.KNOWN_TARGETS) {
                if (config.targetModules().contains(target)) visitor.visit(layer, target, moduleName(layer, target));
            }
        }
    }

    /** Module name → {A shape, B shape}. */
    private static Map<String, int[][]> expectedShapes(LlamaModel model, LoraConfig config) {
        Map<String, int[][]> shapes = new LinkedHashMap<>();
        forEachTarget(model, config, (layer, target, name) -> {
            Projection base = model.blocks().get(layer).projection(target);
            shapes.put(name, new int[][] {{config.r(), base.inFeatures()}, {base.outFeatures(), config.r()}});
        });
        return shapes;
    }

    private static Projection baseOf(LlamaModel model, String moduleName) {
        String rest = moduleName.substring(PREFIX.length());
        int layer = Integer.parseInt(rest.substring(0, rest.indexOf('.')));
        return model.blocks().get(layer).projection(rest.substring(rest.lastIndexOf('.') + 1));
    }

    private static void requireNoAdapter(LlamaModel model, LoraConfig config) {
        forEachTarget(model, config, (layer, target, name) -> {
            if (model.blocks().get(layer).projection(target) instanceof LoraProjection) {
                throw new IllegalStateException(name + " already has a LoRA adapter: detach it first");
            }
        });
    }

    private static LoraAdapter install(LlamaModel model, LoraConfig config, Map<String, LoraProjection> modules) {
        forEachTarget(model, config, (layer, target, name) -> model.blocks().get(layer).setProjection(target, modules.get(name)));
        return new LoraAdapter(model, config, modules);
    }

    static boolean sameConfig(LlamaConfig a, LlamaConfig b) { return a.equals(b); }
}
