package dev.bedside.cli;

import dev.bedside.model.GenerationConfig;
import dev.bedside.model.LlamaConfig;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.RandomWeights;
import dev.bedside.quant.QuantizedModels;
import dev.bedside.quant.memory.RandomNf4Llama;
import dev.bedside.tensor.DType;
import java.io.IOException;
import java.nio.file.Path;

/**
 * --quant for training: the frozen base weights in blocks (QLoRA: NF4 with double-quantized constants, as the
 * paper's bitsandbytes setup); the LoRA adapters stay F32.
 */
final class QuantizedLoading {
    private QuantizedLoading() {}

    static QuantizedModels.Options options(String format) {
        DType dtype = QuantizedModels.parseFormat(format);
        return new QuantizedModels.Options(dtype, dtype == DType.NF4, false);
    }

    static LlamaModel load(Path path, String format, int context) throws IOException {
        return QuantizedModels.load(path, options(format), context);
    }

    static LlamaModel random(LlamaConfig config, String format, int context) {
        // NF4 straight from random values, a slab at a time: an 8B model never exists in BF16 (16 GB) first.
        if (QuantizedModels.parseFormat(format) == DType.NF4) return new RandomNf4Llama(config, 1).model(context);
        RandomWeights random = new RandomWeights(config, 1);
        return new LlamaModel(config, GenerationConfig.EMPTY, QuantizedModels.quantize(config, random.weights(), options(format)), context, random);
    }
}
