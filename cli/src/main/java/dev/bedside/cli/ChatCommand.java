package dev.bedside.cli;

import dev.bedside.model.generate.Generator;
import dev.bedside.model.generate.SamplingConfig;
import dev.bedside.model.generate.StreamingText;
import dev.bedside.model.tokenizer.ChatFormat;
import dev.bedside.model.tokenizer.ChatFormat.Message;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code bedside chat --model PATH [--system TEXT] [--max-tokens N] [--temperature T] [--top-p P] [--seed S]}:
 * an interactive conversation in the Llama 3.1 chat format, replies streamed as they are generated.
 * {@code /reset} starts over, {@code /exit} (or end of input) quits. When the conversation outgrows the
 * context, the oldest turns are dropped (the system message stays).
 */
final class ChatCommand {
    private ChatCommand() {}

    static int run(String[] argv, InputStream stdin, PrintStream out) throws Exception {
        Args args = new Args(argv, Set.of());
        Path path = Path.of(args.required("model"));
        String system = args.string("system", null);
        int maxTokens = args.integer("max-tokens", 512);
        Double temperature = args.has("temperature") ? args.number("temperature", 0) : null;
        Double topP = args.has("top-p") ? args.number("top-p", 1) : null;
        Long seed = args.has("seed") ? (long) args.integer("seed", 0) : null;
        String quant = args.string("quant", "none");
        Path adapter = args.has("adapter") ? Path.of(args.string("adapter", null)) : null;
        args.finish();

        try (LoadedModel loaded = LoadedModel.load(path, LoadedModel.quant(quant), adapter)) {
            ChatFormat format = new ChatFormat(loaded.tokenizer());
            Generator generator = new Generator(loaded.model(), loaded.eosIds());
            BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
            List<Message> history = new ArrayList<>();
            out.println("bedside chat — " + path.getFileName() + ". /reset starts over, /exit quits.");
            while (true) {
                out.print("\nyou> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) break;
                if (line.strip().equals("/reset")) {
                    history.clear();
                    out.println("(conversation cleared)");
                    continue;
                }
                if (line.isBlank()) continue;
                history.add(new Message("user", line));
                int[] ids = fitToContext(format, system, history, loaded.model().contextLength() - maxTokens);
                SamplingConfig sampling = loaded.sampling(temperature, topP, null, seed, maxTokens);
                StreamingText text = new StreamingText(loaded.tokenizer());
                StringBuilder reply = new StringBuilder();
                out.print("assistant> ");
                generator.generate(ids, sampling, id -> {
                    String piece = text.accept(id);
                    reply.append(piece);
                    out.print(piece);
                    out.flush();
                });
                String rest = text.finish();
                reply.append(rest);
                out.println(rest);
                history.add(new Message("assistant", reply.toString()));
            }
        }
        return 0;
    }

    /** The conversation's ids, dropping the oldest exchanges until it fits in {@code budget} tokens. */
    private static int[] fitToContext(ChatFormat format, String system, List<Message> history, int budget) {
        while (true) {
            List<Message> messages = new ArrayList<>();
            if (system != null) messages.add(new Message("system", system));
            messages.addAll(history);
            int[] ids = format.encode(messages, true);
            if (ids.length <= budget || history.size() <= 1) {
                if (ids.length > budget) throw new UsageException("the message alone (" + ids.length + " tokens) does not fit the context");
                return ids;
            }
            history.removeFirst();
            if (!history.isEmpty() && history.getFirst().role().equals("assistant")) history.removeFirst();
        }
    }
}
