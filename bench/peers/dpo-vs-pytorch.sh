#!/usr/bin/env bash
# Bedside's DPO-LoRA training step against the same step in PyTorch (CPU, F32), on this machine, in one run.
#
#   bench/peers/dpo-vs-pytorch.sh [--seq-len L] [--batch-size B] [--lora-r R]     defaults: 128 1 16
#   ROUNDS=3 WARMUP=1 STEPS=3 CONFIG=llama-100m bench/peers/dpo-vs-pytorch.sh --seq-len 256
#
# Both sides build the same random-weight model from the preset's config.json
# (model/src/main/resources/dev/bedside/model/presets/$CONFIG.json) and time the same step (see torch_dpo.py):
# B synthetic pairs (prompt L/4, chosen and rejected L tokens), reference and policy log-probs, sigmoid DPO loss,
# backward with activation checkpointing, clipping, AdamW on LoRA (q,k,v,o; alpha 2r; dropout 0.05).
# Each round runs one `./bedside bench dpo` process and one PyTorch process, alternating which goes first, so
# both see the same background load; each reports the median of STEPS timed steps after WARMUP untimed ones.
# Prints one JSON line: the median over rounds of tokens/s and seconds/step of each, and their ratio
# (bedside / pytorch tokens/s: above 1 means Bedside is faster). Installs Debian's python3-torch when missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEERS="$ROOT/bench/peers"
PY=/usr/bin/python3            # Debian's python with python3-torch (not a pyenv one)
ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-1}"
STEPS="${STEPS:-3}"
CONFIG="${CONFIG:-llama-100m}"
SEQ_LEN=128; BATCH=1; LORA_R=16
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seq-len) SEQ_LEN="$2"; shift 2 ;;
    --batch-size) BATCH="$2"; shift 2 ;;
    --lora-r) LORA_R="$2"; shift 2 ;;
    *) echo "dpo-vs-pytorch: unknown option $1 (expects --seq-len L --batch-size B --lora-r R)" >&2; exit 2 ;;
  esac
done
CONFIG_JSON="$ROOT/model/src/main/resources/dev/bedside/model/presets/$CONFIG.json"
[[ -f "$CONFIG_JSON" ]] || { echo "dpo-vs-pytorch: no preset $CONFIG_JSON" >&2; exit 2; }
THREADS="$(nproc)"

if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "dpo-vs-pytorch: installing python3-torch..." >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get install -y python3-torch >&2
fi

common=(--seq-len "$SEQ_LEN" --batch-size "$BATCH" --lora-r "$LORA_R" --warmup "$WARMUP" --steps "$STEPS")
# OpenMP threads that sleep instead of spinning between PyTorch's parallel regions: on a loaded machine the
# default (spinning) made the same PyTorch step 6x slower (26.7 s against 4.3 s at L 128); pass OMP_WAIT_POLICY=ACTIVE to see.
torch_run() { OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" OMP_NUM_THREADS="$THREADS" "$PY" "$PEERS/torch_dpo.py" "$CONFIG_JSON" --threads "$THREADS" "${common[@]}"; }
bedside_run() { "$ROOT/bedside" bench dpo --config "$CONFIG" --random-init "${common[@]}"; }

"$ROOT/bedside" bench gemm --m 8 --n 8 --k 8 --repeats 1 >/dev/null   # builds the jar first if needed

LINES="$(mktemp)"
trap 'rm -f "$LINES"' EXIT
for ((round = 0; round < ROUNDS; round++)); do
  if ((round % 2 == 0)); then
    echo "pytorch $(torch_run)" >>"$LINES"
    echo "bedside $(bedside_run)" >>"$LINES"
  else
    echo "bedside $(bedside_run)" >>"$LINES"
    echo "pytorch $(torch_run)" >>"$LINES"
  fi
  tail -2 "$LINES" >&2
done

"$PY" - "$LINES" "$CONFIG" <<'PYEOF'
import json, statistics, sys
by = {}
for line in open(sys.argv[1]):
    who, record = line.split(" ", 1)
    by.setdefault(who, []).append(json.loads(record))
def med(who, key): return statistics.median(r[key] for r in by[who])
b, t = by["bedside"][0], by["pytorch"][0]
print(json.dumps({"op": "dpo", "config": sys.argv[2], "seq_len": b["seq_len"], "batch_size": b["batch_size"],
                  "lora_r": b["lora_r"], "rounds": len(by["bedside"]), "threads": [b["threads"], t["threads"]],
                  "trainable_parameters": [b["trainable_parameters"], t["trainable_parameters"]], "torch": t["torch"],
                  "bedside_tokens_per_second": med("bedside", "tokens_per_second"),
                  "pytorch_tokens_per_second": med("pytorch", "tokens_per_second"),
                  "bedside_seconds_per_step": med("bedside", "seconds_per_step"),
                  "pytorch_seconds_per_step": med("pytorch", "seconds_per_step"),
                  "ratio": round(med("bedside", "tokens_per_second") / med("pytorch", "tokens_per_second"), 3),
                  "bedside_min_max": [min(r["tokens_per_second"] for r in by["bedside"]), max(r["tokens_per_second"] for r in by["bedside"])],
                  "pytorch_min_max": [min(r["tokens_per_second"] for r in by["pytorch"]), max(r["tokens_per_second"] for r in by["pytorch"])]}))
PYEOF
