/**
 * Direct Preference Optimization with TRL's semantics: completion log-probs through a fused frozen LM head
 * ({@link dev.bedside.dpo.SequenceLogProbs}) and the DPO loss family with its metrics ({@link dev.bedside.dpo.DpoLoss}).
 */
package dev.bedside.dpo;
