package dev.bedside.cli;

import dev.bedside.tensor.Backends;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code bedside} command: dispatches to one subcommand per word. */
public final class Main {

    /** A subcommand: gets the arguments after its name, returns the process exit code. */
    @FunctionalInterface
    interface Command {
        int run(String[] args) throws Exception;
    }

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();
    private static final Map<String, String> HELP = new LinkedHashMap<>();

    static {
        register("logprobs", "logprobs --model PATH --ids 128000,9906,... [--top 20] [--quant nf4|q4_0|q8_0|none] — next-token log-probs per position",
                args -> LogprobsCommand.run(args, System.out));
        register("generate", "generate --model PATH --prompt TEXT [--system TEXT] [--chat] [--max-tokens N] [--temperature T]"
                + " [--top-p P] [--top-k K] [--seed S] [--quant nf4|q4_0|q8_0|none] [--adapter DIR] — stream a continuation", args -> GenerateCommand.run(args, System.out, System.err));
        register("chat", "chat --model PATH [--system TEXT] [--quant nf4|q4_0|q8_0|none] [--adapter DIR] — interactive chat, streaming", args -> ChatCommand.run(args, System.in, System.out));
        register("bench", "bench gemm|decode|dpo|memory|jmh ... — benchmarks, one JSON line each", BenchCommand::run);
        register("dpo", DpoCommand.USAGE + " — DPO with LoRA adapters", args -> DpoCommand.run(args, System.out, System.err));
        register("sft", SftCommand.USAGE + " — supervised fine-tuning of LoRA adapters", args -> SftCommand.run(args, System.out, System.err));
        register("quantize", QuantizeCommand.USAGE + " — GGUF (llama.cpp) or bitsandbytes NF4 folder", QuantizeCommand::run);
        register("readability", ReadabilityCommand.USAGE + " — Flesch scores (JSON)", ReadabilityCommand::run);
        register("tokenize", TokenizeCommand.HELP, TokenizeCommand::run);
        register("serve", dev.bedside.cli.serve.ServeCommand.USAGE + " — OpenAI-compatible HTTP server", args -> dev.bedside.cli.serve.ServeCommand.run(args, System.err));
        register("eval", EvalCommand.USAGE + " — score systems on a question set, write reports", args -> EvalCommand.run(args, System.out, System.err));
        register("pairs", PairsCommand.USAGE + " — caregiver preference pairs, validated", args -> PairsCommand.run(args, System.out));
        register("demo", DemoCommand.USAGE + " — the main job: DPO on the bundled model, before/after report", args -> DemoCommand.run(args, System.out, System.err));
        register("build-demo-model", BuildDemoModelCommand.USAGE + " — train the bundled demo model from scratch", args -> BuildDemoModelCommand.run(args, System.err));
        register("tokenizer-train", TokenizerTrainCommand.USAGE + " — train a byte-level BPE tokenizer", args -> TokenizerTrainCommand.run(args, System.err));
        register("embed", EmbedCommand.USAGE + " — sentence embedding (JSON array; default all-MiniLM-L6-v2)", EmbedCommand::run);
    }

    private static void register(String name, String help, Command command) {
        COMMANDS.put(name, command);
        HELP.put(name, help);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    static int run(String[] args, PrintStream err) {
        String backendChoice;
        try {
            backendChoice = backendOption(args);
        } catch (UsageException e) {
            err.println("bedside: " + e.getMessage());
            return 2;
        }
        args = withoutBackendOption(args);
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(err);
            return args.length == 0 ? 2 : 0;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            err.println("bedside: unknown command '" + args[0] + "'");
            usage(err);
            return 2;
        }
        try {
            Backends.Selection selection = Backends.select(backendChoice);
            Backends.use(selection.backend());
            err.println("bedside: " + selection.message());
        } catch (RuntimeException e) {
            err.println("bedside: " + e.getMessage());
            return 1;
        }
        try {
            return command.run(Arrays.copyOfRange(args, 1, args.length));
        } catch (UsageException e) {
            err.println("bedside " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("bedside " + args[0] + ": " + e.getMessage());
            if (System.getenv("BEDSIDE_DEBUG") != null) e.printStackTrace(err);
            return 1;
        }
    }

    /**
     * The global {@code --backend auto|cpu|tornado} (anywhere on the line, every command takes it); without it
     * {@code BEDSIDE_BACKEND}, else {@code auto}: TornadoVM when its runtime is present and a device starts,
     * otherwise the Vector API.
     */
    static String backendOption(String[] args) throws UsageException {
        String choice = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--backend")) {
                if (i + 1 >= args.length) throw new UsageException("--backend needs a value: auto, cpu or tornado");
                choice = args[i + 1];
            } else if (args[i].startsWith("--backend=")) {
                choice = args[i].substring("--backend=".length());
            }
        }
        if (choice == null) choice = System.getenv().getOrDefault("BEDSIDE_BACKEND", "auto");
        if (!choice.matches("auto|cpu|tornado|scalar")) {
            throw new UsageException("--backend expects auto, cpu or tornado, got '" + choice + "'");
        }
        return choice;
    }

    private static String[] withoutBackendOption(String[] args) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--backend")) i++;
            else if (!args[i].startsWith("--backend=")) kept.add(args[i]);
        }
        return kept.toArray(String[]::new);
    }

    private static void usage(PrintStream err) {
        err.println("usage: bedside <command> [options] [--backend auto|cpu|tornado]");
        HELP.values().forEach(h -> err.println("  " + h));
    }
}
