package dev.bedside.eval.readability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Syllable counts of tricky words and texts. Every expected value was produced by the real npm package
 * {@code syllable} 5.0.1 (with pluralize 8.0.0 and normalize-strings 1.1.1) under Node 20: they are facts about
 * the reference, not our own output.
 */
class SyllableCounterTest {

    @ParameterizedTest(name = "{0} has {1} syllables")
    @CsvSource({
        "dementia, 3",
        "caregivers, 4",
        "recipes, 3",
        "peoples, 2",
        "queues, 1",
        "awesome, 2",
        "awed, 1",
        "special, 2",
        "initial, 3",
        "delicious, 4",
        "anxious, 3",
        "Asia, 1",
        "gorgeous, 2",
        "vogue, 1",
        "jumped, 1",
        "lovely, 2",
        "business, 2",
        "named, 1",
        "names, 1",
        "bridge, 1",
        "happiest, 3",
        "video, 3",
        "rhythm, 2",
        "didnt, 2",
        "acuity, 4",
        "idea, 3",
        "react, 2",
        "absorbed, 3",
        "shred, 1",
        "being, 2",
        "user, 2",
        "create, 2",
        "creature, 2",
        "actual, 3",
        "reappear, 3",
        "theist, 2",
        "alien, 3",
        "variety, 4",
        "audience, 3",
        "skiing, 2",
        "ethereal, 4",
        "reality, 4",
        "neon, 2",
        "player, 2",
        "trivia, 3",
        "unhappy, 3",
        "forecast, 2",
        "safely, 2",
        "nations, 2",
        "overeat, 3",
        "carefully, 3",
        "strawberry, 3",
        "carrying, 3",
        "biology, 4",
        "creations, 3",
        "psychoeducational, 6",
        "multidisciplinary, 7",
        "socioeconomic, 7",
        "McDonald, 3",
        "coalition, 4",
        "iambic, 3",
        "Hawaii, 4",
        "Giuliani, 5",
        "quaint, 1",
        "plateau, 2",
        "beautiful, 3",
        "children, 2",
        "criteria, 4",
        "knives, 1",
        "hyperboles, 4",
        "abeds, 2",
        "queued, 2",
        "snuffleupaguses, 5",
        "epitomes, 4",
        "pulses, 1",
        "mmm, 1",
        "it, 1"
    })
    void word(String word, int expected) {
        assertEquals(expected, SyllableCounter.count(word));
    }

    @ParameterizedTest(name = "[{0}] has {1} syllables")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`café` | 2",
        "`naïve` | 2",
        "`Zoë` | 2",
        "`straße` | 2",
        "`Ærø` | 1",
        "`İstanbul` | 3",
        "`don't` | 1",
        "`Chloe's` | 2",
        "`well-being` | 3",
        "`T2DM` | 1",
        "`1,250` | 0",
        "`a.m.` | 2",
        "`` | 0",
        "`hello world` | 3",
        "`The quick brown fox jumps over the lazy dog.` | 11",
        "`caregiver_support` | 6",
        "`ﬁre` | 1"
    })
    void text(String text, int expected) {
        assertEquals(expected, SyllableCounter.count(text));
    }
}
