/**
 * LoRA adapters on the Llama projections in PEFT's format: {@link dev.bedside.lora.LoraConfig} (adapter_config.json),
 * {@link dev.bedside.lora.LoraProjection} (y = base(x) + scale·(dropout(x)·Aᵀ)·Bᵀ) and
 * {@link dev.bedside.lora.LoraAdapter} (attach, load, save, enable/disable, merge and export).
 */
package dev.bedside.lora;
