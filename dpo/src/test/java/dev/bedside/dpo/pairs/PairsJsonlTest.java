package dev.bedside.dpo.pairs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bedside.dpo.Shared;
import dev.bedside.dpo.caregiver.CaregiverCorpus;
import dev.bedside.dpo.caregiver.GeneratedPair;
import dev.bedside.dpo.caregiver.PairGenerator;
import dev.bedside.dpo.data.DataException;
import dev.bedside.dpo.data.PreferenceData;
import dev.bedside.dpo.data.PromptTemplate;
import dev.bedside.dpo.data.Truncation;
import dev.bedside.model.tokenizer.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pairs file round-trips, the paper's file reads as it is, and the DPO loader takes what we write. */
class PairsJsonlTest {
    @TempDir
    Path temp;

    @Test
    void writesAndReadsBack() throws Exception {
        List<TextPair> pairs = List.of(new TextPair("Q \"1\"?", "warm\nanswer", "cold", "t-1", "sleep"), new TextPair("Q2", "a", "b", "", ""));
        Path file = temp.resolve("p.jsonl");
        PairsJsonl.write(file, pairs);
        assertEquals(pairs, PairsJsonl.read(file));
        assertEquals("{\"prompt\":\"Q2\",\"chosen\":\"a\",\"rejected\":\"b\"}", Files.readAllLines(file).get(1));
        Files.writeString(file, "{\"prompt\":\"q\",\"chosen\":\"a\"}\n");
        DataException e = assertThrows(DataException.class, () -> PairsJsonl.read(file));
        assertTrue(e.getMessage().contains("line 1: 'rejected' must be a non-empty string"), e.getMessage());
    }

    @Test
    void readsThePapersFileAsItIs() throws Exception {
        List<TextPair> pairs = PairsJsonl.read(Shared.empathyPairs());
        assertEquals(999, pairs.size());   // shared README: 999 pairs
        assertTrue(pairs.stream().allMatch(p -> p.topicId().isEmpty()));
    }

    @Test
    void theDpoLoaderTakesGeneratedPairs() throws Exception {
        Path tiny = Shared.tinyModel();
        List<TextPair> pairs = new PairGenerator(CaregiverCorpus.bundled(), new dev.bedside.dpo.pairs.NearDuplicates(0.8))
                .generate(50, 1).pairs().stream().map(GeneratedPair::text).toList();
        Path file = temp.resolve("pairs.jsonl");
        PairsJsonl.write(file, pairs);
        var tokenizer = Tokenizers.load(tiny);
        for (PromptTemplate template : PromptTemplate.values()) {   // TRL's plain concatenation and the paper's template
            PreferenceData.Loaded loaded = PreferenceData.load(file, tokenizer, template, new Truncation(1024, null, Truncation.Mode.KEEP_START), true);
            assertEquals(50, loaded.pairs().size());
            assertTrue(loaded.skipped().isEmpty());
        }
    }
}
