package dev.bedside.eval.readability;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The singular of an English word, as {@code pluralize(word, 1)} of the npm package {@code pluralize} 8.0.0 gives
 * it. The syllable counter only needs it to find plurals of its problematic words ({@code recipes} → {@code recipe}),
 * but it reproduces the whole singular path so that it never finds a word the reference would miss, or the reverse.
 *
 * <p>The irregular pairs, uncountable words and rules below are data from {@code pluralize} 8.0.0 (MIT licence,
 * Copyright (c) 2013 Blake Embrey; see {@code eval/THIRD-PARTY-NOTICES.md}). Only the singular direction is here.
 * Works on lower-case words (the syllable counter passes nothing else).
 */
final class Singularizer {
    private Singularizer() {}

    /**
     * Singular/plural pairs that no rule derives, in pluralize's order. Where one plural has several singulars
     * ({@code they}: he, she), the later pair wins, as in pluralize.
     */
    private static final String[][] IRREGULAR = {
        {"i", "we"}, {"me", "us"}, {"he", "they"}, {"she", "they"}, {"them", "them"},
        {"myself", "ourselves"}, {"yourself", "yourselves"}, {"itself", "themselves"}, {"herself", "themselves"},
        {"himself", "themselves"}, {"themself", "themselves"}, {"is", "are"}, {"was", "were"}, {"has", "have"},
        {"this", "these"}, {"that", "those"},
        {"echo", "echoes"}, {"dingo", "dingoes"}, {"volcano", "volcanoes"}, {"tornado", "tornadoes"},
        {"torpedo", "torpedoes"},
        {"genus", "genera"}, {"viscus", "viscera"},
        {"stigma", "stigmata"}, {"stoma", "stomata"}, {"dogma", "dogmata"}, {"lemma", "lemmata"},
        {"schema", "schemata"}, {"anathema", "anathemata"},
        {"ox", "oxen"}, {"axe", "axes"}, {"die", "dice"}, {"yes", "yeses"}, {"foot", "feet"}, {"eave", "eaves"},
        {"goose", "geese"}, {"tooth", "teeth"}, {"quiz", "quizzes"}, {"human", "humans"}, {"proof", "proofs"},
        {"carve", "carves"}, {"valve", "valves"}, {"looey", "looies"}, {"thief", "thieves"},
        {"groove", "grooves"}, {"pickaxe", "pickaxes"}, {"passerby", "passersby"},
    };

    private static final Set<String> KNOWN_SINGULARS = new HashSet<>();
    private static final Map<String, String> SINGULAR_OF_PLURAL = new HashMap<>();

    static {
        for (String[] pair : IRREGULAR) {
            KNOWN_SINGULARS.add(pair[0]);
            SINGULAR_OF_PLURAL.put(pair[1], pair[0]);
        }
    }

    /** Words with no separate plural: left as they are. */
    private static final Set<String> UNCOUNTABLE = Set.of(
        "adulthood", "advice", "agenda", "aid", "aircraft", "alcohol", "ammo", "analytics", "anime", "athletics",
        "audio", "bison", "blood", "bream", "buffalo", "butter", "carp", "cash", "chassis", "chess", "clothing",
        "cod", "commerce", "cooperation", "corps", "debris", "diabetes", "digestion", "elk", "energy", "equipment",
        "excretion", "expertise", "firmware", "flounder", "fun", "gallows", "garbage", "graffiti", "hardware",
        "headquarters", "health", "herpes", "highjinks", "homework", "housework", "information", "jeans",
        "justice", "kudos", "labour", "literature", "machinery", "mackerel", "mail", "media", "mews", "moose",
        "music", "mud", "manga", "news", "only", "personnel", "pike", "plankton", "pliers", "police", "pollution",
        "premises", "rain", "research", "rice", "salmon", "scissors", "series", "sewage", "shambles", "shrimp",
        "software", "species", "staff", "swine", "tennis", "traffic", "transportation", "trout", "tuna", "wealth",
        "welfare", "whiting", "wildebeest", "wildlife", "you");

    /** A suffix rule: the first match of {@code pattern} is replaced ({@code $n} names a group). */
    private record Rule(Pattern pattern, String replacement) {
        Rule(String regex, String replacement) { this(Pattern.compile(regex), replacement); }
    }

