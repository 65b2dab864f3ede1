package dev.bedside.cli;

import dev.bedside.model.generate.Generator;
import dev.bedside.model.generate.SamplingConfig;
import dev.bedside.model.generate.StreamingText;
import dev.bedside.model.tokenizer.ChatFormat;
import dev.bedside.model.tokenizer.ChatFormat.Message;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code bedside generate --model PATH --prompt TEXT [--system TEXT] [--chat] [--max-tokens N]
 * [--temperature T] [--top-p P] [--top-k K] [--seed S]}: streams the continuation to stdout.
 * Without {@code --chat} the prompt is plain text after BOS; with it, the Llama 3.1 chat format
 * (system message if given, the prompt as the user's turn, then the assistant header).
 */
final class GenerateCommand {
    private GenerateCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args args = new Args(argv, Set.of("chat"));
        Path path = Path.of(args.required("model"));
        String prompt = args.required("prompt");
        String system = args.string("system", null);
        boolean chat = args.flag("chat") || system != null;
        int maxTokens = args.integer("max-tokens", 256);
        Double temperature = args.has("temperature") ? args.number("temperature", 0) : null;
        Double topP = args.has("top-p") ? args.number("top-p", 1) : null;
        Integer topK = args.has("top-k") ? args.integer("top-k", 0) : null;
        Long seed = args.has("seed") ? (long) args.integer("seed", 0) : null;
        String quant = args.string("quant", "none");
        Path adapter = args.has("adapter") ? Path.of(args.string("adapter", null)) : null;
        args.finish();

        try (LoadedModel loaded = LoadedModel.load(path, LoadedModel.quant(quant), adapter)) {
            int[] ids;
            if (chat) {
                List<Message> messages = new ArrayList<>();
                if (system != null) messages.add(new Message("system", system));
                messages.add(new Message("user", prompt));
                ids = new ChatFormat(loaded.tokenizer()).encode(messages, true);
            } else {
                ids = loaded.tokenizer().encode(prompt, true);
            }
            SamplingConfig sampling = loaded.sampling(temperature, topP, topK, seed, maxTokens);
            StreamingText text = new StreamingText(loaded.tokenizer());
            Generator.Result result = new Generator(loaded.model(), loaded.eosIds()).generate(ids, sampling, id -> {
                out.print(text.accept(id));
                out.flush();
            });
            out.println(text.finish());
            err.printf("[%d prompt tokens, %d generated, stop: %s]%n", result.promptTokens(), result.tokens().length,
                    result.stopReason().name().toLowerCase());
        }
        return 0;
    }
}
