package dev.bedside.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.autograd.Var;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.lora.LoraConfig;
import dev.bedside.model.LlamaModel;
import dev.bedside.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bedside eval} end to end on the tiny fixture model: the base model and an adapter on the same model,
 * readability metrics, every report written, and a killed run resumed to the same results.
 */
class EvalCommandTest {
    @TempDir static Path dir;
    private static Path tiny, data, adapter;

    @BeforeAll
    static void fixtures() throws Exception {
        tiny = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures", "tiny-llama31");
        Assumptions.assumeTrue(Files.isDirectory(tiny), "../shared/fixtures/tiny-llama31 absent: skipping the eval command test");
        data = Files.writeString(dir.resolve("questions.csv"), "question,answer,audience\r\n"
                + "\"My mother keeps asking the same question, what should I do?\",\"It is hard. Answer calmly, and gently.\",family\r\n"
                + "Is forgetfulness normal at 70?,\"Some is normal.\nSee a doctor if it grows.\",patient\r\n"
                + "What is sundowning?,Late-day confusion.,family\r\n", StandardCharsets.UTF_8);
        // An adapter whose B is not zero, so it changes the model's answers.
        adapter = dir.resolve("warm-adapter");
        try (LlamaModel model = LlamaModel.load(tiny, 256)) {
            LoraAdapter lora = LoraAdapter.attach(model, new LoraConfig(2, 8, 0, LoraConfig.KNOWN_TARGETS, false, null), 5);
            SplittableRandom random = new SplittableRandom(9);
            for (var e : lora.parameters().entrySet()) {
                if (!e.getKey().endsWith("lora_B.weight")) continue;
                Tensor b = e.getValue().value();
                for (int i = 0; i < b.shape()[0]; i++) for (int j = 0; j < b.shape()[1]; j++) b.set((float) random.nextGaussian() * 0.5f, i, j);
            }
            lora.save(adapter);
        }
    }

    private static int eval(String... args) throws Exception {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return EvalCommand.run(args, quiet, quiet);
    }

    private static List<String> common(Path out) {
        return new ArrayList<>(List.of("--model", tiny.toString(), "--data", data.toString(), "--out", out.toString(), "--limit", "2",
                "--max-tokens", "6", "--temperature", "0", "--metrics", "fk_grade,reading_ease", "--group-by", "audience", "--resamples", "200", "--quiet"));
    }

    @Test
    void evaluatesBaseAndAdapterWritesEveryReportAndResumes() throws Exception {
        Path out = dir.resolve("out");
        List<String> args = common(out);
        // The same adapter twice under two names: the second attaches only if the first was detached, and answers alike.
        args.addAll(List.of("--adapter", adapter.toString(), "--adapter", "again=" + adapter));
        assertEquals(0, eval(args.toArray(String[]::new)));

        for (String file : List.of("results_summary.json", "fk_grade.csv", "reading_ease.csv", "report.md", "report.html", "benchmark_table.tex")) {
            assertTrue(Files.size(out.resolve(file)) > 0, file);
        }
        JsonNode summary = new ObjectMapper().readTree(out.resolve("results_summary.json").toFile());
        assertEquals(List.of("base", "warm-adapter", "again"), iterable(summary.get("systems").fieldNames()));
        assertEquals("adapter", summary.get("systems").get("warm-adapter").get("kind").asText());
        assertEquals(2, summary.get("systems").get("base").get("answers").asInt());
        List<String> base = answers(out, "base"), adapted = answers(out, "warm-adapter");
        assertEquals(2, base.size());
        assertNotEquals(base, adapted, "the adapter changes the answers");
        // Greedy (temperature 0): sampling on the random model's nearly flat distribution would turn float rounding
        // differences between code paths into different tokens.
        assertEquals(adapted, answers(out, "again"), "the same adapter, loaded again, gives the same answers");

        // A killed run: the last answer and the scores after it are gone. Running again restores the same results.
        String before = Files.readString(out.resolve("results_summary.json"));
        Path answersFile = out.resolve("answers/warm-adapter.jsonl");
        Files.writeString(answersFile, Files.readAllLines(answersFile).getFirst() + "\n");
        Files.delete(out.resolve("scores/warm-adapter/fk_grade.jsonl"));
        Files.delete(out.resolve("answers/base.jsonl"));
        Files.delete(out.resolve("results_summary.json"));
        assertEquals(0, eval(args.toArray(String[]::new)));
        assertEquals(before, Files.readString(out.resolve("results_summary.json")));
        assertEquals(2, Files.readAllLines(answersFile).size());
        assertEquals(base, answers(out, "base"), "the base model answers again alike");
    }

    @Test
    void usageErrors() {
        UsageException none = assertThrows(UsageException.class, () -> eval("--data", data.toString(), "--out", dir.resolve("x").toString()));
        assertTrue(none.getMessage().startsWith("nothing to evaluate"), none.getMessage());
        UsageException metric = assertThrows(UsageException.class, () -> eval("--data", data.toString(), "--out", dir.resolve("y").toString(),
                "--predictions", data.toString(), "--metrics", "fk_grade,bogus"));
        assertTrue(metric.getMessage().contains("unknown metric 'bogus'"), metric.getMessage());
        UsageException endpoint = assertThrows(UsageException.class, () -> eval("--data", data.toString(), "--out", dir.resolve("z").toString(),
                "--endpoint", "http://localhost:1"));
        assertTrue(endpoint.getMessage().contains("expected NAME=URL"), endpoint.getMessage());
    }

    private static List<String> answers(Path out, String system) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> answers = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("answers").resolve(system + ".jsonl"))) answers.add(json.readTree(line).get("answer").asText());
        return answers;
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
