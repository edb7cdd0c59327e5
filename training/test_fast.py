#!/usr/bin/env python3
"""Checks keymem_train.cells.fast_logits (the trainer's fast path) against the reference recurrence."""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keymem_train.cells import GatedDeltaMC, fast_logits  # noqa: E402

torch.manual_seed(0)
torch.set_num_threads(1)
m = GatedDeltaMC(40, 16, 2, 8, 8, learned_gates=True)
ids = torch.randint(40, (3, 70))
pos = [0, 5, 15, 16, 17, 31, 32, 47, 60, 69]
worst = 0.0
for mc in (None, {"segment": 16, "read": "grm", "top_k": 2, "gates": "learned"},
           {"segment": 8, "read": "grm", "top_k": 2, "gates": "param_free"}):
    ref, _ = m(ids, mc)
    fast = fast_logits(m, ids, mc, pos)
    err = (ref[:, pos] - fast).abs().max().item() / ref.abs().max().item()
    worst = max(worst, err)
    print(mc, f"max relative error {err:.2e}")
assert worst < 1e-5, worst
print("ok")
