#!/usr/bin/env python3
"""Writes the golden parity fixtures the Java tests read (no Python needed there):
a seeded random RMT decoder and encoder, and an associative RMT (ARMT) decoder (weights with unit-scale activations so every nonlinearity
matters), each as <dir>/<name>/{config.json, model.safetensors, fixture.safetensors}. The fixture holds
the input ids, the memory before and after every segment, every layer's hidden states of every
segment (2 full segments, then a short one; ARMT: 3 full ones, then a short one), and the logits;
for ARMT also every layer's associative read and its A and z after every full segment.

  python3 training/export_fixtures.py --out models/src/test/resources/dev/keymem/models/rmt
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keymem_train import export  # noqa: E402


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            if "LayerNorm.weight" in name or name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight")):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif p.dim() == 1:
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif "embeddings" in name or "wte" in name or "wpe" in name or name.endswith("memory"):
                p.copy_(torch.randn(p.shape, generator=g))
            else:
                fan_in = p.shape[0] if ".c_" in name else p.shape[1]  # Conv1D [in,out], Linear [out,in]
                p.copy_(torch.randn(p.shape, generator=g) * (1.5 / fan_in ** 0.5))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=12)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    dec = {"layout": "decoder", "vocab_size": 40, "hidden_size": 32, "num_layers": 2, "num_heads": 4,
           "intermediate_size": 64, "max_positions": 24, "layer_norm_eps": 1e-5, "hidden_act": "gelu_new",
           "num_mem_tokens": 4, "segment_size": 16}
    enc = {"layout": "encoder", "vocab_size": 44, "hidden_size": 32, "num_layers": 2, "num_heads": 4,
           "intermediate_size": 64, "max_positions": 24, "layer_norm_eps": 1e-12, "hidden_act": "gelu",
           "num_mem_tokens": 4, "segment_size": 16, "type_vocab_size": 2, "cls_token_id": 1, "sep_token_id": 2,
           "pad_token_id": 0, "num_labels": 6}
    armt = dict(dec, arch="armt", assoc_dim=8, assoc_nu=3, max_positions=20)
    for name, cfg, fixture in (("decoder", dec, export.decoder_fixture), ("encoder", enc, export.encoder_fixture),
                               ("armt", armt, export.armt_fixture)):
        model = export.build(cfg)
        randomize(model, a.seed)
        d = os.path.join(a.out, name)
        export.save_model(model, cfg, d, {"format": "pt", "seed": str(a.seed), "note": "random weights, parity only"})
        g = torch.Generator().manual_seed(a.seed + 1)
        full = 3 if name == "armt" else 2
        ids = torch.randint(3, 40, (full * cfg["segment_size"] + 5,), generator=g)
        export.save_fixture(fixture(model, cfg, ids), cfg, os.path.join(d, "fixture.safetensors"),
                            f"{full} full segments and a short one of 5 tokens")
        print("wrote", d)


if __name__ == "__main__":
    main()
