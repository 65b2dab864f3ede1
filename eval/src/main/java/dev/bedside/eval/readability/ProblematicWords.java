package dev.bedside.eval.readability;

import java.util.HashMap;
import java.util.Map;

/**
 * Words whose syllables the rules get wrong, with their true counts: the {@code problematic} table of the npm
 * package {@code syllable} 5.0.1. This is data from that package (MIT licence, Copyright (c) 2014 Titus Wormer;
 * see {@code eval/THIRD-PARTY-NOTICES.md}); it must match exactly for counts to equal the reference.
 */
final class ProblematicWords {
    private ProblematicWords() {}

    /** Lower-case word → syllables. */
    static final Map<String, Integer> SYLLABLES = parse("""
            abalone 4, abare 3, abbruzzese 4, abed 2, aborigine 5, abruzzese 4,
            acreage 3, adame 3, adieu 2, adobe 3, anemone 4, anyone 3,
            apache 3, aphrodite 4, apostrophe 4, ariadne 4, cafe 2, calliope 4,
            catastrophe 4, chile 2, chloe 2, circe 2, coyote 3, daphne 2,
            epitome 4, eurydice 4, euterpe 3, every 2, everywhere 3, forever 3,
            gethsemane 4, guacamole 4, hermione 4, hyperbole 4, jesse 2, jukebox 2,
            karate 3, machete 3, maybe 2, naive 2, newlywed 3, penelope 4,
            people 2, persephone 4, phoebe 2, pulse 1, queue 1, recipe 3,
            riverbed 3, sesame 3, shoreline 2, simile 3, snuffleupagus 5, sometimes 2,
            syncope 3, tamale 3, waterbed 3, wednesday 2, yosemite 4, zoe 2
            """);

    private static Map<String, Integer> parse(String table) {
        var map = new HashMap<String, Integer>();
        for (String entry : table.strip().split(",\\s*")) {
            String[] wordAndCount = entry.split(" ");
            map.put(wordAndCount[0], Integer.parseInt(wordAndCount[1]));
        }
        return Map.copyOf(map);
    }
}
