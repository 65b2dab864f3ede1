package dev.bedside.dpo.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.RandomStream;
import dev.bedside.autograd.Var;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.model.LlamaModel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The training loop DPO and SFT share: LoRA parameters only, AdamW or SGD, warm-up then linear or cosine decay,
 * gradient accumulation, global-norm clipping, checkpoints and resume, metrics.
 *
 * <p>One optimizer step takes {@code batchSize × gradientAccumulationSteps} examples of the epoch's order, in
 * micro-batches of {@code batchSize} (the last step of an epoch may take fewer). Epoch e's order is a shuffle
 * seeded by (seed, e), and dropout masks by (seed, step, micro-batch), so the data position and every random
 * choice follow from the step number: a run resumed from a checkpoint repeats exactly what the uninterrupted
 * run would have done.
 */
public abstract class Trainer {
    private static final ObjectMapper JSON = new ObjectMapper();

    protected final LoraAdapter adapter;
    protected final LlamaModel model;
    protected final TrainConfig config;
    private final Path outDir;
    private final Map<String, Var> params;
    private final Optimizer optimizer;
    private final CheckpointStore checkpoints;
    private PrintStream progressOut;
    private int step;
    private int stopAfterSteps = Integer.MAX_VALUE;
    private int cachedEpoch = -1;
    private int[] cachedOrder;

    protected Trainer(LoraAdapter adapter, TrainConfig config, Path outDir) {
        this.adapter = adapter;
        this.model = adapter.model();
        this.config = config;
        this.outDir = outDir;
        this.params = adapter.parameters();
        this.optimizer = Optimizer.create(config.optimizer(), params, config.weightDecay());
        this.checkpoints = new CheckpointStore(outDir);
    }

    /** Number of training examples (pairs for DPO). */
    protected abstract int size();

    /** "dpo" or "sft": the progress label and checkpoint kind. */
    protected abstract String kind();

    /**
     * Forward and backward of the examples {@code micro}, part of the step's {@code step} examples: the loss
     * back-propagated must be this micro-batch's share, so that the step's gradients are those of the step's loss.
     */
    protected abstract MicroBatch run(int[] micro, int[] step);

    /** What one micro-batch contributes: its share of the step loss and of each metric, and tokens processed. */
    protected record MicroBatch(double loss, Map<String, Double> metrics, long tokens) {}

    /** Work before the first step (e.g. precomputing reference log-probs). */
    protected void beforeTraining() {}

    /** Called after every successful optimizer step (tests use it to inject faults). */
    protected void afterStep(int step) {}

    /** Metrics on held-out data (names eval/…), logged before the first step and after the last; none by default. */
    protected Map<String, Double> evaluate() { return Map.of(); }

    private void writeEvaluation(BufferedWriter metrics) throws IOException {
        Map<String, Double> eval = evaluate();
        if (eval.isEmpty()) return;
        ObjectNode json = JSON.valueToTree(eval);
        json.put("step", step);
        metrics.write(JSON.writeValueAsString(json));
        metrics.newLine();
        metrics.flush();
        if (progressOut != null) progressOut.println(kind() + " eval at step " + step + ": " + eval);
    }

    /** Progress bar on this stream (null: none). */
    public Trainer progress(PrintStream out) {
        this.progressOut = out;
        return this;
    }

    /** Stops after this many optimizer steps in total, saving a checkpoint there (as if the run was killed after it). */
    public Trainer stopAfter(int steps) {
        this.stopAfterSteps = steps;
        return this;
    }

    public int stepsPerEpoch() {
        int perStep = config.batchSize() * config.gradientAccumulationSteps();
        return Math.max(1, (size() + perStep - 1) / perStep);
    }

    public int totalSteps() {
        return config.maxSteps() > 0 ? config.maxSteps() : config.numTrainEpochs() * stepsPerEpoch();
    }

    public int step() { return step; }

    public Map<String, Var> parameters() { return params; }

    /** What a finished (or stopped) run produced. */
    public record Result(int steps, Path adapterDir, Path lastCheckpoint, Map<String, Double> lastMetrics) {}

