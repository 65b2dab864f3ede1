package dev.bedside.dpo.pairs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NearDuplicatesTest {
    @Test
    void trigramsAndJaccardByHand() {
        assertEquals(Set.of("a b c", "b c d"), NearDuplicates.trigrams("A b, c... d"));
        assertEquals(Set.of("a b"), NearDuplicates.trigrams("a b"));
        // {abc, bcd} vs {abc, bce}: 1 shared of 3 distinct
        assertEquals(1.0 / 3, NearDuplicates.jaccard(NearDuplicates.trigrams("a b c d"), NearDuplicates.trigrams("a b c e")), 1e-15);
        assertEquals(1.0, NearDuplicates.jaccard(Set.of("x y z"), Set.of("x y z")));
        assertEquals(0.0, NearDuplicates.jaccard(Set.of("x y z"), Set.of("u v w")));
    }

    @Test
    void keepsTheFirstOfACloseGroupAndComparesOnlyWithinATopic() {
        String answer = "one two three four five six seven eight nine ten";
        TextPair first = new TextPair("q", answer, "r s t u", "t1", "c");
        TextPair almost = new TextPair("q", answer + " eleven", "r s t u", "t1", "c");
        TextPair otherTopic = new TextPair("q", answer, "r s t u", "t2", "c");
        TextPair different = new TextPair("q", "alpha beta gamma delta", "r s t u", "t1", "c");
        // first vs almost: 11 shared 3-grams of 16 distinct (q one two … ten, r s t, s t u shared; 2 + 3 around "eleven" not)
        assertEquals(11.0 / 16, NearDuplicates.jaccard(NearDuplicates.trigrams(first), NearDuplicates.trigrams(almost)), 1e-15);
        NearDuplicates.Result result = new NearDuplicates(0.6).filter(List.of(first, almost, otherTopic, different));
        assertEquals(List.of(first, otherTopic, different), result.kept());
        assertEquals(1, result.removed());
        assertThrows(IllegalArgumentException.class, () -> new NearDuplicates(0));
    }
}
