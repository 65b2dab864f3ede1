"""One PyTorch (CPU, F32) DPO-LoRA training step, timed the way `bedside bench dpo` times its own.

Mirrors bench/DpoBenchmark.java and DpoTrainer.run per optimizer step:
  * B synthetic pairs: prompt L/4 random tokens, chosen and rejected L random tokens each;
  * per pair: reference log-probs of chosen and rejected (adapters off, no_grad), then policy log-probs of
    chosen and rejected (each its own forward, batch 1, as Bedside runs them), only the rows that predict
    completion tokens go through the LM head;
  * sigmoid DPO loss (beta 0.1) averaged over the pairs, backward, global-norm clipping at 1.0, AdamW
    (lr 1e-5, betas 0.9/0.999, eps 1e-8, weight decay 0) on the LoRA parameters only;
  * LoRA on q,k,v,o_proj with rank r, alpha = 2r (the paper's 64/32), dropout 0.05 (the paper's, as Bedside's
    benchmark keeps it), activation checkpointing per decoder block (Bedside's default, TRL's
    gradient_checkpointing), B initialised to zero as PEFT does.
The model is a plain Llama 3 (RMSNorm, rotate-half RoPE, GQA causal attention, SwiGLU MLP) built from a
Hugging Face config.json with random weights; no transformers/peft needed.

  python3 torch_dpo.py CONFIG.json --seq-len 128 --batch-size 1 --lora-r 16 [--warmup 2] [--steps 5]

Prints one JSON line: seconds per step (median of the timed steps) and completion tokens/s (2*L*B / s).
"""
import argparse, json, math, os, statistics, time

import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint


