#!/usr/bin/env python3
"""Trains a one-layer gated delta model on Zoology-style MQAR with noise, plain or with Memory
Caching (GRM, learned gates u = x W_u), and exports config.json (ModelConfig format) +
model.safetensors (ModelWeights names + lm_head.weight) + a parity fixture.

  nice -n 10 python3 training/train_mc.py --mc grm --out training/artifacts/mc-grm-learned
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keymem_train import st  # noqa: E402
from keymem_train.cells import GatedDeltaMC, fast_logits  # noqa: E402
from keymem_train.tasks import mqar_batch, mqar_spread_batch  # noqa: E402


TASK = {"name": "mqar_noise", "density": 8}


def mqar_noise_batch(batch, length, pairs, keys, values, noise, gen):
    if TASK["name"] == "mqar_spread":
        return mqar_spread_batch(batch, length, pairs, keys, values, noise, gen, TASK["density"])
    ids, tgt = mqar_batch(batch, length, pairs, keys, values, gen)
    filler = ids == keys + values
    ids[filler] = keys + values + torch.randint(noise, (int(filler.sum()),), generator=gen)
    return ids, tgt


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--task", default="mqar_noise", choices=["mqar_noise", "mqar_spread"],
                   help="mqar_spread: length // 8 pairs spread over the stream, --pairs queries at the end")
    p.add_argument("--density", type=int, default=8,
                   help="mqar_spread: one (key, value) pair per this many tokens (length // density pairs)")
    p.add_argument("--eval-multiples", default="1,2,4",
                   help="recall logged at the end at these multiples of --length")
    p.add_argument("--cosine", action="store_true", help="cosine learning-rate decay to 0 over --steps")
    p.add_argument("--reference", action="store_true",
                   help="train through the reference recurrence (slow) instead of keymem_train.cells.fast_logits")
    p.add_argument("--mc", default="grm", choices=["none", "grm"])
    p.add_argument("--gates", default="learned", choices=["learned", "param_free"])
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--length", type=int, default=128)
    p.add_argument("--segment", type=int, default=32)
    p.add_argument("--pairs", type=int, default=8)
    p.add_argument("--keys", type=int, default=32)
    p.add_argument("--values", type=int, default=32)
    p.add_argument("--noise", type=int, default=64)
    p.add_argument("--d", type=int, default=64)
    p.add_argument("--heads", type=int, default=2)
    p.add_argument("--kd", type=int, default=16)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--max-minutes", type=float, default=15)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--init", default=None, help="start from this artifact's weights (u_proj may be absent)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    TASK["name"] = a.task
    TASK["density"] = a.density
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed + 1000)
    vocab = a.keys + a.values + a.noise
    model = GatedDeltaMC(vocab, a.d, a.heads, a.kd, a.kd, learned_gates=(a.mc != "none" and a.gates == "learned"))
    if a.init:
        missing, unexpected = model.load_state_dict(st.load(os.path.join(a.init, "model.safetensors")), strict=False)
        assert not unexpected and set(missing) <= {"u_proj.weight"}, (missing, unexpected)
    mc = None if a.mc == "none" else {"segment": a.segment, "read": a.mc, "top_k": 2, "gates": a.gates}
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, (lambda s: 0.5 * (1 + math.cos(math.pi * min(s, a.steps) / a.steps))) if a.cosine else (lambda s: 1.0))
    os.makedirs(a.out, exist_ok=True)
    log = open(os.path.join(a.out, "train.log"), "w")
    t0 = time.time()

    def say(m):
        line = f"[{time.time() - t0:7.1f}s] {m}"
        print(line, flush=True)
        log.write(line + "\n")
        log.flush()

    def logits_at(ids, tgt, read):
        """Logits and targets at the query positions ([B, P, vocab], [B, P])."""
        pos = sorted(set((tgt != -100).nonzero()[:, 1].tolist()))
        same = bool((tgt[:, pos] != -100).all())
        if a.reference or not same or (read is not None and read["read"] != "grm"):
            logits, _ = model(ids, read)
            return logits, tgt
        return fast_logits(model, ids, read, pos), tgt[:, pos]

    @torch.no_grad()
    def recall(length, n=128, read="trained"):
        read = mc if read == "trained" else read
        ids, tgt = mqar_noise_batch(n, length, a.pairs, a.keys, a.values, a.noise, torch.Generator().manual_seed(99))
        logits, tgt = logits_at(ids, tgt, read)
        m = tgt != -100
        return (logits.argmax(-1)[m] == tgt[m]).float().mean().item()

    say(f"args {vars(a)}")
    step = 0
    while step < a.steps and time.time() - t0 < a.max_minutes * 60:
        step += 1
        ids, tgt = mqar_noise_batch(a.batch, a.length, a.pairs, a.keys, a.values, a.noise, gen)
        logits, tgt = logits_at(ids, tgt, mc)
        loss = F.cross_entropy(logits.reshape(-1, vocab), tgt.reshape(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 50 == 0:
            say(f"step {step} loss {loss.item():.4f} recall@{a.length} {recall(a.length):.3f}")
    wall = time.time() - t0
    mults = [int(x) for x in a.eval_multiples.split(",")]
    final = {L: recall(L, 64) for L in (m * a.length for m in mults)}
    say(f"done after {step} steps, {wall:.0f}s; recall by length {final}")
    if mc is not None:
        plain = {L: recall(L, 64, None) for L in (m * a.length for m in mults)}
        say(f"the same weights read plain: {plain}")
    cfg = {"cell": "gated_delta", "vocab_size": vocab, "d_model": a.d, "heads": a.heads, "key_dim": a.kd,
           "value_dim": a.kd, "chunk_size": 64, "scale": a.kd ** -0.5, "normalize": False, "normalize_keys": True,
           "memory": {"key_shift": 1, "caching": None if mc is None else
                      {"segment_length": a.segment, "read": a.mc, "top_k": 2, "gates": a.gates},
                      "task": {"name": a.task, "pairs": a.pairs, "keys": a.keys, "values": a.values,
                               "noise": a.noise, "train_length": a.length, "density": a.density}}}
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    sd = {k: v for k, v in model.state_dict().items()}
    st.save(os.path.join(a.out, "model.safetensors"), sd, {"format": "pt", "seed": str(a.seed)})
    # parity fixture: one stream, the cell outputs and logits under every read the Java side serves
    fx_ids, _ = mqar_noise_batch(1, 96 if a.task == "mqar_spread" else 100, a.pairs, a.keys, a.values, a.noise, torch.Generator().manual_seed(5))
    fx = {"input_ids": fx_ids[0]}
    with torch.no_grad():
        variants = {"plain": None}
        for read in ("grm", "ssc"):
            variants[f"{read}.param_free"] = {"segment": 16, "read": read, "top_k": 2, "gates": "param_free"}
            if model.u_proj is not None:
                variants[f"{read}.learned"] = {"segment": 16, "read": read, "top_k": 2, "gates": "learned"}
        for name, v in variants.items():
            logits, o = model(fx_ids, v)
            fx[f"{name}.out"] = o[0]
            fx[f"{name}.logits"] = logits[0]
    st.save(os.path.join(a.out, "fixture.safetensors"), fx, {"segment_length": "16", "top_k": "2"})
    meta = {"command": "python3 training/train_mc.py " + " ".join(sys.argv[1:]), "seed": a.seed, "steps": step,
            "wall_seconds": round(wall, 1), "recall_by_length": final, "torch": torch.__version__}
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
