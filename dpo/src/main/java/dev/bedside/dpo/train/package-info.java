/**
 * Training LoRA adapters with DPO ({@link dev.bedside.dpo.train.DpoTrainer}) or SFT
 * ({@link dev.bedside.dpo.train.SftTrainer}) on a frozen, optionally 4-bit, Llama model.
 *
 * <pre>
 *   ./bedside dpo --model Llama-3.1-8B-Instruct --data ../shared/data/empathy-by-design/pairs.jsonl --out runs/paper \
 *                 --quant nf4 --prompt-template paper            # the paper's settings are the defaults
 *   ./bedside dpo ... --resume                                    # continue a killed run from runs/paper/checkpoints
 *   ./bedside sft --model ... --data pairs.jsonl --out runs/sft   # cross-entropy on the chosen answers
 * </pre>
 *
 * Output: {@code OUT/adapter/} (PEFT: adapter_config.json + adapter_model.safetensors), {@code OUT/metrics.jsonl}
 * (one line per optimizer step with TRL's names: loss, rewards/chosen, rewards/rejected, rewards/accuracies,
 * rewards/margins, logps/chosen, logps/rejected, plus step, epoch, learning_rate, grad_norm, tokens_per_second),
 * {@code OUT/checkpoints/checkpoint-N/} (adapter, optimizer state, trainer_state.json) and
 * {@code OUT/train_config.json} (every setting of the run, loadable again with {@code --config}).
 *
 * <p>Which defaults come from the paper and which from TRL is listed on {@link dev.bedside.dpo.train.TrainConfig}.
 * The paper's prompt ({@code --prompt-template paper}) is described on {@link dev.bedside.dpo.data.PromptTemplate}.
 *
 * <p>Reproducibility: the data order of epoch e is a shuffle seeded by (seed, e); LoRA dropout masks come from
 * {@link dev.bedside.autograd.RandomStream} at a position fixed by (step, micro-batch), with the adapter's seeds,
 * and activation checkpointing replays them when it recomputes a block. A resumed run therefore reaches the same adapter as an
 * uninterrupted one (tested to 1e-6). A NaN or infinite loss, gradient or parameter stops training before the
 * update and names the last good checkpoint, which is kept.
 */
package dev.bedside.dpo.train;