    /**
     * Trains to {@link #totalSteps()}, writing {@code outDir/metrics.jsonl}, checkpoints every saveSteps steps and
     * at the end, and the final adapter to {@code outDir/adapter}. With {@code resume}, continues from the newest
     * checkpoint; without, refuses an output folder that already holds checkpoints.
     */
    public Result train(boolean resume) throws IOException {
        Files.createDirectories(outDir);
        var latest = checkpoints.latest();
        if (resume && latest.isPresent()) {
            checkCompatible(latest.get());
            CheckpointStore.restore(latest.get(), params, optimizer);
            step = latest.get().step();
        } else if (!resume && latest.isPresent()) {
            throw new IllegalStateException(outDir + " already holds checkpoints (" + latest.get().path().getFileName()
                    + "): pass --resume to continue that run, or choose another output folder");
        }
        int total = totalSteps();
        LrSchedule schedule = new LrSchedule(config.lrScheduleKind(),
                Math.max(config.warmupSteps(), LrSchedule.warmupFromRatio(config.warmupRatio(), total)), total);
        Path lastCheckpoint = latest.map(CheckpointStore.Saved::path).orElse(null);
        Map<String, Double> lastMetrics = Map.of();
        Progress progress = new Progress(progressOut, kind(), step, total);
        Path metricsFile = outDir.resolve("metrics.jsonl");
        if (!resume) Files.deleteIfExists(metricsFile);
        model.setCheckpointBlocks(config.gradientCheckpointing());
        adapter.setTraining(true);   // LoRA dropout on (masks from RandomStream, replayed by checkpointed blocks)
        try (BufferedWriter metrics = Files.newBufferedWriter(metricsFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            beforeTraining();
            if (step == 0) writeEvaluation(metrics);
            int savedAt = step;
            while (step < total && step < stopAfterSteps) {
                double lr = config.learningRate() * schedule.factor(step);
                Map<String, Double> line = oneStep(lr, lastCheckpoint);
                lastMetrics = line;
                ObjectNode json = JSON.valueToTree(line);
                json.put("step", step);   // an integer, as TRL logs it
                metrics.write(JSON.writeValueAsString(json));
                metrics.newLine();
                metrics.flush();
                progress.update(step, line.get("loss"), line.get("rewards/accuracies"), lr, line.get("tokens_per_second"));
                afterStep(step);
                if (step % config.saveSteps() == 0) {
                    lastCheckpoint = save();
                    savedAt = step;
                }
            }
            if (savedAt != step) lastCheckpoint = save();
            if (step >= total) writeEvaluation(metrics);
        } finally {
            adapter.setTraining(false);
            model.setCheckpointBlocks(false);
        }
        Path adapterDir = null;
        if (step >= total) {
            adapterDir = outDir.resolve("adapter");
            adapter.save(adapterDir);
        }
        return new Result(step, adapterDir, lastCheckpoint, lastMetrics);
    }

    /** One optimizer step over the next examples; returns its metrics line. */
    private Map<String, Double> oneStep(double lr, Path lastCheckpoint) {
        long start = System.nanoTime();
        int[] examples = examplesOfStep(step);
        params.values().forEach(Var::zeroGrad);
        double loss = 0;
        long tokens = 0;
        Map<String, Double> sums = new LinkedHashMap<>();
        for (int from = 0, micro = 0; from < examples.length; from += config.batchSize(), micro++) {
            int[] batch = Arrays.copyOfRange(examples, from, Math.min(examples.length, from + config.batchSize()));
            // Dropout draws start at a position fixed by (step, micro-batch): a resumed run draws the same masks.
            RandomStream.seek(((long) step << 24) + ((long) micro << 12));
            MicroBatch result;
            try {
                result = run(batch, examples);
            } finally {
                Autograd.tape().clear();   // nothing recorded survives a micro-batch (also after an error)
            }
            loss += result.loss();
            tokens += result.tokens();
            result.metrics().forEach((k, v) -> sums.merge(k, v, Double::sum));
        }
        if (!Double.isFinite(loss)) throw diverged("the loss is " + loss, lastCheckpoint);
        double gradNorm = GradientClipping.globalNorm(params.values());
        if (!Double.isFinite(gradNorm)) throw diverged("the gradient norm is " + gradNorm, lastCheckpoint);
        if (config.maxGradNorm() > 0) GradientClipping.clip(params.values(), gradNorm, config.maxGradNorm());
        optimizer.step(lr);
        for (var entry : params.entrySet()) {
            for (float v : entry.getValue().value().toFloatArray()) {
                if (!Float.isFinite(v)) throw diverged("parameter " + entry.getKey() + " became " + v + " (learning rate " + lr + ")", lastCheckpoint);
            }
        }
        step++;
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> line = new LinkedHashMap<>();
        line.put("step", (double) step);
        line.put("epoch", (double) step / stepsPerEpoch());
        line.put("loss", loss);
        line.putAll(sums);
        line.put("learning_rate", lr);
        line.put("grad_norm", gradNorm);
        line.put("tokens_per_second", tokens / seconds);
        return line;
    }

    private TrainingDivergedException diverged(String what, Path lastCheckpoint) {
        return new TrainingDivergedException(kind() + " step " + (step + 1) + ": " + what + "; training stopped before the update. "
                + (lastCheckpoint == null ? "No checkpoint was saved yet." : "The last good checkpoint is kept: " + lastCheckpoint)
                + " (try a lower learning rate, or check the data and the base model)");
    }

    /** The examples of optimizer step {@code s}: a slice of its epoch's shuffled order. */
    int[] examplesOfStep(int s) {
        int epoch = s / stepsPerEpoch(), k = s % stepsPerEpoch();
        if (epoch != cachedEpoch) {
            cachedOrder = shuffled(size(), config.seed() * 1_000_003L + epoch);
            cachedEpoch = epoch;
        }
        int perStep = config.batchSize() * config.gradientAccumulationSteps();
        int from = k * perStep;
        return Arrays.copyOfRange(cachedOrder, from, Math.min(size(), from + perStep));
    }

    /** 0 … n−1 in a Fisher–Yates order from {@code seed}. */
    static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private Path save() throws IOException {
        return checkpoints.save(step, adapter, optimizer, state());
    }

    private ObjectNode state() {
        ObjectNode state = JSON.createObjectNode();
        state.put("kind", kind());
        state.put("global_step", step);
        state.put("epoch", (double) step / stepsPerEpoch());
        state.put("epoch_index", step / stepsPerEpoch());
        state.put("examples_done_in_epoch", Math.min(size(), (step % stepsPerEpoch()) * config.batchSize() * config.gradientAccumulationSteps()));
        state.put("num_examples", size());
        state.put("total_steps", totalSteps());
        state.put("optimizer_steps", optimizer.steps());
        state.put("scheduler_step", step);
        state.put("learning_rate_schedule", config.lrSchedulerType());
        state.put("rng", "data order is a shuffle seeded by (seed, epoch); dropout draws start at RandomStream position"
                + " (step << 24) + (micro-batch << 12) with the adapter's seeds: both follow from the step");
        state.set("config", TrainConfig.json().valueToTree(config));
        return state;
    }

    private void checkCompatible(CheckpointStore.Saved saved) {
        JsonNode state = saved.state();
        List<String> problems = new ArrayList<>();
        if (!kind().equals(state.path("kind").asText())) problems.add("it is a " + state.path("kind").asText() + " run, this is " + kind());
        if (state.path("num_examples").asInt() != size()) problems.add("it had " + state.path("num_examples").asInt() + " examples, now " + size());
        if (state.path("total_steps").asInt() != totalSteps()) problems.add("it planned " + state.path("total_steps").asInt() + " steps, now " + totalSteps());
        JsonNode saved_ = state.path("config");
        TrainConfig before = TrainConfig.json().convertValue(saved_, TrainConfig.class);
        if (!before.seed().equals(config.seed())) problems.add("seed " + before.seed() + " vs " + config.seed());
        if (!before.batchSize().equals(config.batchSize()) || !before.gradientAccumulationSteps().equals(config.gradientAccumulationSteps())) {
            problems.add("batch " + before.batchSize() + "×" + before.gradientAccumulationSteps() + " vs " + config.batchSize() + "×" + config.gradientAccumulationSteps());
        }
        if (!before.optimizer().equals(config.optimizer())) problems.add("optimizer " + before.optimizer() + " vs " + config.optimizer());
        if (!problems.isEmpty()) throw new IllegalStateException("cannot resume from " + saved.path() + ": " + String.join("; ", problems));
    }
}
