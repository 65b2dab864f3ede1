package dev.bedside.eval.empathy;

import dev.bedside.eval.Metric;
import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import dev.bedside.eval.readability.SyllableCounter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code empathy_heuristic}: a fast, model-free signal of how warm an answer reads, for the terminal and for
 * tests. <b>It is a heuristic, not a measure of empathy and not a replacement for the judge</b>
 * ({@code geval_empathy}): it counts surface cues, so it can be fooled by an answer that says "I'm sorry" and
 * then lectures, and it knows nothing of whether the advice is right.
 *
 * <p>How it scores, in the range <b>−1 (cold) … +1 (warm)</b>:
 * <ol>
 *   <li>The answer is lower-cased, curly apostrophes made straight, and searched for the cue phrases of
 *       {@link EmpathyLexicon} in eight categories. Five count for warmth: <i>acknowledgement</i> of feelings
 *       ("I'm sorry", "that must be hard"), <i>validation</i> ("it's normal to", "you're not alone"),
 *       <i>support</i> addressed to the reader ("here to help", "you can try"), <i>follow-up</i> invitations
 *       ("feel free to", "talk to your doctor") and <i>plain words</i>. Three count against: <i>prescriptive</i>
 *       markers ("you must", "immediately", "it is imperative"), clinical <i>jargon</i> (a list of terms such as
 *       "neurodegenerative", "amyloid", "cholinesterase") and <i>cold</i> or condescending phrasing ("obviously",
 *       "don't bother").</li>
 *   <li>Each cue category gives a sub-score {@code min(matches, 2) / 2} in [0, 1]: two distinct matches
 *       saturate it, so a long answer cannot win by repetition. Jargon saturates at 3 terms instead.</li>
 *   <li>Plain words: the share {@code s} of words with three or more syllables (a rough count: vowel groups
 *       less a silent final e) gives {@code clamp((0.25 − s) / 0.15, 0, 1)}: 1 at 10% or fewer, 0 at 25% or more.</li>
 *   <li>{@code warmth} = mean of the five warm sub-scores, {@code coldness} = mean of the three cold ones,
 *       score = {@code warmth − coldness}.</li>
 * </ol>
 * {@link Score#details()} lists every matched cue per category, the sub-scores, warmth and coldness. On the
 * paper's 999 preference pairs the chosen answer scores higher than the rejected one for 919 (92.0%; 11 ties;
 * mean 0.17 against −0.15), measured with the lexicon as first written (see {@code EmpathyHeuristicTest}); that
 * ranking is what the heuristic is good for, not the absolute value.
 */
public final class EmpathyHeuristic implements Metric {

    /**
     * One cue category: its name, its patterns, how many matches saturate it. {@code any} is all the patterns in one
     * alternation: one quick test per word start, before the patterns are tried one by one for the longest match.
     */
    private record Category(String name, List<Pattern> patterns, Pattern any, int saturation, boolean warm) {
        Category(String name, List<Pattern> patterns, int saturation, boolean warm) {
            this(name, patterns, Pattern.compile(String.join("|", patterns.stream().map(p -> "(?:" + p.pattern() + ")")
                .toList())), saturation, warm);
        }
    }

    private static final List<Category> CATEGORIES = List.of(
        phrases("acknowledgement", EmpathyLexicon.ACKNOWLEDGEMENT, 2, true),
        phrases("validation", EmpathyLexicon.VALIDATION, 2, true),
        phrases("support", EmpathyLexicon.SUPPORT, 2, true),
        phrases("follow_up", EmpathyLexicon.FOLLOW_UP, 2, true),
        phrases("prescriptive", EmpathyLexicon.PRESCRIPTIVE, 2, false),
        new Category("jargon", EmpathyLexicon.JARGON.stream().map(EmpathyLexicon::wordStart).toList(), 3, false),
        phrases("cold", EmpathyLexicon.COLD, 2, false));

    private static final Pattern WORD = Pattern.compile("[a-z]+(?:'[a-z]+)*");

    private static Category phrases(String name, List<String> regexes, int saturation, boolean warm) {
        return new Category(name, regexes.stream().map(EmpathyLexicon::phrase).toList(), saturation, warm);
    }

