#!/usr/bin/env bash
# Bedside's F32 gemm against OpenBLAS sgemm (through Debian's NumPy) on this machine.
#
#   bench/peers/gemm-vs-openblas.sh [sizes...]        default sizes: 1024 2048 (square m = n = k)
#   ROUNDS=5 REPEATS=10 TRANS=NN bench/peers/gemm-vs-openblas.sh 512 1024 2048
#
# Each round runs, per size, one NumPy process and one `./bedside bench gemm` process, alternating which goes
# first, so both see the same background load. Each process reports the median of REPEATS timed calls; the
# script prints one JSON line per size with the median over rounds of each, their ratio, and the spread
# (min and max over rounds). Installs python3-numpy and OpenBLAS with apt-get when missing (Debian).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEERS="$ROOT/bench/peers"
PY=/usr/bin/python3            # Debian's python, whose numpy links the system BLAS (not a pyenv one)
ROUNDS="${ROUNDS:-5}"
REPEATS="${REPEATS:-10}"
TRANS="${TRANS:-NN}"
SIZES=("$@")
[[ ${#SIZES[@]} -eq 0 ]] && SIZES=(1024 2048)

if ! "$PY" -c 'import numpy' 2>/dev/null; then
  echo "gemm-vs-openblas: installing python3-numpy and OpenBLAS..." >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get install -y python3-numpy libopenblas0-pthread >&2
fi

# NumPy with OpenBLAS's own CPU detection and cache sizes: clear any overrides for that command only.
numpy_run() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" "$PEERS/numpy_gemm.py" "$@"; }
bedside_run() { "$ROOT/bedside" bench gemm "$@"; }

"$ROOT/bedside" bench gemm --m 8 --n 8 --k 8 --repeats 1 >/dev/null   # builds the jar first if needed

LINES="$(mktemp)"
trap 'rm -f "$LINES"' EXIT
for ((round = 0; round < ROUNDS; round++)); do
  for size in "${SIZES[@]}"; do
    args=(--m "$size" --n "$size" --k "$size" --repeats "$REPEATS" --trans "$TRANS")
    if ((round % 2 == 0)); then
      echo "openblas $(numpy_run "${args[@]}")" >>"$LINES"
      echo "bedside $(bedside_run "${args[@]}")" >>"$LINES"
    else
      echo "bedside $(bedside_run "${args[@]}")" >>"$LINES"
      echo "openblas $(numpy_run "${args[@]}")" >>"$LINES"
    fi
  done
done

"$PY" - "$LINES" "$TRANS" <<'PYEOF'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    who, record = line.split(" ", 1)
    r = json.loads(record)
    runs.setdefault((r["m"], r["n"], r["k"]), {}).setdefault(who, []).append(r["gflops"])
for (m, n, k), by in sorted(runs.items()):
    ours, theirs = statistics.median(by["bedside"]), statistics.median(by["openblas"])
    print(json.dumps({"op": "gemm", "m": m, "n": n, "k": k, "trans": sys.argv[2], "rounds": len(by["bedside"]),
                      "bedside_gflops": round(ours, 1), "openblas_gflops": round(theirs, 1),
                      "ratio": round(ours / theirs, 3),
                      "bedside_min_max": [min(by["bedside"]), max(by["bedside"])],
                      "openblas_min_max": [min(by["openblas"]), max(by["openblas"])]}))
PYEOF
