package dev.bedside.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.bedside.autograd.Autograd;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.generate.Generator;
import dev.bedside.model.generate.SamplingConfig;
import dev.bedside.model.tokenizer.Tokenizer;
import dev.bedside.model.tokenizer.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code generate --adapter DIR}: the continuation of the model with that PEFT adapter attached, as the lora module loads it. */
class GenerateAdapterTest {

    @Test
    void greedyWithAnAdapterEqualsTheModelWithTheAdapterAttached() throws Exception {
        Path shared = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures");
        Path tiny = shared.resolve("tiny-llama31"), adapter = shared.resolve("dpo").resolve("sgd_step_adapter");
        Assumptions.assumeTrue(Files.isDirectory(tiny) && Files.isDirectory(adapter),
                "../shared/fixtures (tiny-llama31, dpo) absent: skipping generate --adapter");
        String prompt = "My mother keeps asking the same question.";

        String withAdapter = generate(tiny, prompt, "--adapter", adapter.toString());
        assertEquals(inProcess(tiny, adapter, prompt), withAdapter);
        assertEquals(inProcess(tiny, null, prompt), generate(tiny, prompt));
        assertNotEquals("", withAdapter);
    }

    private static String generate(Path model, String prompt, String... extra) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        String[] argv = new String[8 + extra.length];
        String[] base = {"--model", model.toString(), "--prompt", prompt, "--max-tokens", "8", "--temperature", "0"};
        System.arraycopy(base, 0, argv, 0, base.length);
        System.arraycopy(extra, 0, argv, base.length, extra.length);
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            assertEquals(0, GenerateCommand.run(argv, o, e), err.toString(StandardCharsets.UTF_8));
        }
        String text = out.toString(StandardCharsets.UTF_8);
        return text.endsWith(System.lineSeparator()) ? text.substring(0, text.length() - System.lineSeparator().length()) : text;
    }

    private static String inProcess(Path tiny, Path adapter, String prompt) throws Exception {
        try (LlamaModel model = LlamaModel.load(tiny)) {
            if (adapter != null) LoraAdapter.load(model, adapter);
            Tokenizer tokenizer = Tokenizers.load(tiny);
            Set<Integer> eos = new TreeSet<>(model.eosIds());
            eos.addAll(tokenizer.eosIds());
            try (var scope = Autograd.noGrad()) {
                Generator.Result result = new Generator(model, eos).generate(tokenizer.encode(prompt, true), SamplingConfig.greedy(8), id -> {});
                return tokenizer.decode(result.tokens());
            }
        }
    }
}
