package dev.bedside.eval.report;

import java.util.Locale;
import java.util.Map;

/** Numbers and names as the reports show them. */
final class Format {
    private Format() {}

    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("fk_grade", "FK grade"),
            Map.entry("reading_ease", "Reading ease"),
            Map.entry("similarity_minilm", "Similarity (MiniLM)"),
            Map.entry("rouge_l", "ROUGE-L"),
            Map.entry("bleu", "BLEU"),
            Map.entry("empathy_heuristic", "Empathy (heuristic)"),
            Map.entry("geval_correctness", "Correctness (G-Eval)"),
            Map.entry("geval_empathy", "Empathy (G-Eval)"),
            Map.entry("geval_readability", "Readability (G-Eval)"));

    /** A metric's display name ("FK grade" for fk_grade); its registry name when none is known. */
    static String label(String metric) {
        return LABELS.getOrDefault(metric, metric);
    }

    /** Three significant-ish decimals: 0.734, 12.41, 105.3; "–" for NaN. */
    static String number(double x) {
        return number(x, decimals(x));
    }

    static String number(double x, int decimals) {
        if (Double.isNaN(x)) return "–";
        return String.format(Locale.ROOT, "%." + decimals + "f", x);
    }

    /** Decimals that show about four significant digits of a number this large: 3 below 10, 2 below 100, else 1. */
    static int decimals(double x) {
        double a = Math.abs(x);
        return a >= 100 ? 1 : a >= 10 ? 2 : 3;
    }

    /** Decimals for a column of numbers, so they line up: those of its largest magnitude. */
    static int decimals(double... column) {
        double max = 0;
        for (double x : column) if (!Double.isNaN(x)) max = Math.max(max, Math.abs(x));
        return decimals(max);
    }

    /** "0.734 [0.701, 0.768]", every number with {@code decimals} decimals. */
    static String withInterval(double mean, double low, double high, int decimals) {
        return Double.isNaN(mean) ? "–" : number(mean, decimals) + " [" + number(low, decimals) + ", " + number(high, decimals) + "]";
    }

    static String withInterval(double mean, double low, double high) {
        return withInterval(mean, low, high, decimals(mean));
    }

    static String arrow(boolean higherIsBetter) {
        return higherIsBetter ? "↑" : "↓";
    }
}
