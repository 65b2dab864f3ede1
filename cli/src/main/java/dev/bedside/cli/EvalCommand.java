package dev.bedside.cli;

import dev.bedside.dpo.data.PromptTemplate;
import dev.bedside.dpo.data.RowProblem;
import dev.bedside.eval.Sample;
import dev.bedside.eval.chat.ChatBackend;
import dev.bedside.eval.chat.ChatOptions;
import dev.bedside.eval.chat.LocalChatBackend;
import dev.bedside.eval.chat.OpenAiChatClient;
import dev.bedside.eval.data.Columns;
import dev.bedside.eval.data.EvalData;
import dev.bedside.eval.data.Predictions;
import dev.bedside.eval.report.Reports;
import dev.bedside.eval.run.ActiveMetric;
import dev.bedside.eval.run.AnswerSystem;
import dev.bedside.eval.run.EndpointSystem;
import dev.bedside.eval.run.EvalResults;
import dev.bedside.eval.run.EvalRunner;
import dev.bedside.eval.run.MetricContext;
import dev.bedside.eval.run.MetricRegistry;
import dev.bedside.eval.run.MetricSummary;
import dev.bedside.eval.run.ModelSystem;
import dev.bedside.eval.run.PredictionSystem;
import dev.bedside.model.generate.SamplingConfig;
import dev.bedside.model.tokenizer.ChatFormat;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code bedside eval}: answers every question of a data file with each system (the base model, each adapter
 * on the same model, OpenAI-compatible endpoints, answers read from a file), scores the answers, and writes the
 * reports into {@code --out}. Answers and scores are kept per sample as they are made, so running the same
 * command again resumes where a killed run stopped. See {@link EvalRunner} and {@link Reports}.
 */
final class EvalCommand {
    private EvalCommand() {}

    static final String USAGE = "eval --data FILE --out DIR [--model PATH [--quant nf4|q4_0|q8_0|none]] [--adapter [NAME=]DIR ...]"
            + " [--endpoint NAME=URL[,model=ID][,key=ENV] ...] [--predictions FILE] [--metrics LIST] [--judge local|URL[,model=ID][,key=ENV]]"
            + " [--limit N] [--max-tokens 150] [--temperature 0.3] [--top-p 1] [--seed 42] [--template paper|none]"
            + " [--question-col C] [--answer-col C] [--id-col C] [--group-by C] [--strict] [--resamples 1000]";

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args args = new Args(argv, Set.of("strict", "quiet"));
        Path data = Path.of(args.required("data"));
        Path outDir = Path.of(args.required("out"));
        String modelPath = args.string("model", null);
        String quant = args.string("quant", "none");
        List<String> adapters = args.all("adapter");
        List<String> endpoints = args.all("endpoint");
        String predictions = args.string("predictions", null);
        String metricList = args.string("metrics", null);
        String judge = args.string("judge", null);
        int limit = args.integer("limit", 0);
        int maxTokens = args.integer("max-tokens", 150);
        double temperature = args.number("temperature", 0.3);
        double topP = args.number("top-p", 1.0);
        long seed = args.integer("seed", 42);
        String templateName = args.string("template", "paper");
        Columns columns = new Columns(args.string("question-col", null), args.string("answer-col", null), args.string("id-col", null),
                args.string("group-by", null));
        boolean strict = args.flag("strict");
        boolean quiet = args.flag("quiet");
        int resamples = args.integer("resamples", 1000);
        args.finish();
        if (!args.positional().isEmpty()) throw new UsageException("unexpected argument '" + args.positional().getFirst() + "'; usage: " + USAGE);
        if (modelPath == null && (!adapters.isEmpty() || "local".equals(judge))) {
            throw new UsageException("--adapter and --judge local need --model (the base model)");
        }
        if (modelPath == null && endpoints.isEmpty() && predictions == null) {
            throw new UsageException("nothing to evaluate: give --model, --endpoint or --predictions; usage: " + USAGE);
        }
        if (limit < 0 || maxTokens < 1 || resamples < 1) throw new UsageException("--limit ≥ 0, --max-tokens ≥ 1 and --resamples ≥ 1, please");
        PromptTemplate template;
        try {
            template = PromptTemplate.parse(templateName);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--template: " + e.getMessage());
        }

        EvalData.Loaded loaded = EvalData.read(data, columns, strict);
        reportSkipped(loaded, err);
        List<Sample> samples = limit > 0 && limit < loaded.samples().size() ? loaded.samples().subList(0, limit) : loaded.samples();
        if (samples.isEmpty()) throw new UsageException(data + ": no question to evaluate");

        Map<String, Object> generation = new LinkedHashMap<>();
        generation.put("model", modelPath == null ? null : Path.of(modelPath).toAbsolutePath().normalize().toString());
        generation.put("quant", quant);
        generation.put("template", template.name().toLowerCase(Locale.ROOT));
        generation.put("max_tokens", maxTokens);
        generation.put("temperature", temperature);
        generation.put("top_p", topP);
        generation.put("seed", seed);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("data", data.toString());
        settings.put("rows_skipped", loaded.skipped().size());
        settings.put("limit", limit);
        settings.put("generation", generation);
        settings.put("judge", judge);
        settings.put("max_tokens", maxTokens);
        settings.put("temperature", temperature);
        settings.put("seed", seed);
        settings.put("bootstrap", Map.of("resamples", resamples, "confidence", 0.95, "seed", seed));

