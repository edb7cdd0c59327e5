"""Reference RMT modules (Bulatov et al. 2022/2023), written for keymem; parameter names and layouts
are those Hugging Face's GPT-2 and BERT use, wrapped as booydar/recurrent-memory-transformer wraps
them (RecurrentWrapper -> memory_cell -> model), so state_dict() names read e.g.
``memory_cell.model.transformer.h.0.attn.c_attn.weight``.

Decoder (GPT-2 style, pre-norm): per segment the input is [memory read | segment | memory write]
(embeddings; learned absolute positions 0..n-1 over the whole sequence, memory included), causal
attention; the final hidden states (after ln_f) at the write positions become the next memory.
Reading without writing (the short last segment at question time) uses [memory | segment].

Encoder (BERT style, post-norm): per segment the ids are [CLS] mem_1..mem_m [SEP] segment [SEP],
the word embeddings at the memory positions replaced by the memory, then + position + token type
embeddings and LayerNorm; bidirectional attention (padding masked); the last layer's outputs at the
memory positions become the next memory. The initial memory is the word embeddings of the m memory
token ids (appended at the end of the vocabulary).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Conv1D(nn.Module):
    """GPT-2's linear layer: weight stored [in, out]."""

    def __init__(self, nf, nx):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(nx, nf) * 0.02)
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        return x @ self.weight + self.bias


class GPT2Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.c_attn = Conv1D(3 * d, d)
        self.c_proj = Conv1D(d, d)

    def forward(self, x):
        b, n, d = x.shape
        hd = d // self.heads
        q, k, v = self.c_attn(x).split(d, dim=2)
        q = q.view(b, n, self.heads, hd).transpose(1, 2)
        k = k.view(b, n, self.heads, hd).transpose(1, 2)
        v = v.view(b, n, self.heads, hd).transpose(1, 2)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        mask = torch.ones(n, n, dtype=torch.bool, device=x.device).tril()
        att = att.masked_fill(~mask, torch.finfo(att.dtype).min)
        att = att.softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, n, d)
        return self.c_proj(y)


class GPT2MLP(nn.Module):
    def __init__(self, d, inner):
        super().__init__()
        self.c_fc = Conv1D(inner, d)
        self.c_proj = Conv1D(d, inner)

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))


class GPT2Block(nn.Module):
    def __init__(self, d, heads, inner, eps):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d, eps=eps)
        self.attn = GPT2Attention(d, heads)
        self.ln_2 = nn.LayerNorm(d, eps=eps)
        self.mlp = GPT2MLP(d, inner)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT2Transformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["n_embd"]
        self.wte = nn.Embedding(cfg["vocab_size"], d)
        self.wpe = nn.Embedding(cfg["n_positions"], d)
        nn.init.normal_(self.wte.weight, std=0.02)
        nn.init.normal_(self.wpe.weight, std=0.01)
        self.h = nn.ModuleList(GPT2Block(d, cfg["n_head"], cfg["n_inner"], cfg["layer_norm_epsilon"])
                               for _ in range(cfg["n_layer"]))
        self.ln_f = nn.LayerNorm(d, eps=cfg["layer_norm_epsilon"])

    def forward(self, inputs_embeds):
        """Returns hidden_states as HF does: [embeddings, after block 1, ..., after ln_f] (n_layer + 1)."""
        n = inputs_embeds.shape[1]
        x = inputs_embeds + self.wpe(torch.arange(n, device=inputs_embeds.device))[None]
        hs = [x]
        for i, blk in enumerate(self.h):
            x = blk(x)
            hs.append(x)
        hs[-1] = self.ln_f(x)
        return hs


class GPT2LMHeadModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.transformer = GPT2Transformer(cfg)
        self.lm_head = nn.Linear(cfg["n_embd"], cfg["vocab_size"], bias=False)

    def get_input_embeddings(self):
        return self.transformer.wte


class BertEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.word_embeddings = nn.Embedding(cfg["vocab_size"], d)
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], d)
        self.token_type_embeddings = nn.Embedding(cfg["type_vocab_size"], d)
        self.LayerNorm = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])
        for e in (self.word_embeddings, self.position_embeddings, self.token_type_embeddings):
            nn.init.normal_(e.weight, std=0.02)

    def forward(self, inputs_embeds):
        n = inputs_embeds.shape[1]
        pos = self.position_embeddings(torch.arange(n, device=inputs_embeds.device))[None]
        typ = self.token_type_embeddings(torch.zeros(n, dtype=torch.long, device=inputs_embeds.device))[None]
        return self.LayerNorm(inputs_embeds + pos + typ)


class _Dense(nn.Module):
    def __init__(self, din, dout, ln_eps=None):
        super().__init__()
        self.dense = nn.Linear(din, dout)
        if ln_eps is not None:
            self.LayerNorm = nn.LayerNorm(dout, eps=ln_eps)


