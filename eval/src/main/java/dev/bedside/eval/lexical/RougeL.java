package dev.bedside.eval.lexical;

import dev.bedside.eval.Metric;
import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ROUGE-L F-measure of the answer against the reference, as Google's {@code rouge-score} package computes
 * {@code rougeL} with its defaults ({@code RougeScorer(["rougeL"])}, no stemming):
 * <ol>
 *   <li>both texts are lower-cased, every run of characters other than {@code a-z} and {@code 0-9} becomes one
 *       space, and the result is split on white space (so accented letters and non-Latin scripts separate words
 *       and are dropped);</li>
 *   <li>LCS = the length of the longest common subsequence of the two token lists;</li>
 *   <li>precision = LCS / answer tokens, recall = LCS / reference tokens, F = 2PR / (P + R); all 0 when either
 *       text has no tokens or nothing is in common.</li>
 * </ol>
 * Porter stemming ({@code use_stemmer=True}) is not offered: NLTK's Porter variant is not reproduced here.
 */
public final class RougeL implements Metric {

    /** Precision, recall and F-measure, with the counts behind them. */
    public record Result(double precision, double recall, double fmeasure, int lcs, int answerTokens,
                         int referenceTokens) {}

    @Override
    public String name() {
        return "rouge_l";
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public Score score(Sample sample) {
        if (!sample.hasReference()) {
            return Score.noReference(Map.of());
        }
        Result r = compute(sample.reference(), sample.answerText());
        return Score.of(r.fmeasure(), Map.of("precision", r.precision(), "recall", r.recall(), "lcs", r.lcs(),
            "answer_tokens", r.answerTokens(), "reference_tokens", r.referenceTokens()));
    }

    /** rouge-score's {@code score(target, prediction)["rougeL"]}. */
    public static Result compute(String reference, String answer) {
        List<String> target = tokenize(reference);
        List<String> prediction = tokenize(answer);
        if (target.isEmpty() || prediction.isEmpty()) return new Result(0, 0, 0, 0, prediction.size(), target.size());
        int lcs = lcsLength(target, prediction);
        double precision = (double) lcs / prediction.size();
        double recall = (double) lcs / target.size();
        double f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        return new Result(precision, recall, f, lcs, prediction.size(), target.size());
    }

    /** rouge-score's default tokenizer: lower-case, non-{@code [a-z0-9]} runs to spaces, split. */
    public static List<String> tokenize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                token.append(c);
            } else if (!token.isEmpty()) {
                tokens.add(token.toString());
                token.setLength(0);
            }
        }
        if (!token.isEmpty()) tokens.add(token.toString());
        return tokens;
    }

    /** Longest common subsequence length, by dynamic programming with two rows. */
    static int lcsLength(List<String> a, List<String> b) {
        int[] previous = new int[b.size() + 1];
        int[] current = new int[b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                current[j] = a.get(i - 1).equals(b.get(j - 1)) ? previous[j - 1] + 1
                    : Math.max(previous[j], current[j - 1]);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.size()];
    }
}
