#!/usr/bin/env python3
"""Trains a small RMT decoder (or, with --arch armt, an associative RMT: keymem_train/armt.py) on a
fact task with a segment curriculum 1 -> 2 -> ... -> max and exports it (model.safetensors,
config.json, train.log, meta.json, fixture.safetensors).

  nice -n 10 python3 training/train_rmt.py --task detect_memorize --out training/artifacts/rmt-detect
  nice -n 10 python3 training/train_rmt.py --arch armt --task detect_memorize --out training/artifacts/armt-detect
"""
import argparse
import json
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keymem_train import export, tasks  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--task", default="detect_memorize", choices=["memorize", "detect_memorize", "reasoning"])
    p.add_argument("--out", required=True)
    p.add_argument("--arch", default="rmt", choices=["rmt", "armt"],
                   help="rmt: memory tokens carried between segments; armt: per-layer associative memory")
    p.add_argument("--assoc-dim", type=int, default=16, help="armt: d_mem, the key projection's width")
    p.add_argument("--assoc-nu", type=int, default=3, help="armt: DPFP nu (keys have 2 nu d_mem features)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--mem", type=int, default=4)
    p.add_argument("--segment", type=int, default=32)
    p.add_argument("--noise", type=int, default=64)
    p.add_argument("--max-segments", type=int, default=8)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--advance-at", type=float, default=0.98)
    p.add_argument("--min-stage-steps", type=int, default=100)
    p.add_argument("--max-stage-steps", type=int, default=4000)
    p.add_argument("--final-steps", type=int, default=500, help="steps at max segments after reaching the threshold")
    p.add_argument("--max-minutes", type=float, default=22.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--init", default=None, help="continue from this artifact directory's weights")
    p.add_argument("--start-segments", type=int, default=1, help="curriculum stage to start at")
    p.add_argument("--mem-noise", type=float, default=0.0,
                   help="std of Gaussian noise added to the memory passed between segments while training")
    p.add_argument("--hold-loss", type=float, default=0.0,
                   help="weight of ||M_out - M_in||^2 on segments wholly after the facts (memory holds on noise)")
    a = p.parse_args()
    armt = a.arch == "armt"
    if armt and a.mem_noise > 0:
        p.error("--mem-noise applies to the RMT memory tokens only")

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed + 1000)
    evgen = torch.Generator().manual_seed(a.seed + 2000)
    cfg = {"layout": "decoder", "vocab_size": tasks.vocab_size(a.noise), "hidden_size": a.hidden,
           "num_layers": a.layers, "num_heads": a.heads, "intermediate_size": 4 * a.hidden,
           "max_positions": a.segment + 2 * a.mem, "layer_norm_eps": 1e-5, "hidden_act": "gelu_new",
           "num_mem_tokens": a.mem, "segment_size": a.segment,
           "task": {"name": a.task, "noise": a.noise, "question_token": tasks.Q,
                    "answer_tokens": tasks.PLACES}}
    if armt:
        cfg.update({"arch": "armt", "assoc_dim": a.assoc_dim, "assoc_nu": a.assoc_nu,
                    "max_positions": a.segment + a.mem})
    model = export.build(cfg)
    if a.init:
        from keymem_train import st as _st
        model.load_state_dict(_st.load(os.path.join(a.init, "model.safetensors")))
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01)
    os.makedirs(a.out, exist_ok=True)
    log = open(os.path.join(a.out, "train.log"), "w")

    def say(msg):
        line = f"[{time.time() - t0:7.1f}s] {msg}"
        print(line, flush=True)
        log.write(line + "\n")
        log.flush()

    @torch.no_grad()
    def evaluate(nseg, n=256):
        model.eval()
        ids, ans = tasks.fact_batch(a.task, n, nseg * a.segment, a.noise, evgen)
        logits, _ = model.forward_decoder(ids)
        model.train()
        return (logits[:, -1].argmax(-1) == ans).float().mean().item()

    t0 = time.time()
    say(f"config {json.dumps(cfg)} args {vars(a)}")
    cur, stage_steps, final_left, step = a.start_segments, 0, None, 0
    history = []
    while True:
        step += 1
        stage_steps += 1
        nseg = cur if random.random() < 0.5 else random.randint(1, cur)
        ids, ans, ends = tasks.fact_batch(a.task, a.batch, nseg * a.segment, a.noise, gen, with_end=True)
        cell = model.memory_cell
        hold = torch.zeros(())
        if armt:
            state = cell.initial_state(a.batch)
            for s in range(nseg):
                logits, new_state, _ = cell(ids[:, s * a.segment:(s + 1) * a.segment], state, write_mem=True)
                after = (ends <= s * a.segment).float()
                if a.hold_loss > 0 and s < nseg - 1:
                    for (A0, _), (A1, _) in zip(state, new_state):
                        hold = hold + (after[:, None, None] * (A1 - A0) ** 2).mean()
                state = new_state
        else:
            mem = cell.memory[None].expand(a.batch, -1, -1)
            for s in range(nseg):
                inp = mem
                if s > 0 and a.mem_noise > 0:
                    inp = mem + a.mem_noise * torch.randn(mem.shape, generator=gen)
                logits, new_mem, _ = cell(ids[:, s * a.segment:(s + 1) * a.segment], inp, write_mem=True)
                after = (ends <= s * a.segment).float()  # this segment holds only noise (and the question)
                if a.hold_loss > 0 and s < nseg - 1:
                    hold = hold + (after[:, None, None] * (new_mem - mem) ** 2).mean()
                mem = new_mem
        loss = F.cross_entropy(logits[:, -1], ans) + a.hold_loss * hold
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if final_left is not None:
            final_left -= 1
        if step % 50 == 0:
            acc = evaluate(cur)
            say(f"step {step} segments {cur} loss {loss.item():.4f} acc@{cur} {acc:.3f}")
            history.append({"step": step, "segments": cur, "loss": loss.item(), "acc": acc})
            if final_left is None and stage_steps >= a.min_stage_steps and (acc >= a.advance_at
                                                                            or stage_steps >= a.max_stage_steps):
                if cur < a.max_segments:
                    cur += 1
                    stage_steps = 0
                    say(f"curriculum -> {cur} segments")
                else:
                    final_left = a.final_steps
                    say(f"reached {cur} segments at acc {acc:.3f}; {a.final_steps} more steps")
        if (final_left is not None and final_left <= 0) or time.time() - t0 > a.max_minutes * 60:
            break
    wall = time.time() - t0
    accs = {n: evaluate(n, 512) for n in (1, 2, 4, 8, 16)}
    say(f"done after {step} steps, {wall:.0f}s; accuracy by segments {accs}")
    export.save_model(model, cfg, a.out, {"format": "pt", "task": a.task, "seed": str(a.seed)})
    fx_ids, _ = tasks.fact_batch(a.task, 1, 2 * a.segment + a.segment // 2, a.noise,
                                 torch.Generator().manual_seed(7))
    fixture = export.armt_fixture if armt else export.decoder_fixture
    export.save_fixture(fixture(model, cfg, fx_ids[0]), cfg,
                        os.path.join(a.out, "fixture.safetensors"), f"trained {a.arch} decoder, 2.5 segments")
    meta = {"command": "python3 training/" + os.path.basename(__file__) + " " + " ".join(sys.argv[1:]),
            "seed": a.seed, "steps": step, "wall_seconds": round(wall, 1), "final_segments": cur,
            "accuracy_by_segments": accs, "torch": torch.__version__, "threads": a.threads,
            "history": history}
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    log.close()


if __name__ == "__main__":
    main()
