package dev.bedside.eval.pairs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bedside.dpo.caregiver.CaregiverCorpus;
import dev.bedside.dpo.caregiver.GeneratedPair;
import dev.bedside.dpo.caregiver.PairGenerator;
import dev.bedside.dpo.pairs.NearDuplicates;
import dev.bedside.eval.chat.ChatBackend;
import dev.bedside.eval.chat.ChatMessage;
import dev.bedside.eval.chat.ChatOptions;
import dev.bedside.eval.chat.ChatReply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Model-written pairs with a scripted backend: the requests carry the facts, and the checks decide. */
class ModelPairWriterTest {
    private static final GeneratedPair RULE = new PairGenerator(CaregiverCorpus.bundled(), new NearDuplicates(0.8)).generate(1, 1).pairs().getFirst();

    /** Answers with the warm text to requests whose system message asks for plain words, else the cold one. */
    private record Scripted(String warm, String cold, List<List<ChatMessage>> seen) implements ChatBackend {
        public String name() { return "scripted"; }
        public ChatReply complete(List<ChatMessage> messages, ChatOptions options) {
            seen.add(messages);
            return new ChatReply(messages.getFirst().content().contains("plain everyday words") ? warm : cold, List.of(), "");
        }
    }

    private static final String WARM = "I am so sorry, that sounds hard. It is normal to feel this way. Keep the room warm. Would you like more ideas?";
    private static final String COLD = "Thermoregulatory optimization of the environment is mandatory. Compliance is expected.";

    @Test
    void aPairThatPassesTheChecksIsTheModels() throws Exception {
        Scripted backend = new Scripted(WARM, COLD, new ArrayList<>());
        ModelPairWriter.Outcome outcome = new ModelPairWriter(backend, ChatOptions.PAPER).write(RULE);
        assertTrue(outcome.modelWritten(), outcome.fallbackReason());
        assertEquals(" " + WARM, outcome.pair().chosen());
        assertEquals(" " + COLD, outcome.pair().rejected());
        assertEquals(RULE.prompt(), outcome.pair().prompt());
        // the warm request carries the plain facts, the cold one the clinical facts, each asked with the question
        List<ChatMessage> warmRequest = backend.seen().get(0), coldRequest = backend.seen().get(1);
        for (int i : RULE.facts()) {
            assertTrue(warmRequest.getFirst().content().contains(RULE.topic().facts().get(i).plain()));
            assertTrue(coldRequest.getFirst().content().contains(RULE.topic().facts().get(i).clinical()));
        }
        assertEquals(RULE.prompt(), warmRequest.get(1).content());
    }

    @Test
    void aPairThatFailsKeepsTheRuleWrittenTextsAndSaysWhy() throws Exception {
        ModelPairWriter.Outcome swapped = new ModelPairWriter(new Scripted(COLD, WARM, new ArrayList<>()), ChatOptions.PAPER).write(RULE);
        assertFalse(swapped.modelWritten());
        assertEquals(RULE.text(), swapped.pair());
        assertEquals("chosen not easier to read (Flesch-Kincaid grade)", swapped.fallbackReason());
        String noQuestion = WARM.replace(" Would you like more ideas?", "");
        assertEquals("chosen does not invite follow-up (no question)",
                new ModelPairWriter(new Scripted(noQuestion, COLD, new ArrayList<>()), ChatOptions.PAPER).write(RULE).fallbackReason());
        assertEquals("empty answer", new ModelPairWriter(new Scripted("", COLD, new ArrayList<>()), ChatOptions.PAPER).write(RULE).fallbackReason());
    }
}
