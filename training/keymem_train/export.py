"""Exports an RMT model (safetensors with the PyTorch state_dict names + the JSON config the Java side
reads) and golden fixtures (inputs, memories, every layer's hidden states, logits) for parity tests."""
import json
import os

import torch

from . import st
from .armt import AssociativeMemoryCell, AssociativeRecurrentWrapper
from .rmt import DecoderMemoryCell, EncoderMemoryCell, RecurrentWrapper


def hf_config(cfg):
    if cfg["layout"] == "decoder":
        return {"vocab_size": cfg["vocab_size"], "n_embd": cfg["hidden_size"], "n_layer": cfg["num_layers"],
                "n_head": cfg["num_heads"], "n_inner": cfg["intermediate_size"],
                "n_positions": cfg["max_positions"], "layer_norm_epsilon": cfg["layer_norm_eps"]}
    return {"vocab_size": cfg["vocab_size"], "hidden_size": cfg["hidden_size"],
            "num_hidden_layers": cfg["num_layers"], "num_attention_heads": cfg["num_heads"],
            "intermediate_size": cfg["intermediate_size"], "max_position_embeddings": cfg["max_positions"],
            "type_vocab_size": cfg["type_vocab_size"], "layer_norm_eps": cfg["layer_norm_eps"],
            "hidden_act": cfg["hidden_act"], "num_labels": cfg["num_labels"], "cls_token_id": cfg["cls_token_id"],
            "sep_token_id": cfg["sep_token_id"], "pad_token_id": cfg["pad_token_id"]}


def build(cfg):
    if cfg.get("arch", "rmt") == "armt":
        cell = AssociativeMemoryCell(hf_config(cfg), cfg["num_mem_tokens"], cfg["assoc_dim"], cfg["assoc_nu"])
        return AssociativeRecurrentWrapper(cell, cfg["segment_size"])
    if cfg["layout"] == "decoder":
        cell = DecoderMemoryCell(hf_config(cfg), cfg["num_mem_tokens"])
    else:
        cell = EncoderMemoryCell(hf_config(cfg), cfg["num_mem_tokens"])
    return RecurrentWrapper(cell, cfg["segment_size"])


def save_model(wrapper, cfg, out_dir, metadata=None):
    os.makedirs(out_dir, exist_ok=True)
    sd = {k: v for k, v in wrapper.state_dict().items()}
    st.save(os.path.join(out_dir, "model.safetensors"), sd, metadata or {"format": "pt"})
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")


def load_model(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    w = build(cfg)
    w.load_state_dict(st.load(os.path.join(model_dir, "model.safetensors")))
    return w, cfg


@torch.no_grad()
def decoder_fixture(wrapper, cfg, ids):
    """ids [T] int64. Full segments run in write mode; a short last segment runs in read mode
    ([memory | segment]), as a query over a partial buffer does."""
    cell = wrapper.memory_cell
    L = cfg["segment_size"]
    out = {"input_ids": ids.clone()}
    mem = cell.memory[None]
    out["memory.0"] = mem[0]
    s = 0
    for start in range(0, ids.shape[0], L):
        seg = ids[None, start:start + L]
        full = seg.shape[1] == L
        logits, new_mem, hs = cell(seg, mem, write_mem=full)
        for i, h in enumerate(hs):
            out[f"seg.{s}.hidden.{i}"] = h[0]
        out[f"seg.{s}.logits"] = logits[0]
        if full:
            mem = new_mem
            out[f"memory.{s + 1}"] = mem[0]
        s += 1
    return out


@torch.no_grad()
def armt_fixture(wrapper, cfg, ids):
    """ids [T] int64. Full segments write ([segment | memory tokens]); a short last segment reads
    only ([segment]). Stores every layer's input (hidden.i), its associative read (read.i), ln_f's
    output (hidden.L), the logits, and every layer's A and z after each full segment."""
    cell = wrapper.memory_cell
    L = cfg["segment_size"]
    out = {"input_ids": ids.clone()}
    state = cell.initial_state(1)
    s = 0
    for start in range(0, ids.shape[0], L):
        seg = ids[None, start:start + L]
        full = seg.shape[1] == L
        logits, state, hs, reads = cell(seg, state, write_mem=full, with_reads=True)
        for i, h in enumerate(hs):
            out[f"seg.{s}.hidden.{i}"] = h[0]
        for i, r in enumerate(reads):
            out[f"seg.{s}.read.{i}"] = r[0]
        out[f"seg.{s}.logits"] = logits[0]
        if full:
            for i, (A, z) in enumerate(state):
                out[f"assoc.{s + 1}.A.{i}"] = A[0]
                out[f"assoc.{s + 1}.z.{i}"] = z[0]
        s += 1
    return out


@torch.no_grad()
def encoder_fixture(wrapper, cfg, ids):
    """ids [T]; the short last segment is right-padded to the segment size and masked, as the
    reference does; only its unpadded rows are stored (they equal the unpadded run's)."""
    cell = wrapper.memory_cell
    L = cfg["segment_size"]
    m = cfg["num_mem_tokens"]
    out = {"input_ids": ids.clone()}
    mem = cell.initial_memory(1)
    out["memory.0"] = mem[0]
    s = 0
    for start in range(0, ids.shape[0], L):
        seg = ids[start:start + L]
        n = seg.shape[0]
        if n < L:
            padded = torch.cat([seg, torch.full((L - n,), cfg["pad_token_id"], dtype=torch.long)])
            cls_logits, mem, hs = cell(padded[None], mem, seg_len=torch.tensor([n]))
        else:
            cls_logits, mem, hs = cell(seg[None], mem)
        for i, h in enumerate(hs):
            out[f"seg.{s}.hidden.{i}"] = h[0, :m + 3 + n]
        out[f"seg.{s}.class_logits"] = cls_logits[0]
        out[f"memory.{s + 1}"] = mem[0]
        s += 1
    return out


def save_fixture(tensors, cfg, path, note):
    st.save(path, tensors, {"segment_size": cfg["segment_size"], "layout": cfg["layout"], "note": note})
