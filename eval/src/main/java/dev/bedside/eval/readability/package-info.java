/**
 * Readability scores: Flesch reading ease and Flesch–Kincaid grade.
 *
 * <p>Start at {@link dev.bedside.eval.readability.Readability}. Bedside's default,
 * {@link dev.bedside.eval.readability.Readability#textstat()}, reproduces the npm {@code text-readability} 1.1.1 port
 * of Python {@code textstat} exactly ({@link dev.bedside.eval.readability.TextstatPort}); the exact-formula variants
 * apply the published formulas unrounded ({@link dev.bedside.eval.readability.ExactFormula}). Syllables come from
 * {@link dev.bedside.eval.readability.SyllableCounter}, a re-implementation of the npm {@code syllable} 5.0.1 rules;
 * the tables it needs from {@code syllable}, {@code pluralize} and {@code normalize-strings} are reproduced as data,
 * with their MIT notices in {@code eval/THIRD-PARTY-NOTICES.md}.
 *
 * <p>Reference values: {@code ../shared/fixtures/readability/expected.json} (see its README).
 */
package dev.bedside.eval.readability;
