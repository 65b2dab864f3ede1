#!/usr/bin/env python3
"""The peer of `bedside bench gemm`: float32 C = op(A) · op(B) with NumPy (its BLAS: OpenBLAS sgemm on Debian).

Prints one JSON line in the same format: {"op":"gemm","m":..,"n":..,"k":..,"gflops":..,...}.
Warm-up calls first (about a second), then --repeats timed calls; gflops is 2·m·n·k / median time.
"""
import argparse
import json
import time

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--m", type=int, required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--k", type=int, required=True)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--trans", default="NN", choices=["NN", "NT", "TN", "TT"])
    args = parser.parse_args()
    m, n, k = args.m, args.n, args.k
    rng = np.random.default_rng(1)
    # Stored as Bedside stores them; .T is a view, so NumPy hands sgemm the transpose flag, not a copy.
    a = rng.uniform(-1, 1, (k, m) if args.trans[0] == "T" else (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, k) if args.trans[1] == "T" else (k, n)).astype(np.float32)
    op_a = a.T if args.trans[0] == "T" else a
    op_b = b.T if args.trans[1] == "T" else b
    c = np.empty((m, n), dtype=np.float32)

    end = time.perf_counter() + 1.0
    calls = 0
    while calls < 5 or time.perf_counter() < end:
        np.matmul(op_a, op_b, out=c)
        calls += 1
    ms = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        np.matmul(op_a, op_b, out=c)
        ms.append((time.perf_counter() - start) * 1e3)
    ms.sort()
    half = len(ms) // 2
    median = ms[half] if len(ms) % 2 else (ms[half - 1] + ms[half]) / 2
    print(json.dumps({"op": "gemm", "m": m, "n": n, "k": k, "gflops": round(2.0 * m * n * k / (median * 1e6), 3),
                      "trans": args.trans, "backend": "numpy-" + blas_name(), "repeats": args.repeats,
                      "median_ms": round(median, 3), "min_ms": round(ms[0], 3), "max_ms": round(ms[-1], 3)}))


def blas_name():
    try:
        from threadpoolctl import threadpool_info  # optional: names the BLAS actually loaded
        for pool in threadpool_info():
            if pool.get("user_api") == "blas":
                return pool.get("internal_api", "blas")
    except ImportError:
        pass
    return "blas"


if __name__ == "__main__":
    main()
