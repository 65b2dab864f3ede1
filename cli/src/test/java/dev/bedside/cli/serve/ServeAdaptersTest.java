package dev.bedside.cli.serve;

import static dev.bedside.cli.serve.TestServer.JSON;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedside.autograd.Autograd;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.generate.Generator;
import dev.bedside.model.generate.SamplingConfig;
import dev.bedside.model.tokenizer.Tokenizer;
import dev.bedside.model.tokenizer.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * LoRA adapters served beside the base model (the DPO fixture's two PEFT adapters): each id answers as the model
 * with that adapter attached in-process does, and requests for different adapters at once do not disturb each other.
 */
class ServeAdaptersTest {
    private static final List<String> IDS = List.of("tiny-llama31", "policy", "stepped");

    @Test
    void eachModelIdAnswersWithItsAdapterAndConcurrentMixesStayApart() throws Exception {
        Path dpo = Path.of(System.getProperty("bedside.shared", "../shared"), "fixtures", "dpo");
        Assumptions.assumeTrue(Files.isDirectory(dpo), "../shared/fixtures/dpo absent: skipping adapter serving");
        Path policy = dpo.resolve("adapter_init"), stepped = dpo.resolve("sgd_step_adapter");
        try (TestServer server = TestServer.start("--adapter", "policy=" + policy, "--adapter", "stepped=" + stepped, "--max-concurrent", "6")) {
            List<String> listed = new ArrayList<>();
            JSON.readTree(server.get("/v1/models").body()).get("data").forEach(m -> listed.add(m.get("id").asText()));
            assertEquals(IDS, listed);

            // Each id greedy through the server equals generation in-process with that adapter attached.
            String prompt = "Hello world";
            List<Double> firstLogprobs = new ArrayList<>();
            for (String id : IDS) {
                Path adapter = id.equals("policy") ? policy : id.equals("stepped") ? stepped : null;
                JsonNode r = server.postJson("/v1/completions", "{\"model\":\"" + id + "\",\"prompt\":\"" + prompt
                        + "\",\"max_tokens\":8,\"temperature\":0,\"logprobs\":1}");
                JsonNode choice = r.get("choices").get(0);
                assertEquals(inProcess(adapter, prompt, 8), choice.get("text").asText(), id);
                firstLogprobs.add(choice.get("logprobs").get("token_logprobs").get(0).asDouble());
            }
            // The adapters change the model: the first token's log-prob moves.
            assertTrue(Math.abs(firstLogprobs.get(0) - firstLogprobs.get(1)) > 1e-3, firstLogprobs.toString());
            assertTrue(Math.abs(firstLogprobs.get(1) - firstLogprobs.get(2)) > 1e-6, firstLogprobs.toString());

            // Interleaved: every model id at once, each answer as it was alone.
            List<String> questions = List.of("How do I help my father?", "What is a good routine?", "Why does she forget?");
            List<Answer> alone = new ArrayList<>();
            for (String id : IDS) for (String q : questions) alone.add(Answer.of(server, id, q, 6, false));
            List<String> problems = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<String>> futures = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < alone.size(); i++) {
                        int index = i;
                        boolean stream = (round + i) % 2 == 0;
                        futures.add(pool.submit(() -> {
                            Answer a = Answer.of(server, IDS.get(index / questions.size()), questions.get(index % questions.size()), 6, stream);
                            String problem = alone.get(index).differenceFrom(a);
                            return problem == null ? null : IDS.get(index / questions.size()) + " / " + index + ": " + problem;
                        }));
                    }
                }
                for (Future<String> f : futures) if (f.get() != null) problems.add(f.get());
            }
            assertEquals(List.of(), problems);
        }
    }

    /** Greedy text from the tiny model with the adapter (or none) attached, as the lora module loads it. */
    private static String inProcess(Path adapter, String prompt, int maxTokens) throws Exception {
        Path tiny = TestServer.tinyModel();
        try (LlamaModel model = LlamaModel.load(tiny)) {
            if (adapter != null) LoraAdapter.load(model, adapter);
            Tokenizer tokenizer = Tokenizers.load(tiny);
            Set<Integer> eos = new TreeSet<>(model.eosIds());
            eos.addAll(tokenizer.eosIds());
            Generator.Result result;
            try (var scope = Autograd.noGrad()) {
                result = new Generator(model, eos).generate(tokenizer.encode(prompt, true), SamplingConfig.greedy(maxTokens), id -> {});
            }
            return tokenizer.decode(result.tokens());
        }
    }
}
