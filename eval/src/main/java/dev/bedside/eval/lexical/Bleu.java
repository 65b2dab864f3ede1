package dev.bedside.eval.lexical;

import dev.bedside.eval.CorpusMetric;
import dev.bedside.eval.Metric;
import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BLEU as sacreBLEU 2.x computes it, on a 0–100 scale like sacreBLEU prints it.
 *
 * <p>Defaults are sacreBLEU's: the {@code 13a} tokenizer ({@link Tokenizer13a}), case kept, n-grams up to 4,
 * "exp" smoothing (mteval's: the k-th n-gram order without a match counts as {@code 1 / (2^k · total)}), and the
 * brevity penalty {@code exp(1 − r/c)} when the answers are shorter than the references ({@code r} = the closest
 * reference length per segment, shorter on ties).
 * <ul>
 *   <li>{@link #corpusScore}: {@code corpus_bleu}: n-gram matches and lengths summed over all segments first, then
 *       one geometric mean ({@code effective_order=False}).</li>
 *   <li>{@link #score}: {@code sentence_bleu}: one segment, with {@code effective_order=True} (the mean is taken
 *       only over the n-gram orders the answer has), as sacreBLEU recommends for sentences.</li>
 * </ul>
 * Every answer is {@code rstrip}ped before tokenizing, as sacreBLEU does; a corpus with no match at all scores 0.
 */
public final class Bleu implements Metric, CorpusMetric {

    public enum Smoothing { NONE, FLOOR, ADD_K, EXP }

    public enum Tokenization { THIRTEEN_A, NONE }

    static final int MAX_ORDER = 4;

    /** A score with its parts: per-order matches and totals, precisions (%), brevity penalty and lengths. */
    public record Result(double score, double[] correct, double[] total, double[] precisions, double brevityPenalty,
                         int hypothesisLength, int referenceLength) {}

    private final Tokenization tokenization;
    private final Smoothing smoothing;
    private final double smoothValue;
    private final boolean lowercase;

    /** sacreBLEU's defaults: 13a, exp smoothing, case-sensitive. */
    public Bleu() {
        this(Tokenization.THIRTEEN_A, Smoothing.EXP, Double.NaN, false);
    }

    /** {@code smoothValue} NaN: sacreBLEU's default for the method (floor 0.1, add-k 1). */
    public Bleu(Tokenization tokenization, Smoothing smoothing, double smoothValue, boolean lowercase) {
        this.tokenization = tokenization;
        this.smoothing = smoothing;
        this.smoothValue = !Double.isNaN(smoothValue) ? smoothValue
            : smoothing == Smoothing.FLOOR ? 0.1 : smoothing == Smoothing.ADD_K ? 1 : 0;
        this.lowercase = lowercase;
    }

    @Override
    public String name() {
        return "bleu";
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    /** Sentence BLEU of the answer against the reference. */
    @Override
    public Score score(Sample sample) {
        if (!sample.hasReference()) {
            return Score.noReference(Map.of());
        }
        Result r = sentence(sample.answerText(), List.of(sample.reference()));
        return Score.of(r.score(), details(r));
    }

    /** Corpus BLEU over the samples that have a reference (NaN when none has). */
    @Override
    public double corpusScore(List<Sample> samples) {
        List<String> hypotheses = new ArrayList<>();
        List<String> references = new ArrayList<>();
        for (Sample s : samples) {
            if (!s.hasReference()) continue;
            hypotheses.add(s.answerText());
            references.add(s.reference());
        }
        return hypotheses.isEmpty() ? Double.NaN : corpus(hypotheses, List.of(references)).score();
    }

    /** sacreBLEU's {@code sentence_score(hypothesis, references)} with {@code effective_order=True}. */
    public Result sentence(String hypothesis, List<String> references) {
        SegmentStats stats = segment(hypothesis, references);
        return compute(stats.correct, stats.total, stats.hypothesisLength, stats.referenceLength, true);
    }

    /**
     * sacreBLEU's {@code corpus_score(hypotheses, referenceStreams)}: {@code referenceStreams.get(k).get(i)} is the
     * k-th reference of segment i; empty references are skipped (a segment may have fewer).
     */
    public Result corpus(List<String> hypotheses, List<List<String>> referenceStreams) {
        return corpus(hypotheses, referenceStreams, false);
    }

    /** As above; {@code effectiveOrder} as sacreBLEU's {@code use_effective_order} (its raw_corpus_bleu sets it). */
    public Result corpus(List<String> hypotheses, List<List<String>> referenceStreams, boolean effectiveOrder) {
        double[] correct = new double[MAX_ORDER];
        double[] total = new double[MAX_ORDER];
        int hypothesisLength = 0, referenceLength = 0;
        for (int i = 0; i < hypotheses.size(); i++) {
            List<String> references = new ArrayList<>();
            for (List<String> stream : referenceStreams) {
                if (stream.size() != hypotheses.size()) {
                    throw new IllegalArgumentException("bleu: " + hypotheses.size() + " answers but a reference stream of "
                        + stream.size());
                }
                String reference = stream.get(i);
                if (reference != null && !reference.isEmpty()) references.add(reference);
            }
            if (references.isEmpty()) throw new IllegalArgumentException("bleu: segment " + i + " has no reference");
            SegmentStats stats = segment(hypotheses.get(i), references);
            for (int n = 0; n < MAX_ORDER; n++) {
                correct[n] += stats.correct[n];
                total[n] += stats.total[n];
            }
            hypothesisLength += stats.hypothesisLength;
            referenceLength += stats.referenceLength;
        }
        return compute(correct, total, hypothesisLength, referenceLength, effectiveOrder);
    }

    private record SegmentStats(double[] correct, double[] total, int hypothesisLength, int referenceLength) {}

    /** Matched and total n-grams of one answer, clipped by the largest count in any reference. */
    private SegmentStats segment(String hypothesis, List<String> references) {
        Map<List<String>, Integer> referenceCounts = new HashMap<>();
        List<Integer> referenceLengths = new ArrayList<>();
        for (String reference : references) {
            List<String> tokens = tokens(reference);
            referenceLengths.add(tokens.size());
            ngramCounts(tokens).forEach((ngram, count) -> referenceCounts.merge(ngram, count, Math::max));
        }
        List<String> tokens = tokens(hypothesis);
        double[] correct = new double[MAX_ORDER];
        double[] total = new double[MAX_ORDER];
        ngramCounts(tokens).forEach((ngram, count) -> {
            int n = ngram.size() - 1;
            total[n] += count;
            correct[n] += Math.min(count, referenceCounts.getOrDefault(ngram, 0));
        });
        return new SegmentStats(correct, total, tokens.size(), closestLength(tokens.size(), referenceLengths));
    }

    /** The reference length closest to the answer's; the shorter one on ties. */
    static int closestLength(int hypothesisLength, List<Integer> referenceLengths) {
        int best = -1;
        for (int length : referenceLengths) {
            int diff = Math.abs(hypothesisLength - length), bestDiff = Math.abs(hypothesisLength - best);
            if (best < 0 || diff < bestDiff || (diff == bestDiff && length < best)) best = length;
        }
        return best;
    }

    private List<String> tokens(String text) {
        if (lowercase) text = text.toLowerCase(Locale.ROOT);
        text = PythonText.rstrip(text);
        return PythonText.split(tokenization == Tokenization.THIRTEEN_A ? Tokenizer13a.tokenize(text) : text);
    }

    private static Map<List<String>, Integer> ngramCounts(List<String> tokens) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int n = 1; n <= MAX_ORDER; n++) {
            for (int i = 0; i + n <= tokens.size(); i++) counts.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
        }
        return counts;
    }

    /** sacreBLEU's {@code compute_bleu}: precisions with smoothing, geometric mean, brevity penalty. */
    Result compute(double[] correctIn, double[] totalIn, int hypothesisLength, int referenceLength,
                   boolean effectiveOrder) {
        double[] correct = correctIn.clone();
        double[] total = totalIn.clone();
        double brevityPenalty = hypothesisLength >= referenceLength ? 1.0
            : hypothesisLength > 0 ? Math.exp(1 - (double) referenceLength / hypothesisLength) : 0.0;
        double[] precisions = new double[MAX_ORDER];
        boolean anyMatch = false;
        for (double c : correct) anyMatch |= c != 0;
        if (!anyMatch) {
            return new Result(0.0, correct, total, precisions, brevityPenalty, hypothesisLength, referenceLength);
        }

        double expSmoothing = 1;
        int order = MAX_ORDER;
        for (int n = 1; n <= MAX_ORDER; n++) {
            if (smoothing == Smoothing.ADD_K && n > 1) {
                correct[n - 1] += smoothValue;
                total[n - 1] += smoothValue;
            }
            if (total[n - 1] == 0) break;
            if (effectiveOrder) order = n;
            if (correct[n - 1] == 0) {
                if (smoothing == Smoothing.EXP) {
                    expSmoothing *= 2;
                    precisions[n - 1] = 100.0 / (expSmoothing * total[n - 1]);
                } else if (smoothing == Smoothing.FLOOR) {
                    precisions[n - 1] = 100.0 * smoothValue / total[n - 1];
                }
            } else {
                precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
            }
        }
        double logSum = 0;
        for (int n = 0; n < order; n++) logSum += precisions[n] == 0 ? -9999999999.0 : Math.log(precisions[n]);
        double score = brevityPenalty * Math.exp(logSum / order);
        return new Result(score, correct, total, precisions, brevityPenalty, hypothesisLength, referenceLength);
    }

    private static Map<String, Object> details(Result r) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("precisions", List.of(r.precisions()[0], r.precisions()[1], r.precisions()[2], r.precisions()[3]));
        details.put("brevity_penalty", r.brevityPenalty());
        details.put("answer_length", r.hypothesisLength());
        details.put("reference_length", r.referenceLength());
        return details;
    }
}
