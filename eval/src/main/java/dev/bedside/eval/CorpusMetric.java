package dev.bedside.eval;

import java.util.List;

/**
 * A metric defined over a whole set of answers rather than averaged per sample, such as corpus BLEU
 * (sacreBLEU sums n-gram counts over the corpus before taking the geometric mean).
 */
public interface CorpusMetric {

    String name();

    double corpusScore(List<Sample> samples);
}