        LoadedModel model = modelPath == null ? null : LoadedModel.load(Path.of(modelPath), LoadedModel.quant(quant));
        try {
            List<AnswerSystem> systems = new ArrayList<>();
            if (model != null) {
                SamplingConfig sampling = new SamplingConfig(temperature, 0, topP, seed, maxTokens);
                systems.add(new ModelSystem("base", model.model(), model.tokenizer(), model.eosIds(), template, sampling, null));
                for (String spec : adapters) {
                    int eq = spec.indexOf('=');
                    Path dir = Path.of(eq >= 0 ? spec.substring(eq + 1) : spec);
                    if (!Files.isDirectory(dir)) throw new UsageException("--adapter " + dir + ": not a folder");
                    String name = eq >= 0 ? spec.substring(0, eq) : dir.toAbsolutePath().normalize().getFileName().toString();
                    systems.add(new ModelSystem(name, model.model(), model.tokenizer(), model.eosIds(), template, sampling, dir));
                }
            }
            ChatOptions chatOptions = new ChatOptions(maxTokens, temperature, seed, 0);
            for (String spec : endpoints) {
                Endpoint e = Endpoint.parse("--endpoint", spec, true);
                systems.add(new EndpointSystem(e.name(), e.client(), chatOptions));
            }
            if (predictions != null) {
                Path file = Path.of(predictions);
                Predictions.read(file).forEach((system, answers) -> systems.add(new PredictionSystem(system, answers, file)));
            }

            MetricContext context = new MetricContext(() -> judgeBackend(judge, model));
            List<String> names = metricList == null ? MetricRegistry.defaults(judge != null)
                    : Arrays.stream(metricList.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            List<ActiveMetric> metrics;
            try {
                metrics = MetricRegistry.create(names, context);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--metrics: " + e.getMessage());
            }

            EvalRunner runner = new EvalRunner(new EvalRunner.Options(outDir, seed, resamples, 0.95, 16, columns.groupBy(), quiet ? null : err));
            EvalResults results = runner.run(samples, systems, metrics, settings);
            List<Path> written = Reports.writeAll(results, outDir, data.getFileName().toString());
            printSummary(results, out);
            err.println("wrote " + written.size() + " reports to " + outDir + " (report.html, report.md, results_summary.json, benchmark_table.tex, per-metric CSV)");
        } finally {
            if (model != null) model.close();
        }
        return 0;
    }

    /**
     * The judge: {@code local} is the evaluated base model itself (no adapter is attached while scoring);
     * a URL is an OpenAI-compatible endpoint.
     */
    private static ChatBackend judgeBackend(String judge, LoadedModel model) {
        if (judge == null) throw new IllegalArgumentException("the G-Eval metrics need a judge: give --judge local or --judge URL[,model=ID]");
        if (judge.equals("local")) {
            return new LocalChatBackend("local judge", model.model(), model.tokenizer(), new ChatFormat(model.tokenizer()));
        }
        return Endpoint.parse("--judge", "judge=" + judge, false).client();
    }

    /** {@code NAME=URL[,model=ID][,key=ENV]}: an OpenAI-compatible endpoint; the key is read from ENV (default OPENAI_API_KEY when set). */
    record Endpoint(String name, URI url, String model, String keyEnv) {
        static Endpoint parse(String option, String spec, boolean needName) {
            int eq = spec.indexOf('=');
            if (eq <= 0) throw new UsageException(option + " " + spec + ": expected NAME=URL[,model=ID][,key=ENV]");
            String name = spec.substring(0, eq);
            String[] parts = spec.substring(eq + 1).split(",");
            String model = "default", key = System.getenv("OPENAI_API_KEY") != null ? "OPENAI_API_KEY" : null;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].strip();
                if (p.startsWith("model=")) model = p.substring(6);
                else if (p.startsWith("key=")) key = p.substring(4);
                else throw new UsageException(option + " " + spec + ": unknown part '" + p + "' (model=ID or key=ENV)");
            }
            URI url;
            try {
                url = URI.create(parts[0].strip());
            } catch (IllegalArgumentException e) {
                throw new UsageException(option + " " + spec + ": not a URL (" + e.getMessage() + ")");
            }
            if (url.getScheme() == null || !url.getScheme().startsWith("http")) throw new UsageException(option + " " + spec + ": not an http(s) URL");
            return new Endpoint(name, url, model, key);
        }

        ChatBackend client() {
            return new OpenAiChatClient(name, url, model, keyEnv, Duration.ofSeconds(120), 4);
        }
    }

    private static void reportSkipped(EvalData.Loaded loaded, PrintStream err) {
        if (loaded.skipped().isEmpty()) return;
        err.println(loaded.file() + ": left out " + loaded.skipped().size() + " rows (--strict makes this an error):");
        for (RowProblem p : loaded.skipped().subList(0, Math.min(5, loaded.skipped().size()))) err.println("  " + p);
        if (loaded.skipped().size() > 5) err.println("  …");
    }

    /** One line per system and metric on stdout: mean, interval, n, failures. */
    private static void printSummary(EvalResults r, PrintStream out) {
        for (EvalResults.SystemInfo s : r.systems()) {
            for (EvalResults.MetricInfo m : r.metrics()) {
                MetricSummary x = r.summary().get(s.name()).get(m.name());
                out.printf(Locale.ROOT, "%-16s %-20s %9.4f  [%.4f, %.4f]  n=%d failures=%d%n", s.name(), m.name(), x.mean(), x.ciLow(), x.ciHigh(),
                        x.n(), x.failures());
            }
        }
    }
}