class RMSNorm(torch.nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = torch.nn.Parameter(1 + 0.1 * torch.randn(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class LoraLinear(torch.nn.Module):
    """y = x W^T + (alpha/r) * dropout(x) A^T B^T; the adapter can be switched off (the reference model)."""

    def __init__(self, d_in, d_out, r, alpha, dropout, lora):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(d_out, d_in) / math.sqrt(d_in), requires_grad=False)
        self.lora = lora
        self.enabled = True
        if lora:
            self.lora_a = torch.nn.Parameter(torch.randn(r, d_in) / math.sqrt(d_in))
            self.lora_b = torch.nn.Parameter(torch.zeros(d_out, r))
            self.scale = alpha / r
            self.dropout = torch.nn.Dropout(dropout)

    def forward(self, x):
        y = x @ self.weight.t()
        if self.lora and self.enabled:
            y = y + (self.dropout(x) @ self.lora_a.t() @ self.lora_b.t()) * self.scale
        return y


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Block(torch.nn.Module):
    def __init__(self, c, r, alpha, dropout):
        super().__init__()
        d, hd = c["hidden_size"], c["head_dim"]
        self.heads, self.kv_heads, self.head_dim = c["num_attention_heads"], c["num_key_value_heads"], hd
        lin = lambda i, o, lora: LoraLinear(i, o, r, alpha, dropout, lora)
        self.q, self.k = lin(d, self.heads * hd, True), lin(d, self.kv_heads * hd, True)
        self.v, self.o = lin(d, self.kv_heads * hd, True), lin(self.heads * hd, d, True)
        self.gate, self.up = lin(d, c["intermediate_size"], False), lin(d, c["intermediate_size"], False)
        self.down = lin(c["intermediate_size"], d, False)
        self.attn_norm, self.mlp_norm = RMSNorm(d, c["rms_norm_eps"]), RMSNorm(d, c["rms_norm_eps"])

    def forward(self, x, cos, sin, mask):
        t = x.shape[0]
        h = self.attn_norm(x)
        q = self.q(h).view(t, self.heads, self.head_dim).transpose(0, 1)       # [H, T, hd]
        k = self.k(h).view(t, self.kv_heads, self.head_dim).transpose(0, 1)
        v = self.v(h).view(t, self.kv_heads, self.head_dim).transpose(0, 1)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        group = self.heads // self.kv_heads
        k, v = k.repeat_interleave(group, dim=0), v.repeat_interleave(group, dim=0)
        scores = (q @ k.transpose(1, 2)) / math.sqrt(self.head_dim) + mask
        att = torch.softmax(scores, dim=-1) @ v                                # [H, T, hd]
        x = x + self.o(att.transpose(0, 1).reshape(t, self.heads * self.head_dim))
        h = self.mlp_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Llama(torch.nn.Module):
    def __init__(self, c, r, alpha, dropout, checkpointing):
        super().__init__()
        d = c["hidden_size"]
        self.embed = torch.nn.Parameter(0.02 * torch.randn(c["vocab_size"], d), requires_grad=False)
        self.blocks = torch.nn.ModuleList(Block(c, r, alpha, dropout) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(d, c["rms_norm_eps"])
        tied = c.get("tie_word_embeddings", False)
        self.head = self.embed if tied else torch.nn.Parameter(torch.randn(c["vocab_size"], d) / math.sqrt(d), requires_grad=False)
        self.theta, self.head_dim, self.checkpointing = c["rope_theta"], c["head_dim"], checkpointing
        for name, p in self.named_parameters():
            p.requires_grad_("lora_" in name)

    def set_adapters(self, enabled):
        for b in self.blocks:
            for m in (b.q, b.k, b.v, b.o):
                m.enabled = enabled

    def hidden(self, ids):
        t = ids.shape[0]
        inv = 1.0 / (self.theta ** (torch.arange(0, self.head_dim, 2, dtype=torch.float64) / self.head_dim))
        ang = torch.arange(t, dtype=torch.float64)[:, None] * inv[None, :]
        cos = torch.cat((ang.cos(), ang.cos()), -1).float()
        sin = torch.cat((ang.sin(), ang.sin()), -1).float()
        mask = torch.full((t, t), float("-inf")).triu(1)
        x = self.embed[ids]
        for b in self.blocks:
            if self.checkpointing and torch.is_grad_enabled():
                x = checkpoint(b, x, cos, sin, mask, use_reentrant=False)
            else:
                x = b(x, cos, sin, mask)
        return self.norm(x)

    def logp(self, prompt, completion):
        """Sum of log p(completion | prompt); only rows predicting completion tokens go through the head."""
        ids = torch.cat((prompt, completion))
        h = self.hidden(ids)[prompt.shape[0] - 1: ids.shape[0] - 1]
        logits = h @ self.head.t()
        return torch.log_softmax(logits, -1).gather(1, completion[:, None]).sum()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--seq-len", type=int, default=128)
    ap.add_argument("--batch-size", type=int, default=1)
    ap.add_argument("--lora-r", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--no-checkpointing", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(3)
    c = json.load(open(a.config))
    c.setdefault("head_dim", c["hidden_size"] // c["num_attention_heads"])
    if c.get("rope_scaling"):
        raise SystemExit("torch_dpo.py: rope_scaling is not implemented here; use a preset without it")
    model = Llama(c, a.lora_r, 2.0 * a.lora_r, 0.05, not a.no_checkpointing)
    model.train()
    lora = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(lora, lr=1e-5, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    g = torch.Generator().manual_seed(3)
    rnd = lambda n: torch.randint(0, c["vocab_size"], (n,), generator=g)
    pairs = []
    for _ in range(a.batch_size):
        prompt = rnd(max(1, a.seq_len // 4))
        pairs.append((prompt, rnd(a.seq_len), rnd(a.seq_len)))
    beta = 0.1

    def step():
        opt.zero_grad(set_to_none=False)
        losses = []
        for prompt, chosen, rejected in pairs:
            model.set_adapters(False)
            with torch.no_grad():
                ref_c, ref_r = model.logp(prompt, chosen), model.logp(prompt, rejected)
            model.set_adapters(True)
            pol_c, pol_r = model.logp(prompt, chosen), model.logp(prompt, rejected)
            losses.append(-F.logsigmoid(beta * ((pol_c - ref_c) - (pol_r - ref_r))))
        loss = torch.stack(losses).mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(lora, 1.0)
        opt.step()

    times = []
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        step()
        if i >= a.warmup:
            times.append(time.perf_counter() - t0)
    s = statistics.median(times)
    print(json.dumps({"op": "dpo", "impl": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "seq_len": a.seq_len, "batch_size": a.batch_size, "lora_r": a.lora_r,
                      "checkpointing": not a.no_checkpointing,
                      "trainable_parameters": sum(p.numel() for p in lora),
                      "seconds_per_step": round(s, 4), "tokens_per_second": round(2 * a.seq_len * a.batch_size / s, 2)}))


if __name__ == "__main__":
    main()
