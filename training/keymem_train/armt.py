"""Reference Associative Recurrent Memory Transformer (ARMT; Rodkin, Kuratov, Bulatov, Burtsev 2024,
arXiv 2407.04841), written for keymem after reading the authors' code
(RodkinIvan/associative-recurrent-memory-transformer, modeling_amt/language_modeling.py).

The decoder is rmt.py's pre-norm GPT-2 (same blocks, same names); every block is wrapped as the
authors wrap it (``h.i.layer`` is the block, ``h.i.W_mq / W_mk / W_mv / W_mb`` its associative
memory's projections). Per segment of n tokens the input is ``[segment | m memory tokens]`` (word
embeddings, then the learned memory parameter, the same at every segment; positions 0..n+m-1). Per
layer l, with the layer's associative matrix A_l [dk, d] and normaliser z_l [dk] (dk = 2 nu d_mem):

  read   (every position, before block l):
           q = normalize(phi(x W_mq));  x <- x + (q A_l) / (q . z_l + 1e-5)
  block  y = block_l(x)
  write  (after block l, from y's last m rows, the memory tokens; only when the segment writes):
           k = normalize(phi(y_mem W_mk)); v = y_mem W_mv; beta = sigmoid(y_mem W_mb + b_mb)
           den = k . z_l + 1e-5;  v_old = (k A_l) / den;  gamma = clip(1 - den / |k|^2, 0, 1)
           A_l <- A_l + sum_j k_j^T beta_j (v_j - v_old_j);   z_l <- z_l + sum_j gamma_j k_j

phi is DPFP (Schlag et al. 2021) with nu: r = [relu(u), relu(-u)] (2 d_mem), phi(u) is the
concatenation over j = 1..nu of r * roll(r, j). gamma is not differentiated through (as upstream).

Where this differs from the authors' code: (1) one head of associative memory (their default);
(2) no first-segment special case: upstream skips the read on the first segment and uses
v_old = 0, gamma = 1 for its write. With A = 0, z = 0 the read is exactly 0 and v_old exactly 0, so
the only difference is the first write's gamma = 1 - 1e-5/|k|^2 instead of 1; the state is then
just (A_l, z_l) per layer, with no flag. (3) A short last segment (a read at question time) runs
``[segment]`` without memory tokens and writes nothing, as upstream's generate mode does.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .rmt import GPT2Block, GPT2Transformer


def dpfp(u, nu):
    r = torch.cat([F.relu(u), F.relu(-u)], dim=-1)
    return torch.cat([r * r.roll(shifts=j, dims=-1) for j in range(1, nu + 1)], dim=-1)


class AssociativeBlock(nn.Module):
    def __init__(self, d, heads, inner, eps, d_mem, nu):
        super().__init__()
        self.layer = GPT2Block(d, heads, inner, eps)
        self.nu = nu
        self.W_mq = nn.Linear(d, d_mem, bias=False)
        self.W_mk = nn.Linear(d, d_mem, bias=False)
        self.W_mv = nn.Linear(d, d, bias=False)
        self.W_mb = nn.Linear(d, 1)
        nn.init.zeros_(self.W_mv.weight)

    def feature(self, u):
        return F.normalize(dpfp(u, self.nu), dim=-1, p=2.0)

    def read(self, x, A, z):
        q = self.feature(self.W_mq(x))                    # [B, n, dk]
        num = q @ A                                       # [B, n, d]
        den = (q * z[:, None, :]).sum(-1, keepdim=True) + 1e-5
        return num / den

    def write(self, y_mem, A, z):
        k = self.feature(self.W_mk(y_mem))                # [B, m, dk]
        v = self.W_mv(y_mem)                              # [B, m, d]
        beta = torch.sigmoid(self.W_mb(y_mem))            # [B, m, 1]
        den = (k * z[:, None, :]).sum(-1, keepdim=True) + 1e-5
        v_old = (k @ A) / den
        gamma = torch.clamp(1 - den / (torch.linalg.norm(k, dim=-1) ** 2)[..., None], 0, 1).detach()
        A = A + k.transpose(1, 2) @ (beta * (v - v_old))
        z = z + (gamma * k).sum(1)
        return A, z


class ArmtTransformer(GPT2Transformer):
    def __init__(self, cfg, d_mem, nu):
        super().__init__(cfg)
        d = cfg["n_embd"]
        self.h = nn.ModuleList(AssociativeBlock(d, cfg["n_head"], cfg["n_inner"], cfg["layer_norm_epsilon"], d_mem, nu)
                               for _ in range(cfg["n_layer"]))

    def forward_assoc(self, inputs_embeds, state, write_from):
        """state: list of (A [B, dk, d], z [B, dk]) per layer. write_from: first memory row, or None
        (no write). Returns (hidden_states as HF gives them: the input of every block, then ln_f of
        the last output; the per-layer reads; the new state)."""
        n = inputs_embeds.shape[1]
        x = inputs_embeds + self.wpe(torch.arange(n, device=inputs_embeds.device))[None]
        hs, reads, new_state = [], [], []
        for blk, (A, z) in zip(self.h, state):
            hs.append(x)
            r = blk.read(x, A, z)
            reads.append(r)
            x = blk.layer(x + r)
            if write_from is not None:
                A, z = blk.write(x[:, write_from:], A, z)
            new_state.append((A, z))
        hs.append(self.ln_f(x))
        return hs, reads, new_state


class ArmtLMHeadModel(nn.Module):
    def __init__(self, cfg, d_mem, nu):
        super().__init__()
        self.transformer = ArmtTransformer(cfg, d_mem, nu)
        self.lm_head = nn.Linear(cfg["n_embd"], cfg["vocab_size"], bias=False)

    def get_input_embeddings(self):
        return self.transformer.wte


class AssociativeMemoryCell(nn.Module):
    def __init__(self, cfg, num_mem_tokens, d_mem, nu):
        super().__init__()
        self.model = ArmtLMHeadModel(cfg, d_mem, nu)
        self.num_mem_tokens = num_mem_tokens
        self.d_key = 2 * nu * d_mem
        self.d = cfg["n_embd"]
        self.n_layer = cfg["n_layer"]
        std = self.model.transformer.wte.weight.data.std()
        self.memory = nn.Parameter(torch.randn(num_mem_tokens, cfg["n_embd"]) * std)

    def initial_state(self, batch):
        return [(torch.zeros(batch, self.d_key, self.d), torch.zeros(batch, self.d_key)) for _ in range(self.n_layer)]

    def forward(self, input_ids, state, write_mem=True, with_reads=False):
        """One segment. Returns (logits at the segment positions, new state (the old one when not
        writing), hidden_states[, reads])."""
        b, n = input_ids.shape
        emb = self.model.transformer.wte(input_ids)
        if write_mem:
            emb = torch.cat([emb, self.memory[None].expand(b, -1, -1)], dim=1)
        hs, reads, new_state = self.model.transformer.forward_assoc(emb, state, n if write_mem else None)
        logits = self.model.lm_head(hs[-1][:, :n])
        out = (logits, new_state, hs)
        return out + (reads,) if with_reads else out


class AssociativeRecurrentWrapper(nn.Module):
    def __init__(self, memory_cell, segment_size):
        super().__init__()
        self.memory_cell = memory_cell
        self.segment_size = segment_size

    def forward_decoder(self, input_ids):
        b, t = input_ids.shape
        state = self.memory_cell.initial_state(b)
        logits = []
        for s in range(0, t, self.segment_size):
            lg, state, _ = self.memory_cell(input_ids[:, s:s + self.segment_size], state, write_mem=True)
            logits.append(lg)
        return torch.cat(logits, dim=1), state
