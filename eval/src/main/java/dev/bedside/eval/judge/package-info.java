/**
 * LLM-judge metrics: {@link dev.bedside.eval.judge.GEvalMetric} follows G-Eval (Liu et al. 2023) as deepeval
 * implements it (the paper's tool): evaluation steps written once by the judge from a criterion, a 0–10 score per
 * sample read from the judge's JSON, weighted by the judge's log-probs when it returns them, divided by 10. The
 * judge is any {@link dev.bedside.eval.chat.ChatBackend}: a Bedside model in this process
 * ({@link dev.bedside.eval.chat.LocalChatBackend}) or an OpenAI-compatible endpoint
 * ({@link dev.bedside.eval.chat.OpenAiChatClient}). A sample the judge could not score is marked failed, with the
 * judge's replies in its details.
 */
package dev.bedside.eval.judge;
