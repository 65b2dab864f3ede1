package dev.bedside.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.bench.EmbedBenchmark;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code bedside bench embed [--sentences N] [--rounds R] [--repeats K] [--ort-batch 1,32] [--ort-spin 1|0] [--peer DIR]}: Bedside's
 * all-MiniLM-L6-v2 against ONNX Runtime (bench/peers/onnxruntime, after {@code npm ci} there) on the same ids, one
 * JSON line with both sentences/s, their ratio and the largest embedding difference. Threads: {@code -Dbedside.threads}
 * (through BEDSIDE_JAVA_OPTS), used by both.
 */
final class EmbedBenchCommand {
    private EmbedBenchCommand() {}

    static final String USAGE = "bench embed [--sentences N] [--rounds R] [--repeats K] [--ort-batch 1,32] [--ort-spin 1|0] [--peer DIR]";

    static int run(String[] rest) throws Exception {
        Args args = new Args(rest, Set.of());
        int sentences = args.integer("sentences", 64), rounds = args.integer("rounds", 3), repeats = args.integer("repeats", 3);
        List<Integer> batches = Arrays.stream(args.string("ort-batch", "1,32").split(",")).map(String::trim).map(Integer::valueOf).toList();
        boolean spin = !args.string("ort-spin", "1").equals("0");
        Path peer = Path.of(args.string("peer", "bench/peers/onnxruntime"));
        args.finish();
        if (sentences < 1 || rounds < 1 || repeats < 1) throw new UsageException("--sentences, --rounds and --repeats must be positive; usage: " + USAGE);
        System.out.println(new ObjectMapper().writeValueAsString(EmbedBenchmark.run(peer, sentences, rounds, repeats, batches, spin)));
        return 0;
    }
}
