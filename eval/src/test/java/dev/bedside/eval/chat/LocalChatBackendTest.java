package dev.bedside.eval.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.model.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tiny Llama 3.1 fixture as a chat backend, against the float64 reference in its {@code expected.json}: the
 * fixture's {@code chat} sequence is exactly the Llama 3.1 rendering of the system and user messages below.
 */
class LocalChatBackendTest {

    static final List<ChatMessage> CHAT = List.of(
        ChatMessage.system("You are a kind, careful assistant for family caregivers of people living with dementia. "
            + "Answer plainly and warmly."),
        ChatMessage.user("My father has Alzheimer's disease. He refuses to take a shower and gets angry when I "
            + "insist. What should I do?"));

    static Path dir;
    static LocalChatBackend backend;
    static JsonNode chatSequence;

    @BeforeAll
    static void load() throws Exception {
        dir = TinyModel.dir();
        backend = TinyModel.backend();
        for (JsonNode s : new ObjectMapper().readTree(dir.resolve("expected.json").toFile()).get("sequences")) {
            if (s.get("name").asText().equals("chat")) chatSequence = s;
        }
    }

    @Test
    void greedyAnswerAndLogprobsMatchTheReference() throws Exception {
        JsonNode reference = chatSequence.get("reference");
        ChatReply reply = backend.complete(CHAT, new ChatOptions(8, 0.0, 0, 5));

        JsonNode raw = new ObjectMapper().readTree(reply.raw());
        assertEquals(chatSequence.get("ids").size(), raw.get("prompt_tokens").asInt());
        int[] ids = new int[raw.get("token_ids").size()];
        for (int i = 0; i < ids.length; i++) ids[i] = raw.get("token_ids").get(i).asInt();
        int[] want = new int[reference.get("greedy").get("ids").size()];
        for (int i = 0; i < want.length; i++) want[i] = reference.get("greedy").get("ids").get(i).asInt();
        assertArrayEquals(want, ids);

        Tokenizer tokenizer = backend.tokenizer();
        assertEquals(tokenizer.decode(ids), reply.text());
        assertEquals(8, reply.tokens().size());

        // First generated token: the reference's top-5 at the prompt's last position, ids and log-probs.
        JsonNode topIds = reference.get("top_ids").get(chatSequence.get("ids").size() - 1);
        JsonNode topLogprobs = reference.get("top_logprobs").get(chatSequence.get("ids").size() - 1);
        ChatReply.TokenLogprob first = reply.tokens().getFirst();
        assertEquals(5, first.top().size());
        for (int i = 0; i < 5; i++) {
            assertEquals(tokenizer.decode(new int[] {topIds.get(i).asInt()}), first.top().get(i).token(), "rank " + i);
            assertEquals(topLogprobs.get(i).asDouble(), first.top().get(i).logprob(), 1e-4, "rank " + i);
        }
        assertEquals(topLogprobs.get(0).asDouble(), first.logprob(), 1e-4);
    }

    @Test
    void samplingIsReproducibleForASeedAndNoLogprobsUnlessAsked() throws Exception {
        ChatReply a = backend.complete(CHAT, new ChatOptions(4, 0.8, 11, 0));
        ChatReply b = backend.complete(CHAT, new ChatOptions(4, 0.8, 11, 0));
        assertEquals(a.text(), b.text());
        assertTrue(a.tokens().isEmpty());
    }

    @Test
    void aPromptLongerThanTheContextIsAClearError() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
            () -> backend.complete(List.of(ChatMessage.user("word ".repeat(1100))), new ChatOptions(4, 0, 0, 0)));
        assertTrue(e.getMessage().contains("context of 1024"), e.getMessage());
    }

    @Test
    void topIdsAreTheLargestFirstWithTiesToTheLowerId() {
        double[] values = {0.5, 3.0, -1.0, 3.0, 2.0, 0.5};
        assertArrayEquals(new int[] {1, 3, 4}, LocalChatBackend.topIds(values, 3));
        assertArrayEquals(new int[] {1, 3, 4, 0, 5, 2}, LocalChatBackend.topIds(values, 10));
        assertArrayEquals(new int[] {1}, LocalChatBackend.topIds(values, 1));
    }
}
