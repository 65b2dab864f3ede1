package dev.bedside.dpo.caregiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The bundled corpus: size, coverage of every caregiving area, and the reader's line-and-field errors. */
class CaregiverCorpusTest {
    private static final String GOOD = """
            {"id":"a-topic","category":"sleep","question":"Why?","paraphrases":["How come?","What causes it?"],\
            "facts":[{"plain":"One.","clinical":"Uno."},{"plain":"Two.","clinical":"Dos."},{"plain":"Three.","clinical":"Tres."}]}""";

    @Test
    void bundledCorpusHasAtLeast150TopicsInEveryArea() {
        List<CaregiverTopic> topics = CaregiverCorpus.bundled();
        Map<String, Integer> perCategory = new TreeMap<>();
        for (CaregiverTopic t : topics) perCategory.merge(t.category(), 1, Integer::sum);
        int words = topics.stream().mapToInt(t -> String.join(" ", t.prompts()).split("\\s+").length
                + t.facts().stream().mapToInt(f -> (f.plain() + " " + f.clinical()).split("\\s+").length).sum()).sum();
        System.out.printf("caregiver corpus: %d topics, %d words, per area %s%n", topics.size(), words, perCategory);
        assertTrue(topics.size() >= 150, "only " + topics.size() + " topics");
        // the areas issue #7 lists, each with a real share of the topics
        for (String area : List.of("diagnosis", "memory-loss", "communication", "sundowning", "wandering", "bathing-dressing",
                "nutrition", "medication", "sleep", "agitation", "hospital", "legal-money", "respite-stress", "end-of-life")) {
            assertTrue(perCategory.getOrDefault(area, 0) >= 8, area + " has " + perCategory.get(area) + " topics");
        }
    }

    @Test
    void everyFactHasTwoDifferentRegistersAndEveryPromptIsDistinct() {
        Set<String> prompts = new HashSet<>();
        Set<String> plains = new HashSet<>();
        for (CaregiverTopic t : CaregiverCorpus.bundled()) {
            for (String p : t.prompts()) assertTrue(prompts.add(p), "prompt used twice: " + p);
            for (Fact f : t.facts()) {
                assertNotEquals(f.plain(), f.clinical(), t.id());
                assertTrue(plains.add(f.plain()), "plain fact used twice: " + f.plain());
                // the plain register uses shorter words than the clinical one (an independent proxy for jargon)
                assertTrue(meanWordLength(f.plain()) < meanWordLength(f.clinical()), t.id() + ": '" + f.plain() + "' vs '" + f.clinical() + "'");
            }
        }
    }

    /** Letters per word. */
    private static double meanWordLength(String text) {
        int words = 0, letters = 0;
        for (String w : text.split("[^A-Za-z]+")) {
            if (w.isEmpty()) continue;
            words++;
            letters += w.length();
        }
        return (double) letters / words;
    }

    @Test
    void readsAWellFormedLine() throws Exception {
        List<CaregiverTopic> topics = CaregiverCorpus.read(new StringReader("\n" + GOOD + "\n"), "t.jsonl");
        assertEquals(1, topics.size());
        assertEquals(List.of("Why?", "How come?", "What causes it?"), topics.getFirst().prompts());
        assertEquals(new Fact("Two.", "Dos."), topics.getFirst().facts().get(1));
    }

    @Test
    void errorsNameTheLineAndTheField() {
        assertError(GOOD + "\n" + GOOD.replace("\"question\":\"Why?\",", ""), "t.jsonl line 2, field 'question': missing");
        assertError(GOOD + "\n" + GOOD, "t.jsonl line 2, field 'id': duplicate id 'a-topic'");
        assertError(GOOD.replace("sleep", "cooking"), "line 1, field 'category': unknown category 'cooking'");
        assertError(GOOD.replace(",\"clinical\":\"Dos.\"", ""), "line 1, field 'facts[1].clinical': missing");
        assertError(GOOD.replace("Three.", "Three"), "line 1, field 'facts[2].plain': must end with . ! or ?");
        assertError(GOOD.replace(",\"What causes it?\"", ""), "line 1, field 'paraphrases': has 1 entries, expected 2 to 4");
        assertError(GOOD.replace("How come?", "Why?"), "line 1, field 'paraphrases[0]': repeats another wording");
        assertError(GOOD.replace("\"id\":\"a-topic\"", "\"id\":\"A Topic\""), "line 1, field 'id': 'A Topic' is not a lower-case slug");
        assertError(GOOD.replace("\"question\"", "\"questoin\""), "line 1, field 'questoin': unknown field");
        assertError("\n\n{not json", "line 3, field '(line)': not valid JSON");
    }

    private static void assertError(String text, String expected) {
        CorpusException e = assertThrows(CorpusException.class, () -> CaregiverCorpus.read(new StringReader(text), "t.jsonl"));
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
