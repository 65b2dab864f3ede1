package dev.bedside.eval.run;

/**
 * One metric for one system (or one group of it): the mean of the scored samples (for a corpus metric, the
 * corpus score), its bootstrap 95% interval, how many samples were scored, and how many could not be
 * (excluded from the mean).
 */
public record MetricSummary(double mean, double ciLow, double ciHigh, int n, int failures) {
    /** Half the interval's width: the "±" of a table. */
    public double halfWidth() { return (ciHigh - ciLow) / 2; }
}
