#!/usr/bin/env python3
"""Plots docs/rmt-armt-accuracy.png: detect & memorize accuracy vs tokens per key, RMT beside ARMT.

The numbers are the `memctl rmt-eval` results docs/rmt.md lists (section "ARMT", table "detect &
memorize"), each the accuracy over 32 keys (16 for ARMT at 1,048,576 tokens); None where a model was
not run at that length. Re-run those commands to re-measure; this script only draws.

  python3 training/plot_rmt_armt.py --out docs/rmt-armt-accuracy.png
"""
import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LENGTHS = [32, 256, 2048, 16384, 65536, 1048576]
SERIES = {
    "RMT, curriculum + noise/hold stage (660 B/key)": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    "RMT, curriculum only (660 B/key)": [1.0, 1.0, 0.219, 0.219, 0.531, None],
    "ARMT, curriculum only (25,492 B/key)": [1.0, 1.0, 0.688, 0.188, 0.313, None],
    "ARMT, curriculum + hold stage (25,492 B/key)": [1.0, 0.969, 0.969, 0.750, 0.406, 0.125],
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    fig, ax = plt.subplots(figsize=(7.5, 4.5), dpi=100)
    for (name, ys), style in zip(SERIES.items(), ["o-", "s--", "^--", "D-"]):
        pts = [(x, y) for x, y in zip(LENGTHS, ys) if y is not None]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], style, label=name)
    ax.axhline(1 / 6, color="grey", lw=0.8, ls=":", label="chance (1/6)")
    ax.axvline(256, color="grey", lw=0.8, ls="-.", label="longest training stream (8 segments)")
    ax.set_xscale("log", base=2)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("tokens per key (log2)")
    ax.set_ylabel("accuracy")
    ax.set_title("Detect & memorize: RMT vs ARMT, accuracy vs tokens per key")
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(a.out)


if __name__ == "__main__":
    main()
