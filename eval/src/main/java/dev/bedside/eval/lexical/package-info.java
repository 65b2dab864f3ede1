/**
 * Lexical overlap with the reference answer: {@link dev.bedside.eval.lexical.RougeL} (Google's rouge-score,
 * {@code rougeL} F-measure, default tokenizer, no stemming) and {@link dev.bedside.eval.lexical.Bleu} (sacreBLEU 2.x
 * defaults: 13a tokenizer, exp smoothing; corpus and sentence BLEU on a 0–100 scale). Both are re-implemented from
 * the reference tools' documented behaviour and checked against the values in their own test suites.
 */
package dev.bedside.eval.lexical;
