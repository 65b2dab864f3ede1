package dev.bedside.dpo.pairs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.bedside.dpo.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upvote-ranked answers into pairs: on a hand-made file, then on the shared CounselChat file in place. */
class CounselChatTest {
    @TempDir
    Path temp;

    @Test
    void moreUpvotedIsChosenTiesAndCopiesGiveNoPair() throws Exception {
        Path csv = temp.resolve("cc.csv");
        Files.writeString(csv, """
                questionID,questionTitle,questionText,topic,answerText,upvotes
                1,Title one,"Text, one",anxiety,low,0
                1,Title one,"Text, one",anxiety,high,5
                1,Title one,"Text, one",anxiety,mid,2
                2,Title two,,grief,same,3
                2,Title two,,grief,tie,3
                3,Title three,Three,sleep,copy,4
                3,Title three,Three,sleep,copy,1
                """);
        List<TextPair> all = CounselChat.pairs(csv, 10);
        assertEquals(List.of(
                new TextPair("Text, one", " high", " low", "counselchat-1", "anxiety"),   // gap 5 first
                new TextPair("Text, one", " high", " mid", "counselchat-1", "anxiety"),   // gap 3
                new TextPair("Text, one", " mid", " low", "counselchat-1", "anxiety")),  // gap 2
                all);
        assertEquals(all.subList(0, 1), CounselChat.pairs(csv, 1));
    }

    @Test
    void sharedCounselChatFile() throws Exception {
        Path csv = Shared.root().resolve("data/counsel-chat/counsel_chat.csv");
        Assumptions.assumeTrue(Files.isRegularFile(csv), "../shared/data/counsel-chat/counsel_chat.csv absent: skipping");
        // shared README: 2,775 answers to 940 questions
        List<List<String>> records = Csv.parse(Files.readString(csv), csv.toString());
        assertEquals(2775 + 1, records.size());
        Set<String> questions = new HashSet<>();
        for (List<String> r : records.subList(1, records.size())) questions.add(r.getFirst());
        assertEquals(940, questions.size());
        // pair counts from Python's csv module over the same rules (answers with different upvotes and texts):
        // 255 questions give a pair; 566 pairs at ≤ 3 per question; 4,946 uncapped
        assertEquals(255, CounselChat.pairs(csv, 1).size());
        List<TextPair> pairs = CounselChat.pairs(csv, 3);
        assertEquals(566, pairs.size());
        assertEquals(4946, CounselChat.pairs(csv, 100_000).size());
        for (TextPair p : pairs) assertNotEquals(p.chosen(), p.rejected());
    }
}
