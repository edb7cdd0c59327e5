"""Reference recurrent form of the gated delta cell and Memory Caching reads, mirroring the Java
classes (models/.../cells/RecurrentMatrixCell, caching/MemoryCaching.forwardReference) so weights
trained here serve there unchanged. Layouts as mechanisms.md: q, k [B,T,H,K], v [B,T,H,V], beta and g
[B,T,H], state [B,H,K,V].

Per token t (read after write):
    S = exp(g_t) S;  u = beta_t (v_t - S^T k_t);  S = S + k_t u^T;  o_t = S^T (scale q_t)
Memory Caching (checkpoint carry-over, constant segments of L tokens): after the token at position p
with (p + 1) % L == 0 the state is cached, C_i = S, with mu_i the mean of the segment's keys. Gated
reads: logits r_i = <u_t, mu_i> per head (raw dot product), the online logit uses the running mean
of the current segment's keys including token t; gamma = softmax over caches + online;
GRM o = gamma_on S_t(q) + sum_i gamma_i C_i(q); SSC keeps the top-k caches (ties: older) first.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class GatedDeltaMC(nn.Module):
    """Token ids -> embedding -> q (x_t), k (x_{t-1}: a one-token shift, so the value token writes under
    the preceding key token), v, beta, g (x_t) -> gated delta cell (+ Memory Caching) -> lm_head.
    Names as ModelWeights: embed, q_proj, k_proj, v_proj, b_proj, g_proj (+bias), u_proj, lm_head."""

    def __init__(self, vocab, d, heads, kd, vd, learned_gates):
        super().__init__()
        self.h, self.kd, self.vd = heads, kd, vd
        self.scale = kd ** -0.5
        self.embed = nn.Embedding(vocab, d)
        self.q_proj = nn.Linear(d, heads * kd, bias=False)
        self.k_proj = nn.Linear(d, heads * kd, bias=False)
        self.v_proj = nn.Linear(d, heads * vd, bias=False)
        self.b_proj = nn.Linear(d, heads, bias=False)
        self.g_proj = nn.Linear(d, heads)
        nn.init.constant_(self.g_proj.bias, 3.0)
        self.u_proj = nn.Linear(d, heads * kd, bias=False) if learned_gates else None
        self.lm_head = nn.Linear(heads * vd, vocab, bias=False)

    def project(self, ids):
        x = self.embed(ids)
        b, t, _ = x.shape
        xs = torch.cat([torch.zeros_like(x[:, :1]), x[:, :-1]], dim=1)
        q = self.q_proj(x).view(b, t, self.h, self.kd)
        k = self.k_proj(xs).view(b, t, self.h, self.kd)
        k = k / torch.sqrt((k * k).sum(-1, keepdim=True) + 1e-12)
        v = self.v_proj(x).view(b, t, self.h, self.vd)
        beta = torch.sigmoid(self.b_proj(x))
        g = F.logsigmoid(self.g_proj(x))
        u = self.u_proj(x).view(b, t, self.h, self.kd) if self.u_proj is not None else None
        return q, k, v, beta, g, u

    def forward(self, ids, mc=None):
        """mc: None (plain cell) or dict(segment=L, read='grm'|'ssc', top_k=k, gates='learned'|'param_free').
        Returns logits [B,T,vocab] and the cell outputs o [B,T,H*V]."""
        q, k, v, beta, g, u = self.project(ids)
        if mc is not None and mc["gates"] == "param_free":
            u = q
        o = recurrent(q * self.scale, k, v, beta, g, mc, u)
        return self.lm_head(o.flatten(2)), o.flatten(2)


def recurrent(qs, k, v, beta, g, mc=None, u=None):
    b, t, h, kd = k.shape
    vd = v.shape[-1]
    S = k.new_zeros(b, h, kd, vd)
    caches, means = [], []
    ksum = k.new_zeros(b, h, kd)
    count = 0
    outs = []
    for i in range(t):
        S = S * torch.exp(g[:, i])[..., None, None]
        kt = k[:, i]
        pred = torch.einsum("bhkv,bhk->bhv", S, kt)
        upd = beta[:, i][..., None] * (v[:, i] - pred)
        S = S + kt[..., None] * upd[..., None, :]
        o = torch.einsum("bhkv,bhk->bhv", S, qs[:, i])
        if mc is not None:
            ksum = ksum + kt
            count += 1
            if caches:
                C = torch.stack(caches, 1)                      # [B,N,H,K,V]
                oc = torch.einsum("bnhkv,bhk->bnhv", C, qs[:, i])
                M = torch.stack(means, 1)                       # [B,N,H,K]
                logits = torch.einsum("bnhk,bhk->bhn", M, u[:, i])
                lon = (u[:, i] * (ksum / count)).sum(-1)        # [B,H]
                n = len(caches)
                if mc["read"] == "ssc" and mc["top_k"] < n:
                    # top-k per (b, h); ties: the lower (older) index, as torch.topk on a stable tie-break
                    idx = stable_topk(logits, mc["top_k"])
                    keep = torch.zeros_like(logits, dtype=torch.bool).scatter(-1, idx, True)
                    logits = logits.masked_fill(~keep, float("-inf"))
                gam = torch.softmax(torch.cat([logits, lon[..., None]], -1), -1)  # [B,H,N+1]
                o = gam[..., n, None] * o + torch.einsum("bhn,bnhv->bhv", gam[..., :n], oc)
            if (i + 1) % mc["segment"] == 0:
                caches.append(S)
                means.append(ksum / count)
                ksum = torch.zeros_like(ksum)
                count = 0
        outs.append(o)
    return torch.stack(outs, 1)


def stable_topk(x, k):
    """Indices of the k largest entries along the last dim; among equal values the lower index wins."""
    n = x.shape[-1]
    # subtract a tiny rank-dependent amount only for ordering (values themselves untouched)
    order = torch.argsort(-x.double() + torch.arange(n, dtype=torch.float64) * 1e-12, dim=-1)
    return order[..., :k]


def fast_logits(model, ids, mc, positions):
    """The logits of `model(ids, mc)` at `positions` only (a sorted list of column indices, the same
    for every row), computed faster for training and evaluation: the recurrence runs once keeping the
    states at segment ends and at `positions`; the Memory Caching reads (GRM only) run vectorised over
    the positions and caches. Equals the reference `recurrent` there (test_fast.py checks it)."""
    q, k, v, beta, g, u = model.project(ids)
    if mc is not None and mc["gates"] == "param_free":
        u = q
    qs = q * model.scale
    b, t, h, kd = k.shape
    vd = v.shape[-1]
    want = set(positions)
    L = mc["segment"] if mc is not None else 0
    S = k.new_zeros(b, h, kd, vd)
    at, ends = {}, []
    decay = torch.exp(g)
    for i in range(max(positions) + 1):
        S = S * decay[:, i][..., None, None]
        kt = k[:, i]
        pred = torch.einsum("bhkv,bhk->bhv", S, kt)
        S = S + kt[..., None] * (beta[:, i][..., None] * (v[:, i] - pred))[..., None, :]
        if i in want:
            at[i] = S
        if L and (i + 1) % L == 0:
            ends.append(S)
    pos = torch.tensor(positions)
    St = torch.stack([at[p] for p in positions], 1)                     # [B,P,H,K,V]
    qp = qs[:, pos]                                                      # [B,P,H,K]
    o = torch.einsum("bphkv,bphk->bphv", St, qp)
    if mc is not None and ends:
        assert mc["read"] == "grm", "fast_logits serves GRM only"
        n = len(ends)
        C = torch.stack(ends, 1)                                         # [B,N,H,K,V]
        M = k[:, :n * L].reshape(b, n, L, h, kd).mean(2)                 # [B,N,H,K]
        up = u[:, pos]                                                   # [B,P,H,K]
        oc = torch.einsum("bnhkv,bphk->bphnv", C, qp)                    # [B,P,H,N,V]
        lg = torch.einsum("bnhk,bphk->bphn", M, up)                      # [B,P,H,N]
        avail = torch.arange(n)[None, :] < (pos // L)[:, None]           # [P,N]
        lg = lg.masked_fill(~avail[None, :, None, :], float("-inf"))
        # online logit: the running mean of the current segment's keys including the position's own
        cs = torch.cumsum(k, 1)
        start = (pos // L) * L
        prev = torch.where((start > 0)[None, :, None, None], cs[:, (start - 1).clamp(min=0)], torch.zeros_like(cs[:, pos]))
        mean_on = (cs[:, pos] - prev) / (pos - start + 1).to(k.dtype)[None, :, None, None]
        lon = (up * mean_on).sum(-1)                                     # [B,P,H]
        gam = torch.softmax(torch.cat([lg, lon[..., None]], -1), -1)
        o = gam[..., n, None] * o + torch.einsum("bphn,bphnv->bphv", gam[..., :n], oc)
    return model.lm_head(o.flatten(2))
