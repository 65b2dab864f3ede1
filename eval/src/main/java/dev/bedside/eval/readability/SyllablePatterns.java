package dev.bedside.eval.readability;

import java.util.regex.Pattern;

/**
 * The spelling patterns the syllable counter uses to correct a plain count of vowel groups. They are the
 * expressions of the npm package {@code syllable} 5.0.1 (MIT licence, Copyright (c) 2014 Titus Wormer; see
 * {@code eval/THIRD-PARTY-NOTICES.md}), regrouped here one alternative per line with an example of why. The
 * alternatives and their order must stay exactly as they are: a different order can change which text one match
 * consumes and so how many matches follow.
 *
 * <p>All patterns run on a word of lower-case ASCII letters only.
 */
final class SyllablePatterns {
    private SyllablePatterns() {}

    private static Pattern anyOf(String... alternatives) {
        return Pattern.compile(String.join("|", alternatives));
    }

    // ---- Affixes with a known count: each match is counted and cut out before vowel groups are counted. ----

    /** Three-syllable endings. */
    static final Pattern TRIPLE_SUFFIX = Pattern.compile("(creations?|ology|ologist|onomy|onomist)$");

    /** Two-syllable prefixes and endings. */
    static final Pattern DOUBLE_AFFIX = anyOf(
        // over-, under-, anti-, micro-, ...: two syllables however the vowels look ("overeat").
        "^(?:above|anti|ante|counter|hyper|afore|agri|infra|intra|inter|over|semi|ultra|under|extra|dia|micro"
            + "|mega|kilo|pico|nano|macro|somer)",
        // -fully, -berry, -woman, -edly, -union, and -ying/-yeing after a letter ("carrying", "dyeing").
        "(?:fully|berry|woman|women|edly|union|((?:[bcdfghjklmnpqrstvwxz])|[aeiou])ye?ing)$");

    /** One-syllable prefixes and endings. */
    static final Pattern SINGLE_AFFIX = anyOf(
        // un-, fore-, out-, pre-, dis-, some-, ...: one syllable, and a silent e inside ("forecast") is skipped.
        "^(?:un|fore|ware|none?|out|post|sub|pre|pro|dis|side|some)",
        // -ly, -less, -ful, -ness, -ment(s), -tion(s), ...: one syllable each ("safely", "nations").
        "(?:ly|less|some|ful|ers?|ness|cians?|ments?|ettes?|villes?|ships?|sides?|ports?|shires?"
            + "|[gnst]ion(?:ed|s)?)$");

    // ---- Two vowel groups that are one syllable: subtract one per match. ----

    static final Pattern ONE_NOT_TWO = anyOf(
        "awe($|d|so)",          // "awe", "awed", "awesome": the e after aw is silent
        "cia(?:l|$)",           // "special", "acacia": ci-a glides into one "sha"
        "tia",                  // "initial", "martian": ti-a is one "sha"
        "cius",                 // "Lucius": ci-u is one "shu"
        "cious",                // "delicious": one "shus"
        "[^aeiou]giu",          // "Giuliani": the i only softens the g
        "[aeiouy][^aeiouy]ion", // "oblivion": -ion after a vowel and a consonant is one "yun" (cancels i-o below)
        "iou",                  // "anxious": cancels the +1 for three vowels in a row
        "sia$",                 // "Asia", "Russia": final -sia is one "zha"
        "eous$",                // "gorgeous": final -eous is one "us"
        "[oa]gue$",             // "vogue", "league": final -ue is silent
        ".[^aeiuoycgltdb]{2,}ed$", // "jumped", "worked": -ed after two consonants adds no syllable
        ".ely$",                // "lovely": the e before -ly is silent
        "^jua",                 // "Juan": ju-a is one "wa"
        "uai",                  // "quaint": cancels the +1 for three vowels in a row
        "eau",                  // "plateau": cancels the +1 for three vowels in a row
        "^busi$",               // "business" once -ness is cut: "busi" is one "biz"
        // -ed after a vowel and one of these consonant groups is silent ("named", "judged", "laughed").
        "(?:[aeiouy](?:[bcfgklmnprsvwxyz]|ch|dg|g[hn]|lch|l[lv]|mm|nch|n[cgn]|r[bcnsv]|squ|s[chkls]|th)ed$)",
        // -es after a vowel and one of these consonant groups is silent ("names", "likes", "lathes").
        "(?:[aeiouy](?:[bdfklmnprstvy]|ch|g[hn]|lch|l[lv]|mm|nch|nn|r[nsv]|squ|s[cklst]|th)es$)");