class BertSelfAttention(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.query = nn.Linear(d, d)
        self.key = nn.Linear(d, d)
        self.value = nn.Linear(d, d)


class BertAttention(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.self = BertSelfAttention(d)
        self.output = _Dense(d, d, eps)


class BertLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, eps = cfg["hidden_size"], cfg["layer_norm_eps"]
        self.heads = cfg["num_attention_heads"]
        self.act = cfg["hidden_act"]
        self.attention = BertAttention(d, eps)
        self.intermediate = _Dense(d, cfg["intermediate_size"])
        self.output = _Dense(cfg["intermediate_size"], d, eps)

    def forward(self, x, key_mask):
        b, n, d = x.shape
        hd = d // self.heads
        sa = self.attention.self
        q = sa.query(x).view(b, n, self.heads, hd).transpose(1, 2)
        k = sa.key(x).view(b, n, self.heads, hd).transpose(1, 2)
        v = sa.value(x).view(b, n, self.heads, hd).transpose(1, 2)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        att = att + (1.0 - key_mask[:, None, None, :].to(att.dtype)) * torch.finfo(att.dtype).min
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, n, d)
        a = self.attention.output.LayerNorm(self.attention.output.dense(y) + x)
        h = self.intermediate.dense(a)
        h = F.gelu(h) if self.act == "gelu" else gelu_new(h)
        return self.output.LayerNorm(self.output.dense(h) + a)


class BertEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList(BertLayer(cfg) for _ in range(cfg["num_hidden_layers"]))


class BertModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = BertEmbeddings(cfg)
        self.encoder = BertEncoder(cfg)
        self.pooler = _Dense(cfg["hidden_size"], cfg["hidden_size"])

    def forward(self, inputs_embeds, key_mask):
        x = self.embeddings(inputs_embeds)
        hs = [x]
        for lyr in self.encoder.layer:
            x = lyr(x, key_mask)
            hs.append(x)
        return hs


class BertForSequenceClassification(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg)
        self.classifier = nn.Linear(cfg["hidden_size"], cfg["num_labels"])

    def get_input_embeddings(self):
        return self.bert.embeddings.word_embeddings

    def classify(self, cls_hidden):
        return self.classifier(torch.tanh(self.bert.pooler.dense(cls_hidden)))


class DecoderMemoryCell(nn.Module):
    def __init__(self, cfg, num_mem_tokens):
        super().__init__()
        self.model = GPT2LMHeadModel(cfg)
        self.num_mem_tokens = num_mem_tokens
        std = self.model.transformer.wte.weight.data.std()
        self.memory = nn.Parameter(torch.randn(num_mem_tokens, cfg["n_embd"]) * std)

    def forward(self, input_ids, memory_state, write_mem=True):
        """One segment. Returns (logits at segment positions, new memory or None, hidden_states)."""
        m = self.num_mem_tokens
        emb = self.model.transformer.wte(input_ids)
        parts = [memory_state, emb, memory_state] if write_mem else [memory_state, emb]
        hs = self.model.transformer(torch.cat(parts, dim=1))
        last = hs[-1]
        n = input_ids.shape[1]
        logits = self.model.lm_head(last[:, m:m + n])
        new_mem = last[:, m + n:] if write_mem else None
        return logits, new_mem, hs


class EncoderMemoryCell(nn.Module):
    def __init__(self, cfg, num_mem_tokens):
        super().__init__()
        self.model = BertForSequenceClassification(cfg)
        self.num_mem_tokens = num_mem_tokens
        self.cls_id, self.sep_id, self.pad_id = cfg["cls_token_id"], cfg["sep_token_id"], cfg["pad_token_id"]
        self.mem_start = cfg["vocab_size"] - num_mem_tokens

    def initial_memory(self, batch):
        ids = torch.arange(self.mem_start, self.mem_start + self.num_mem_tokens)
        return self.model.get_input_embeddings()(ids)[None].expand(batch, -1, -1)

    def forward(self, input_ids, memory_state, seg_len=None):
        """input_ids [B, n] (n <= segment size; rows shorter than n padded with pad_id and given
        seg_len). Returns (class logits from [CLS], new memory, hidden_states)."""
        b, n = input_ids.shape
        m = self.num_mem_tokens
        dev = input_ids.device
        cls = torch.full((b, 1), self.cls_id, dtype=torch.long, device=dev)
        sep = torch.full((b, 1), self.sep_id, dtype=torch.long, device=dev)
        mem_ids = torch.arange(self.mem_start, self.mem_start + m, device=dev)[None].expand(b, -1)
        ids = torch.cat([cls, mem_ids, sep, input_ids, sep], dim=1)
        key_mask = torch.ones_like(ids)
        if seg_len is not None:  # right padding: [CLS] mem [SEP] seg [SEP] pad...
            ids = ids.clone()
            for r in range(b):
                L = int(seg_len[r])
                row = torch.cat([ids[r, :m + 2 + L], sep[r], torch.full((n - L,), self.pad_id, device=dev)])
                ids[r] = row
                key_mask[r, m + 3 + L:] = 0
        emb = self.model.get_input_embeddings()(ids)
        emb = torch.cat([emb[:, :1], memory_state, emb[:, 1 + m:]], dim=1)
        hs = self.model.bert(emb, key_mask)
        last = hs[-1]
        return self.model.classify(last[:, 0]), last[:, 1:1 + m], hs


class RecurrentWrapper(nn.Module):
    """Runs a memory cell over segments of segment_size tokens (left aligned: the last segment may be
    short). Gradients flow through every segment (k2 = -1 in the reference)."""

    def __init__(self, memory_cell, segment_size):
        super().__init__()
        self.memory_cell = memory_cell
        self.segment_size = segment_size

    def forward_decoder(self, input_ids):
        b, t = input_ids.shape
        mem = self.memory_cell.memory[None].expand(b, -1, -1)
        logits = []
        for s in range(0, t, self.segment_size):
            lg, mem, _ = self.memory_cell(input_ids[:, s:s + self.segment_size], mem, write_mem=True)
            logits.append(lg)
        return torch.cat(logits, dim=1), mem