    /**
     * The rules, the first that matches wins. pluralize declares them in the opposite order and tries the last
     * declared first; this list is already in trying order.
     */
    private static final List<Rule> RULES = List.of(
        // Uncountable by ending: keep the word ("sheep", "smallpox", "nervous", "measles", "fish", "deer", "chinese").
        new Rule("sheep$", "$0"),
        new Rule("pox$", "$0"),
        new Rule("o[iu]s$", "$0"),
        new Rule("measles$", "$0"),
        new Rule("fish$", "$0"),
        new Rule("deer$", "$0"),
        new Rule("[^aeiou]ese$", "$0"),
        new Rule("pok[eé]mon$", "$0"),
        // Latin, Greek and other irregular endings.
        new Rule("men$", "man"),                                  // women → woman
        new Rule("(eau)x?$", "$1"),                               // chateaux → chateau
        new Rule("(child)ren$", "$1"),                            // children → child
        new Rule("(pe)(rson|ople)$", "$1rson"),                   // people → person
        new Rule("(matr|append)ices$", "$1ix"),                   // matrices → matrix
        new Rule("(cod|mur|sil|vert|ind)ices$", "$1ex"),          // indices → index
        new Rule("(alumn|alg|vertebr)ae$", "$1a"),                // vertebrae → vertebra
        new Rule("(apheli|hyperbat|periheli|asyndet|noumen|phenomen|criteri|organ|prolegomen|hedr|automat)a$",
                 "$1on"),                                         // criteria → criterion
        new Rule("(agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|candelabr|errat|ov|symposi|curricul"
                 + "|quor)a$", "$1um"),                           // bacteria → bacterium
        new Rule("(alumn|syllab|vir|radi|nucle|fung|cact|stimul|termin|bacill|foc|uter|loc|strat)(?:us|i)$",
                 "$1us"),                                         // fungi → fungus
        new Rule("(test)(?:is|es)$", "$1is"),                     // testes → testis
        new Rule("(movie|twelve|abuse|e[mn]u)s$", "$1"),          // movies → movie (not "movy")
        new Rule("(analy|diagno|parenthe|progno|synop|the|empha|cri|ne)(?:sis|ses)$",
                 "$1sis"),                                        // diagnoses → diagnosis
        // Plurals in -es after a sibilant or -o: drop "es" ("boxes", "buses", "heroes").
        new Rule("(x|ch|ss|sh|zz|tto|go|cho|alias|[^aou]us|t[lm]as|gas|(?:her|at|gr)o|[aeiou]ris)(?:es)?$", "$1"),
        new Rule("(seraph|cherub)im$", "$1"),                     // cherubim → cherub
        new Rule("\\b((?:tit)?m|l)ice$", "$1ouse"),               // mice → mouse
        new Rule("\\b(mon|smil)ies$", "$1ey"),                    // monies → money
        new Rule("\\b([pl]|zomb|(?:neck|cross)?t|coll|faer|food|gen|goon|group|lass|talk|goal|cut)ies$",
                 "$1ie"),                                         // zombies → zombie
        new Rule("ies$", "y"),                                    // cities → city
        new Rule("(ar|(?:wo|[ae])l|[eo][ao])ves$", "$1f"),        // wolves → wolf
        new Rule("(wi|kni|(?:after|half|high|low|mid|non|night|[^\\w]|^)li)ves$", "$1fe"), // knives → knife
        new Rule("(ss)$", "$1"),                                  // glass stays glass
        new Rule("s$", ""));                                      // cats → cat

    /** The singular of {@code word}, lower case. */
    static String singular(String word) {
        String token = word.toLowerCase(Locale.ROOT);
        if (KNOWN_SINGULARS.contains(token)) return token;
        String irregular = SINGULAR_OF_PLURAL.get(token);
        if (irregular != null) return irregular;
        if (token.isEmpty() || UNCOUNTABLE.contains(token)) return token;
        for (Rule rule : RULES) {
            Matcher matcher = rule.pattern().matcher(token);
            if (matcher.find()) return matcher.replaceFirst(rule.replacement());
        }
        return token;
    }
}
