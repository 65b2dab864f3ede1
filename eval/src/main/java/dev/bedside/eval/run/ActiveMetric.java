package dev.bedside.eval.run;

import dev.bedside.eval.CorpusMetric;
import dev.bedside.eval.Metric;

/**
 * A metric chosen for this run under its registry name: either per sample ({@code perSample}, averaged with a
 * bootstrap interval) or over the whole corpus ({@code corpus}, e.g. BLEU, whose interval resamples the corpus).
 */
public record ActiveMetric(String name, boolean higherIsBetter, Metric perSample, CorpusMetric corpus) {
    public ActiveMetric {
        if ((perSample == null) == (corpus == null)) throw new IllegalArgumentException(name + ": give exactly one of a per-sample and a corpus metric");
    }

    public static ActiveMetric of(String name, Metric metric) {
        return new ActiveMetric(name, metric.higherIsBetter(), metric, null);
    }

    public static ActiveMetric ofCorpus(String name, CorpusMetric metric, boolean higherIsBetter) {
        return new ActiveMetric(name, higherIsBetter, null, metric);
    }

    public boolean isCorpus() { return corpus != null; }
}
