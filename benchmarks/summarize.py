#!/usr/bin/env python3
"""Turns a JMH JSON result of GemmBench/CellBench into the markdown tables of docs/benchmarks.md.

Every rate is given twice: per second of the benchmark thread's CPU time (from CpuCounters: what
the code does while it runs; robust to other processes sharing the cores) and, in parentheses, per
wall-clock second (JMH's own score). Values are the mean over measurement iterations; the CPU-time
rate's spread is its standard deviation over iterations.
"""
import json
import math
import statistics
import sys

CHUNK = 64
HEADS = 4
TOKENS = 1024


def num(x):
    """JMH writes "NaN" (a string) for an error it cannot estimate."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def per_iteration(sec, name):
    raw = sec.get(name, {}).get("rawData", [])
    return [num(v) for fork in raw for v in fork]


def cpu_rate(sec, numerator, scale):
    """Mean and stdev over iterations of numerator * scale / cpu seconds."""
    top = per_iteration(sec, numerator)
    cpu = per_iteration(sec, "cpuNanos")
    rates = [t * scale / (c / 1e9) for t, c in zip(top, cpu) if c > 0]
    if not rates:
        return math.nan, math.nan
    return statistics.mean(rates), (statistics.stdev(rates) if len(rates) > 1 else math.nan)


def fmt(v, digits):
    return "-" if v is None or math.isnan(v) else ("%." + str(digits) + "f") % v


def main(path):
    runs = json.load(open(path))
    gemm = {}
    cells = {}
    cell_flops = {}
    for r in runs:
        cls_method = r["benchmark"].rsplit(".", 2)
        cls, method = cls_method[-2], cls_method[-1]
        p = r.get("params", {})
        wall = num(r["primaryMetric"]["score"])
        sec = r.get("secondaryMetrics", {})
        if cls == "GemmBench":
            s = p["shape"]
            m, n, k = (int(x) for x in s[:-2].split("x"))
            g, gsd = cpu_rate(sec, "flops", 1e-9)
            gemm[(p["backend"], s)] = (g, gsd, wall * 2.0 * m * n * k / 1e9)
        elif cls == "CellBench":
            key = (p["kind"], int(p["dim"]), method, p.get("backend", "-"))
            t, tsd = cpu_rate(sec, "calls", TOKENS)
            cells[key] = (t, tsd, wall)
            f, fsd = cpu_rate(sec, "flops", 1e-9)
            if f > 0:
                cell_flops[key] = (f, fsd)
    best = None
    if gemm:
        backends = [b for b in ("scalar", "vector", "nd4j") if any(k[0] == b for k in gemm)]
        shapes = []
        for (_, s) in gemm:
            if s not in shapes:
                shapes.append(s)
        print("### Single-thread SGEMM, GFLOP/s per CPU second ± sd (wall clock in parentheses)\n")
        print("C = op(A) op(B), beta 0, shape m x n x k, N/T = op of A, then of B.\n")
        print("| shape | " + " | ".join(backends) + " |")
        print("|---|" + "---:|" * len(backends))
        for s in shapes:
            row = []
            for b in backends:
                v = gemm.get((b, s))
                row.append("-" if v is None else "%s ± %s (%s)" % (fmt(v[0], 1), fmt(v[1], 1), fmt(v[2], 1)))
            print("| %s | %s |" % (s, " | ".join(row)))
        best = max(gemm.items(), key=lambda kv: kv[1][0])
        print("\nBest single-thread SGEMM rate in this run: %.1f GFLOP/s per CPU second (%s, %s)\n"
              % (best[1][0], best[0][0], best[0][1]))
    if cells:
        kinds = [k for k in ("linear", "gated_linear", "delta", "gated_delta", "deep") if any(c[0] == k for c in cells)]
        dims = sorted({c[1] for c in cells})
        cols = []
        for c in (("recurrent", "-"), ("chunked", "scalar"), ("chunked", "vector"), ("chunked", "nd4j")):
            if any((k[2], k[3]) == c for k in cells):
                cols.append(c)
        print("### Tokens/s per key and CPU second (wall clock in parentheses)\n")
        print("Single thread, H=4, K=V=dim, chunk 64, 1024 tokens per call, state carried from call to call.\n")
        print("| kind | dim | " + " | ".join(m if m == "recurrent" else "chunked " + b for m, b in cols) + " |")
        print("|---|---:|" + "---:|" * len(cols))
        for k in kinds:
            for d in dims:
                row = []
                for m, b in cols:
                    v = cells.get((k, d, m, b))
                    row.append("-" if v is None else "%s (%s)" % (fmt(v[0], 0), fmt(v[2], 0)))
                print("| %s | %d | %s |" % (k, d, " | ".join(row)))
        print()
        if cell_flops:
            ref = best[1][0] if best else None
            print("### Chunked matrix cells: effective GFLOP/s of the chunked algorithm's products\n")
            print("Per CPU second ± sd; the last column divides by the best single-thread SGEMM rate above.\n")
            print("| kind | dim | backend | tokens/s | GFLOP/s | % of best SGEMM |")
            print("|---|---:|---|---:|---:|---:|")
            order = ["scalar", "vector", "nd4j"]
            for key in sorted(cell_flops, key=lambda k: (kinds.index(k[0]), k[1], order.index(k[3]))):
                k, d, m, b = key
                g, gsd = cell_flops[key]
                pct = "-" if not ref else "%.0f%%" % (100 * g / ref)
                print("| %s | %d | %s | %s | %s ± %s | %s |" % (k, d, b, fmt(cells[key][0], 0), fmt(g, 1), fmt(gsd, 1), pct))
            print()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/target/jmh-cpu.json")
