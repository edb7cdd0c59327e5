#!/usr/bin/env python3
"""Turns a JMH JSON result of GemmBench/CellBench into the markdown tables of docs/benchmarks.md."""
import json
import math
import sys


def num(x):
    """JMH writes "NaN" (a string) for an error it cannot estimate."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def main(path):
    runs = json.load(open(path))
    gemm = {}
    cells = {}
    cell_flops = {}
    for r in runs:
        name = r["benchmark"].rsplit(".", 1)
        cls, method = name[0].rsplit(".", 1)[-1], name[1]
        p = r.get("params", {})
        score = num(r["primaryMetric"]["score"])
        err = num(r["primaryMetric"].get("scoreError"))
        sec = r.get("secondaryMetrics", {})
        if cls == "GemmBench":
            fl = sec.get("flops", {})
            gemm[(p["backend"], p["shape"])] = (num(fl.get("score", 0)) / 1e9, num(fl.get("scoreError")) / 1e9)
        elif cls == "CellBench":
            backend = p.get("backend", "-")
            key = (p["kind"], int(p["dim"]), method, backend)
            cells[key] = (score, err)
            if "flops" in sec and num(sec["flops"]["score"]) > 0:
                cell_flops[key] = num(sec["flops"]["score"]) / 1e9
    best = None
    if gemm:
        backends = [b for b in ("scalar", "vector", "nd4j") if any(k[0] == b for k in gemm)]
        shapes = []
        for (_, s) in gemm:
            if s not in shapes:
                shapes.append(s)
        print("### Single-thread SGEMM, GFLOP/s (C = op(A) op(B), beta 0; N/T = op of A, B)\n")
        print("| shape | " + " | ".join(backends) + " |")
        print("|---|" + "---:|" * len(backends))
        for s in shapes:
            row = []
            for b in backends:
                v = gemm.get((b, s))
                row.append("-" if v is None else "%.1f ± %.1f" % v)
            print("| %s | %s |" % (s, " | ".join(row)))
        best = max(gemm.items(), key=lambda kv: kv[1][0])
        print("\nBest single-thread SGEMM rate in this run: %.1f GFLOP/s (%s, %s)\n" % (best[1][0], best[0][0], best[0][1]))
    if cells:
        kinds = [k for k in ("linear", "gated_linear", "delta", "gated_delta", "deep") if any(c[0] == k for c in cells)]
        dims = sorted({c[1] for c in cells})
        cols = []
        for c in (("recurrent", "-"), ("chunked", "scalar"), ("chunked", "vector"), ("chunked", "nd4j")):
            if any((k[2], k[3]) == c for k in cells):
                cols.append(c)
        print("### Tokens/s per key, single thread (H=4, K=V=dim, chunk 64, 1024 tokens per call, state carried)\n")
        print("| kind | dim | " + " | ".join(m if m == "recurrent" else "chunked " + b for m, b in cols) + " |")
        print("|---|---:|" + "---:|" * len(cols))
        for k in kinds:
            for d in dims:
                row = []
                for m, b in cols:
                    v = cells.get((k, d, m, b))
                    row.append("-" if v is None else "%.0f ± %.0f" % v)
                print("| %s | %d | %s |" % (k, d, " | ".join(row)))
        print()
        if cell_flops:
            print("### Chunked matrix cells: effective GFLOP/s of the chunked algorithm's products\n")
            ref = best[1][0] if best else None
            print("| kind | dim | backend | tokens/s | GFLOP/s | % of best SGEMM |")
            print("|---|---:|---|---:|---:|---:|")
            for key in sorted(cell_flops, key=lambda k: (kinds.index(k[0]), k[1], k[3])):
                k, d, m, b = key
                g = cell_flops[key]
                pct = "-" if not ref else "%.0f%%" % (100 * g / ref)
                print("| %s | %d | %s | %.0f | %.1f | %s |" % (k, d, b, cells[key][0], g, pct))
            print()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/target/jmh-cpu.json")
