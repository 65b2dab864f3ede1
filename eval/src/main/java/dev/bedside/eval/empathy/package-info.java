/**
 * {@link dev.bedside.eval.empathy.EmpathyHeuristic}: a fast, model-free warmth score from hand-written cue lists,
 * for the terminal and tests. A heuristic, not a replacement for the LLM judge's {@code geval_empathy}.
 */
package dev.bedside.eval.empathy;