    /** A final silent e after a vowel and a consonant group ("make", "bridge", "fine"). Subtract one per match. */
    static final Pattern SILENT_FINAL_E = Pattern.compile(
        "[aeiouy](?:[bcdfgklmnprstvyz]|ch|dg|g[hn]|l[lv]|mm|n[cgns]|r[cnsv]|squ|s[cklst]|th)e$");

    // ---- One vowel group (or none) that is two syllables: add one per match. ----

    /** Endings that hide an extra syllable. */
    static final Pattern TWO_NOT_ONE_AT_END = Pattern.compile("(?:" + String.join("|",
        "([^aeiouy])\\1l",      // "bottlers" once -ers is cut ("bottl"): a syllabic l after a double consonant
        "[^aeiouy]ie(?:r|s?t)", // "happier", "happiest": i-er, i-est
        "[aeiouym]bl",          // "tumblers" once -ers is cut ("tumbl"): a syllabic l after b
        "eo",                   // "video", "rodeo": e-o
        "ism",                  // "autism": is-m is "iz-em"
        "asm",                  // "spasm": "az-em"
        "thm",                  // "rhythm": "th-em"
        "dnt",                  // "didnt" (apostrophe gone): "did-ent"
        "snt",                  // "isnt", "wasnt": "iz-ent"
        "uity",                 // "acuity": u-i-ty
        "dea",                  // "idea": e-a
        "gean",                 // "Aegean": e-an
        "oa",                   // "boa": o-a
        "ua",                   // "agua": u-a
        "react?",               // "react", "reaction" once -tion is cut ("reac"): re-a
        "orbed",                // "absorbed": cancels the two-consonant -ed rule above
        "shred",                // "shred": cancels the two-consonant -ed rule above
        "eings?",               // "being", "seeings": e-ing
        "[aeiouy]sh?e[rs]")     // "user", "uses", "washer": the e before -r/-s is sounded
        + ")$");

    /** Vowel pairs anywhere that are two syllables. */
    static final Pattern TWO_NOT_ONE_A = anyOf(
        "creat(?!u)",           // "create": cre-ate (but "creature")
        "[^gq]ua[^auieo]",      // "dual", "actual": u-a (not in "quad", "guard")
        "[aeiou]{3}",           // three vowels in a row span two syllables ("gooey")
        "^(?:ia|mc|coa[dglx].)", // "iambic", "mccoy", "coalition"
        "^re(app|es|im|us)",    // "reappear", "reuse": re- before a vowel is its own syllable
        "(th|d)eist");          // "theist", "deist": e-ist

    /** More vowel pairs anywhere that are two syllables. */
    static final Pattern TWO_NOT_ONE_B = anyOf(
        "[^aeiou]y[ae]",        // "flyer", "bryan": y is a vowel, then a or e
        "[^l]lien",             // "alien", "client": li-en
        "riet",                 // "variety": ri-et
        "dien",                 // "audience": di-en
        "iu",                   // "stadium": i-u
        "io",                   // "radio": i-o
        "ii",                   // "skiing": i-i
        "uen",                  // "fluent": u-en
        "[aeilotu]real",        // "ethereal": e-real
        "real[aeilotu]",        // "reality": re-al
        "iell",                 // "Gabriella": i-ell
        "eo[^aeiou]",           // "neon", "geology": e-o
        "[aeiou]y[aeiou]");     // "player", "buyer": y between vowels starts a syllable

    /** i-a, except in -sia ("media", "trivia"); counted at most once per word. */
    static final Pattern TWO_NOT_ONE_IA = Pattern.compile("[^s]ia");
}
