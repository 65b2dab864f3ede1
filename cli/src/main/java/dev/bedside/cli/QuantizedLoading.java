package dev.bedside.cli;

import dev.bedside.model.LlamaModel;
import java.nio.file.Path;

/** --quant: base weights in 4-bit / 8-bit blocks (comes with the quant module's QuantizedModels). */
final class QuantizedLoading {
    private QuantizedLoading() {}

    static LlamaModel load(Path path, String format, int context) {
        throw new UsageException("--quant " + format + " is not available yet: it comes with 4-bit support");
    }

    static LlamaModel random(dev.bedside.model.LlamaConfig config, String format, int context) {
        throw new UsageException("--quant " + format + " is not available yet: it comes with 4-bit support");
    }
}
