package dev.bedside.eval.pairs;

/**
 * The checks of one preference pair. Gaps are signed so that a positive gap favours the chosen answer as the
 * paper wants it: {@code fkGap} = rejected's Flesch–Kincaid grade − chosen's (chosen easier),
 * {@code easeGap} = chosen's reading ease − rejected's, {@code empathyGap} = chosen's empathy score − rejected's.
 * {@code similarity} compares chosen with rejected (same facts: high). A check that was not run is NaN.
 */
public record PairCheck(int index, String topicId, String category,
                        double fkChosen, double fkRejected, double easeChosen, double easeRejected,
                        double empathyChosen, double empathyRejected, double similarity) {

    public double fkGap() { return fkRejected - fkChosen; }

    public double easeGap() { return easeChosen - easeRejected; }

    public double empathyGap() { return empathyChosen - empathyRejected; }
}
