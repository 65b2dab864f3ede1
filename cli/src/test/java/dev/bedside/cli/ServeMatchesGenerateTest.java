package dev.bedside.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.cli.serve.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Greedy output through the server equals {@code bedside generate} for the same prompt, plain and in the chat format. */
class ServeMatchesGenerateTest {

    private static String generate(String... extra) throws Exception {
        String[] argv = new String[6 + extra.length];
        System.arraycopy(new String[] {"--model", TestServer.tinyModel().toString(), "--max-tokens", "12", "--temperature", "0"}, 0, argv, 0, 6);
        System.arraycopy(extra, 0, argv, 6, extra.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            assertEquals(0, GenerateCommand.run(argv, print, new PrintStream(new ByteArrayOutputStream())));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void greedyAnswersEqualGenerate() throws Exception {
        String plain = generate("--prompt", "The caregiver said");
        String chat = generate("--prompt", "How do I stay patient?", "--system", "Be kind.");
        try (TestServer server = TestServer.start()) {
            String served = server.postJson("/v1/completions", "{\"prompt\":\"The caregiver said\",\"max_tokens\":12,\"temperature\":0}")
                    .get("choices").get(0).get("text").asText();
            assertEquals(plain, served + System.lineSeparator());
            String servedChat = server.postJson("/v1/chat/completions", "{\"messages\":[{\"role\":\"system\",\"content\":\"Be kind.\"},"
                    + "{\"role\":\"user\",\"content\":\"How do I stay patient?\"}],\"max_tokens\":12,\"temperature\":0}")
                    .get("choices").get(0).get("message").get("content").asText();
            assertEquals(chat, servedChat + System.lineSeparator());
        }
    }
}
