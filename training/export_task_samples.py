#!/usr/bin/env python3
"""Writes samples of the fact tasks (keymem_train/tasks.py) as text for the Java FactTask test, which
checks that both generators obey the same rules (models/.../rmt/FactTaskTest.java):

  python3 training/export_task_samples.py --out models/src/test/resources/dev/keymem/models/rmt/fact-tasks-python.txt

One line per sample: task, answer, then the tokens.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keymem_train import tasks  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--samples", type=int, default=100)
    p.add_argument("--noise", type=int, default=64)
    a = p.parse_args()
    gen = torch.Generator().manual_seed(11)
    with open(a.out, "w") as f:
        f.write("# training/export_task_samples.py: task answer tokens...\n")
        for task in ("memorize", "detect_memorize", "reasoning"):
            for length in (12, 32, 64):
                ids, ans = tasks.fact_batch(task, a.samples, length, a.noise, gen)
                for b in range(a.samples):
                    f.write(f"{task} {ans[b].item()} " + " ".join(str(t) for t in ids[b].tolist()) + "\n")


if __name__ == "__main__":
    main()
