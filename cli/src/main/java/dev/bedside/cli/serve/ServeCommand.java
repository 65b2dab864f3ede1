package dev.bedside.cli.serve;

import dev.bedside.cli.Args;
import dev.bedside.cli.UsageException;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.tokenizer.Tokenizer;
import dev.bedside.model.tokenizer.Tokenizers;
import dev.bedside.quant.QuantizedModels;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bedside serve}: an OpenAI-compatible HTTP server for a base model and its LoRA adapters. See
 * {@link #USAGE}; it runs until the process is stopped.
 */
public final class ServeCommand {
    public static final String USAGE = "serve --model PATH [--adapter NAME=DIR ...] [--quant nf4|q4_0|q8_0|none] [--host 127.0.0.1]"
            + " [--port 8080] [--api-key-env VAR] [--name ID] [--context 8192] [--max-concurrent 8] [--queue-size 64]"
            + " [--max-body-bytes 1048576] [--default-max-tokens 512]";

    private ServeCommand() {}

    public static int run(String[] argv, PrintStream err) throws Exception {
        OpenAiServer server = start(argv, System.getenv());
        err.printf("bedside serve: listening on http://%s:%d/v1 (models: %s)%n", server.host(), server.port(), String.join(", ", server.modelIds()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                err.println("bedside serve: " + e);
            }
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }

    /** Loads the model and adapters and starts serving; {@code env} supplies the variable --api-key-env names. */
    public static OpenAiServer start(String[] argv, Map<String, String> env) throws Exception {
        Args args = new Args(argv, Set.of());
        Path path = Path.of(args.required("model"));
        Map<String, Path> adapterDirs = new LinkedHashMap<>();
        for (String spec : args.all("adapter")) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) throw new UsageException("--adapter expects NAME=DIR, got '" + spec + "'");
            if (adapterDirs.put(spec.substring(0, eq), Path.of(spec.substring(eq + 1))) != null) {
                throw new UsageException("--adapter: the name '" + spec.substring(0, eq) + "' is given twice");
            }
        }
        String quant = args.string("quant", "none");
        String host = args.string("host", "127.0.0.1");
        int port = args.integer("port", 8080);
        String keyVariable = args.string("api-key-env", null);
        String name = args.string("name", path.getFileName() == null ? path.toString() : path.getFileName().toString());
        int context = args.integer("context", LlamaModel.DEFAULT_CONTEXT);
        int maxConcurrent = args.integer("max-concurrent", 8);
        int queueSize = args.integer("queue-size", 64);
        int maxBody = args.integer("max-body-bytes", 1 << 20);
        int defaultMaxTokens = args.integer("default-max-tokens", 512);
        args.finish();

        String apiKey = null;
        if (keyVariable != null) {
            apiKey = env.get(keyVariable);
            if (apiKey == null || apiKey.isBlank()) throw new UsageException("--api-key-env: the environment variable " + keyVariable + " is not set");
        }
        if (adapterDirs.containsKey(name)) throw new UsageException("--adapter: '" + name + "' is already the base model's id (--name)");
        if (context < 2) throw new UsageException("--context must be at least 2, got " + context);
        ServeOptions options;
        try {
            options = new ServeOptions(host, port, apiKey, maxBody, maxConcurrent, queueSize, defaultMaxTokens, name);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        QuantizedModels.Options format;
        try {
            format = QuantizedModels.Options.of(QuantizedModels.parseFormat(quant));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--quant: " + e.getMessage());
        }

        LlamaModel model = QuantizedModels.load(path, format, context);
        try {
            Tokenizer tokenizer = Tokenizers.load(path);
            Set<Integer> eos = new TreeSet<>(model.eosIds());
            eos.addAll(tokenizer.eosIds());
            Engine engine = new Engine(model, tokenizer, eos, new Adapters(model, adapterDirs));
            return OpenAiServer.start(engine, options);
        } catch (Exception e) {
            model.close();
            throw e;
        }
    }
}