    /** The score and everything behind it. */
    public record Result(double score, double warmth, double coldness, Map<String, Double> subScores,
                         Map<String, List<String>> cues, double polysyllabicShare) {}

    @Override
    public String name() {
        return "empathy_heuristic";
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public Score score(Sample sample) {
        if (sample.answer() == null || sample.answer().isBlank()) return Score.failed("empty answer", Map.of());
        Result r = evaluate(sample.answer());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("warmth", r.warmth());
        details.put("coldness", r.coldness());
        details.put("sub_scores", r.subScores());
        details.put("cues", r.cues());
        details.put("polysyllabic_share", r.polysyllabicShare());
        return Score.of(r.score(), details);
    }

    public static Result evaluate(String answer) {
        String text = answer.toLowerCase(Locale.ROOT).replace('’', '\'').replace('‘', '\'');
        Map<String, Double> subScores = new LinkedHashMap<>();
        Map<String, List<String>> cues = new LinkedHashMap<>();
        int[] starts = wordStarts(text);
        double warmth = 0, coldness = 0;
        int warmCount = 1, coldCount = 0; // plain words is the fifth warm category
        for (Category category : CATEGORIES) {
            List<String> found = matches(category, text, starts);
            double sub = Math.min(found.size(), category.saturation()) / (double) category.saturation();
            subScores.put(category.name(), sub);
            cues.put(category.name(), found);
            if (category.warm()) {
                warmth += sub;
                warmCount++;
            } else {
                coldness += sub;
                coldCount++;
            }
        }
        double share = polysyllabicShare(text);
        double plain = Math.clamp((0.25 - share) / 0.15, 0.0, 1.0);
        subScores.put("plain_words", plain);
        warmth = (warmth + plain) / warmCount;
        coldness /= coldCount;
        return new Result(warmth - coldness, warmth, coldness, subScores, cues, share);
    }

    /**
     * Matches of any pattern, tried where each word starts, in text order, without overlaps: at one start the
     * longest match is kept, and a match that overlaps the previous one is dropped ("really hard time" is one cue).
     */
    private static List<String> matches(Category category, String text, int[] wordStarts) {
        List<String> kept = new ArrayList<>();
        Matcher any = category.any().matcher(text);
        Matcher[] matchers = new Matcher[category.patterns().size()];
        for (int i = 0; i < matchers.length; i++) matchers[i] = category.patterns().get(i).matcher(text);
        int end = -1;
        for (int start : wordStarts) {
            if (start < end) continue;
            any.region(start, text.length());
            if (!any.lookingAt()) continue;
            int longest = -1;
            for (Matcher m : matchers) {
                m.region(start, text.length());
                if (m.lookingAt()) longest = Math.max(longest, m.end());
            }
            if (longest > start) {
                kept.add(text.substring(start, longest));
                end = longest;
            }
        }
        return kept;
    }

    /** Offsets where a word starts: a letter after a character that is neither a letter nor an apostrophe. */
    static int[] wordStarts(String text) {
        int[] starts = new int[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean letter = c >= 'a' && c <= 'z';
            char before = i == 0 ? ' ' : text.charAt(i - 1);
            if (letter && !(before >= 'a' && before <= 'z') && before != '\'') starts[n++] = i;
        }
        return java.util.Arrays.copyOf(starts, n);
    }

    /** Share of words with three or more syllables (0 for a text without words). */
    static double polysyllabicShare(String lowerText) {
        int words = 0, long3 = 0;
        Matcher m = WORD.matcher(lowerText);
        while (m.find()) {
            words++;
            if (roughSyllables(m.group()) >= 3) long3++;
        }
        return words == 0 ? 0 : (double) long3 / words;
    }

    /**
     * A rough syllable count, enough to tell plain from polysyllabic words: groups of vowels ({@code y}
     * included), less a silent final {@code e} (not in "-le"). Cheaper than the readability metrics' exact counter,
     * which this heuristic does not need.
     */
    static int roughSyllables(String word) {
        int groups = SyllableCounter.vowelGroups(word);
        if (groups > 1 && word.endsWith("e") && !word.endsWith("le") && !word.endsWith("ee")) groups--;
        return Math.max(groups, 1);
    }
}
