#!/usr/bin/env bash
# Decode speed of Bedside and llama.cpp on the same GGUF file, in the same run, alternating.
#   bench/peers/decode-vs-llama-cpp.sh MODEL.gguf [REPEATS] [THREADS]
# Each round runs `./bedside bench decode --model MODEL` and llama.cpp's decode.mjs with the same prompt (64) and
# decode (32) lengths and the same thread count (default: all cores); prints one JSON line with the median
# decode tokens/s of each and their ratio (bedside / llama.cpp). Needs `npm ci` in bench/peers/llama-cpp.
set -euo pipefail
MODEL="$(realpath "${1:?usage: decode-vs-llama-cpp.sh MODEL.gguf [REPEATS] [THREADS]}")"
REPEATS="${2:-3}"
THREADS="${3:-$(nproc)}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEER="$ROOT/bench/peers/llama-cpp"
[[ -d "$PEER/node_modules/node-llama-cpp" ]] || { echo "run 'npm ci' in $PEER first" >&2; exit 1; }

field() { python3 -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])[sys.argv[1]])' "$1"; }
bedside=() llama=()
for ((r = 0; r < REPEATS; r++)); do
  line="$(BEDSIDE_JAVA_OPTS="-Dbedside.threads=$THREADS ${BEDSIDE_JAVA_OPTS:-}" "$ROOT/bedside" bench decode --model "$MODEL" --prompt-tokens 64 --tokens 32 --repeats 3)"
  bedside+=("$(field decode_tokens_per_second <<<"$line")")
  line="$(cd "$PEER" && node decode.mjs --model "$MODEL" --prompt-tokens 64 --tokens 32 --repeats 3 --threads "$THREADS")"
  llama+=("$(field decode_tokens_per_second <<<"$line")")
done
python3 - "$MODEL" "$THREADS" "${bedside[*]}" "${llama[*]}" <<'PY'
import json, statistics, sys
model, threads, b, l = sys.argv[1], int(sys.argv[2]), [float(x) for x in sys.argv[3].split()], [float(x) for x in sys.argv[4].split()]
mb, ml = statistics.median(b), statistics.median(l)
print(json.dumps({"op": "decode_vs_llama_cpp", "model": model, "threads": threads, "prompt_tokens": 64, "decode_tokens": 32,
                  "rounds": len(b), "bedside_decode_tokens_per_second": mb, "llama_cpp_decode_tokens_per_second": ml,
                  "ratio_bedside_over_llama_cpp": mb / ml, "bedside_runs": b, "llama_cpp_runs": l}))
PY
