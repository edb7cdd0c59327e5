#!/usr/bin/env python3
"""Sanity check of the reasoning task without memory: PyTorch's own nn.TransformerEncoder (causal,
pre-norm, default initialisation: token embeddings N(0, 1)) trained on one-segment reasoning streams
ending '<Q> <name> <Q> <name> <Q> <object>' (train_rmt.py --extra-questions). Prints the loss of the
first name question (the lookup hop alone) and of the object question (both hops).

  nice -n 10 python3 training/sanity_reasoning.py --length 16 --minutes 7
"""
import argparse
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keymem_train import tasks  # noqa: E402
from train_rmt import extra_questions  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--length", type=int, default=16)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--minutes", type=float, default=7)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    g = torch.Generator().manual_seed(a.seed + 1)
    L, d, v = a.length, a.hidden, tasks.vocab_size(64)
    emb = nn.Embedding(v, d)
    pos = nn.Parameter(torch.randn(L, d) * 0.1)
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(d, 4, 4 * d, dropout=0.0, batch_first=True,
                                                           norm_first=True), a.layers)
    head = nn.Linear(d, v)
    params = list(emb.parameters()) + [pos] + list(enc.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=a.lr)
    mask = torch.triu(torch.full((L, L), float("-inf")), 1)
    t0 = time.time()
    step = 0
    while time.time() - t0 < a.minutes * 60:
        step += 1
        ids, ans, ends = tasks.fact_batch("reasoning", 64, L - 4, 64, g, with_end=True)
        ids, ans, _ = extra_questions(ids, ans, ends, L, g)
        h = head(enc(emb(ids) + pos, mask=mask))
        losses = [F.cross_entropy(h[:, q], ans[:, i]) for i, q in enumerate([-5, -3, -1])]
        loss = sum(losses) / 3
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 100 == 0:
            acc = (h[:, -1].argmax(-1) == ans[:, 2]).float().mean().item()
            print(f"{time.time() - t0:6.0f}s step {step} name-question loss {losses[0].item():.3f} "
                  f"object-question loss {losses[2].item():.3f} object accuracy (this batch) {acc:.3f}", flush=True)


if __name__ == "__main__":
    main()
