package dev.bedside.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.Var;
import dev.bedside.model.LlamaModel;
import dev.bedside.quant.QuantizedModels;
import dev.bedside.tensor.DType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code bedside logprobs --model PATH --ids 128000,9906,1917 [--top 20]}: for every input position, the
 * {@code top} most likely next tokens with their natural-log probabilities, highest first, as one JSON array.
 */
final class LogprobsCommand {
    private LogprobsCommand() {}

    static int run(String[] argv, PrintStream out) throws Exception {
        Args args = new Args(argv, Set.of());
        Path model = Path.of(args.required("model"));
        int[] ids = parseIds(args.required("ids"));
        int top = args.integer("top", 20);
        String quant = args.string("quant", "none");
        args.finish();
        if (top <= 0) throw new UsageException("--top must be positive");
        DType format = LoadedModel.quant(quant);

        try (LlamaModel llama = QuantizedModels.load(model, format)) {
            int vocab = llama.config().vocabSize();
            for (int id : ids) {
                if (id < 0 || id >= vocab) throw new UsageException("id " + id + " is outside the vocabulary [0, " + vocab + ")");
            }
            float[] logits;
            try (var scope = Autograd.noGrad()) {
                Var all = llama.logits(llama.hidden(ids, null));
                logits = all.value().toFloatArray();
            }
            ObjectMapper json = new ObjectMapper();
            ArrayNode positions = json.createArrayNode();
            for (int t = 0; t < ids.length; t++) {
                ArrayNode row = positions.addArray();
                double logSumExp = logSumExp(logits, t * vocab, vocab);
                for (int id : topIds(logits, t * vocab, vocab, Math.min(top, vocab))) {
                    row.addObject().put("id", id).put("logprob", logits[t * vocab + id] - logSumExp);
                }
            }
            out.println(json.writeValueAsString(positions));
        }
        return 0;
    }

    static int[] parseIds(String text) {
        String[] parts = text.split(",");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UsageException("--ids expects comma-separated integers, got '" + parts[i] + "'");
            }
        }
        if (ids.length == 0) throw new UsageException("--ids is empty");
        return ids;
    }

    private static double logSumExp(float[] x, int offset, int n) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < n; j++) max = Math.max(max, x[offset + j]);
        for (int j = 0; j < n; j++) sum += Math.exp(x[offset + j] - max);
        return max + Math.log(sum);
    }

    /** The k largest entries of x[offset, offset + n), highest first (ties: lower id first). */
    static int[] topIds(float[] x, int offset, int n, int k) {
        int[] best = new int[k];
        int size = 0;
        for (int j = 0; j < n; j++) {
            float value = x[offset + j];
            if (size == k && value <= x[offset + best[k - 1]]) continue;
            int at = size < k ? size++ : k - 1;       // insertion into the sorted short list
            while (at > 0 && x[offset + best[at - 1]] < value) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = j;
        }
        return best;
    }
}
