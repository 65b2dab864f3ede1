package dev.bedside.bench;

import dev.bedside.dpo.data.PreferencePair;
import dev.bedside.dpo.data.Sequence;
import dev.bedside.dpo.train.DpoTrainer;
import dev.bedside.dpo.train.TrainConfig;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.lora.LoraConfig;
import dev.bedside.model.LlamaModel;
import dev.bedside.tensor.Backends;
import dev.bedside.tensor.DeviceTraffic;
import dev.bedside.tensor.Parallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Speed and memory of DPO training steps with LoRA: synthetic pairs (prompt L/4 random tokens, chosen and
 * rejected L tokens each), B pairs per optimizer step, the paper's LoRA and DPO settings (rank overridable),
 * activation checkpointing on, reference log-probs computed each step. Untimed warm-up steps first, so the
 * JIT has compiled every path; the median of the timed steps is reported.
 */
public final class DpoBenchmark {
    private DpoBenchmark() {}

    public record Result(String backend, int threads, int seqLen, int batchSize, int loraR, long trainableParameters,
                         double secondsPerStep, long peakRssBytes, long deviceBytesPerStep) {
        /** Completion tokens of both answers per second: 2·L·B / seconds per step. */
        public double tokensPerSecond() { return 2.0 * seqLen * batchSize / secondsPerStep; }
    }

    public static Result run(LlamaModel model, int seqLen, int batchSize, int loraR, int warmupSteps, int timedSteps) throws IOException {
        int vocab = model.config().vocabSize();
        SplittableRandom random = new SplittableRandom(3);
        List<PreferencePair> pairs = new ArrayList<>();
        for (int i = 0; i < batchSize; i++) {
            int[] prompt = random.ints(Math.max(1, seqLen / 4), 0, vocab).toArray();
            pairs.add(new PreferencePair(i + 1, new Sequence(prompt, random.ints(seqLen, 0, vocab).toArray()),
                    new Sequence(prompt, random.ints(seqLen, 0, vocab).toArray())));
        }
        LoraConfig paper = LoraConfig.PAPER;
        LoraConfig lora = new LoraConfig(loraR, paper.alpha() * loraR / paper.r(), paper.dropout(), paper.targetModules(), false, null);
        int steps = warmupSteps + timedSteps;
        TrainConfig config = new TrainConfig(null, null, null, lora.r(), lora.alpha(), lora.dropout(), lora.targetModules(), null, 1e-5, null,
                null, null, null, null, null, steps, batchSize, 1, 0, null, null, null, true, 1L, Integer.MAX_VALUE, false, false, null);
        LoraAdapter adapter = LoraAdapter.attach(model, lora, 1);
        long[] stepEnds = new long[steps + 1];
        DeviceTraffic[] trafficAtStepEnds = new DeviceTraffic[steps + 1];
        Path out = Files.createTempDirectory("bedside-bench-dpo");
        try {
            DpoTrainer trainer = new DpoTrainer(adapter, pairs, config, out) {
                @Override
                protected void afterStep(int step) {
                    stepEnds[step] = System.nanoTime();
                    trafficAtStepEnds[step] = Backends.current().traffic();
                }
            };
            stepEnds[0] = System.nanoTime();
            trafficAtStepEnds[0] = Backends.current().traffic();
            trainer.train(false);
        } finally {
            adapter.detach();
            try (Stream<Path> walk = Files.walk(out)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
        double[] seconds = new double[timedSteps];
        for (int i = 0; i < timedSteps; i++) seconds[i] = (stepEnds[warmupSteps + i + 1] - stepEnds[warmupSteps + i]) / 1e9;
        Arrays.sort(seconds);
        double median = timedSteps % 2 == 1 ? seconds[timedSteps / 2] : (seconds[timedSteps / 2 - 1] + seconds[timedSteps / 2]) / 2;
        long params = adapter.parameters().values().stream().mapToLong(v -> v.numel()).sum();
        DeviceTraffic moved = trafficAtStepEnds[steps].since(trafficAtStepEnds[warmupSteps]);
        long deviceBytesPerStep = (moved.bytesToDevice() + moved.bytesToHost()) / timedSteps;
        return new Result(Backends.current().name(), Parallel.threads(), seqLen, batchSize, loraR, params, median, peakRssBytes(),
                deviceBytesPerStep);
    }

    /** VmHWM of /proc/self/status (Linux): the peak resident set size; -1 where there is none. */
    public static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
