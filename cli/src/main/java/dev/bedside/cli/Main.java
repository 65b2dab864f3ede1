package dev.bedside.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
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

    private static void usage(PrintStream err) {
        err.println("usage: bedside <command> [options]");
        HELP.values().forEach(h -> err.println("  " + h));
    }
}
