package dev.bedside.cli;

import dev.bedside.model.LlamaConfig;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.RandomWeights;
import dev.bedside.tensor.DType;
import java.io.IOException;
import java.nio.file.Path;

/** Models for training commands and benchmarks: loaded or random, with full-precision or quantized base weights. */
final class DpoModels {
    private DpoModels() {}

    static LlamaModel load(Path path, String quant, int context) throws IOException {
        if (quant.equals("none")) return LlamaModel.load(path, context);
        return QuantizedLoading.load(path, quant, context);
    }

    /** Random weights: full precision in {@code dtype} (F32 on the heap or BF16 off it), or quantized from BF16. */
    static LlamaModel random(LlamaConfig config, String quant, DType dtype, int context) {
        if (quant.equals("none")) return new RandomWeights(config, 1, dtype).model(context);
        return QuantizedLoading.random(config, quant, context);
    }
}
