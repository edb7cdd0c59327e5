"""Data generators.

Fact tasks (after Bulatov et al. 2023, "Scaling Transformer to 1M tokens and beyond with RMT", with a
synthetic vocabulary instead of bAbI + QuALITY text): facts "<name> <action> <place>" ("Mary went to
the kitchen": 4 names x 5 actions x 6 places) hidden in noise; a question "<Q> <name>" closes the
stream and the answer (the place) is predicted at its last token.

  memorize         the fact opens the stream
  detect_memorize  the fact sits anywhere in the noise
  reasoning        two supporting facts (bAbI qa2-like): two people went to two places, one of them
                   picked up an object; "<Q> <object>" asks where the object is

Noise tokens are drawn uniformly from a noise vocabulary disjoint from the fact vocabulary.

MQAR (Zoology, Arora et al. 2023): key-value pairs first, then queries of earlier keys mixed with
noise; the target at a query position is the value bound to that key.
"""
import torch

PAD, CLS, SEP, Q, GRAB = 0, 1, 2, 3, 4
NAMES = list(range(5, 9))          # 4 names
ACTIONS = list(range(9, 14))       # 5 actions (went, moved, journeyed, travelled, ran)
PLACES = list(range(14, 20))       # 6 places
OBJECTS = list(range(20, 24))      # 4 objects (reasoning)
NOISE_START = 24


def vocab_size(noise):
    return NOISE_START + noise


def fact_batch(task, batch, length, noise, gen, with_end=False, name_questions=0.0):
    """Returns (ids [B, length] int64, answers [B] int64[, fact_end [B]: the position after the last
    fact token]). length >= 12. name_questions (reasoning, training only): the fraction of streams
    whose question asks for a person ("<Q> <name>", the answer that person's place: the lookup hop
    alone) instead of the object; 0 draws nothing extra, so the default stream is unchanged."""
    ends = torch.zeros(batch, dtype=torch.long)
    ids = torch.randint(NOISE_START, NOISE_START + noise, (batch, length), generator=gen)
    ans = torch.empty(batch, dtype=torch.long)
    names = torch.tensor(NAMES)
    places = torch.tensor(PLACES)
    acts = torch.tensor(ACTIONS)
    for b in range(batch):
        room = length - 2  # the question takes the last two tokens
        if task in ("memorize", "detect_memorize"):
            n = names[torch.randint(4, (1,), generator=gen)].item()
            a = acts[torch.randint(5, (1,), generator=gen)].item()
            p = places[torch.randint(6, (1,), generator=gen)].item()
            pos = 0 if task == "memorize" else torch.randint(room - 3 + 1, (1,), generator=gen).item()
            ids[b, pos:pos + 3] = torch.tensor([n, a, p])
            ends[b] = pos + 3
            ids[b, -2:] = torch.tensor([Q, n])
            ans[b] = p
        elif task == "reasoning":
            perm = torch.randperm(4, generator=gen)
            n1, n2 = names[perm[0]].item(), names[perm[1]].item()
            pp = torch.randperm(6, generator=gen)
            p1, p2 = places[pp[0]].item(), places[pp[1]].item()
            o = OBJECTS[torch.randint(4, (1,), generator=gen).item()]
            k = torch.randint(2, (1,), generator=gen).item()
            holder, target = (n1, p1) if k == 0 else (n2, p2)
            facts = [[n1, acts[torch.randint(5, (1,), generator=gen)].item(), p1],
                     [n2, acts[torch.randint(5, (1,), generator=gen)].item(), p2],
                     [holder, GRAB, o]]
            # three non-overlapping slots in [0, room - 3]
            while True:
                slots = sorted(torch.randint(room - 3 + 1, (3,), generator=gen).tolist())
                if slots[1] - slots[0] >= 3 and slots[2] - slots[1] >= 3:
                    break
            order = torch.randperm(3, generator=gen).tolist()
            for s, f in zip(slots, order):
                ids[b, s:s + 3] = torch.tensor(facts[f])
            ends[b] = slots[-1] + 3
            ids[b, -2:] = torch.tensor([Q, o])
            ans[b] = target
            if name_questions > 0 and torch.rand(1, generator=gen).item() < name_questions:
                j = torch.randint(2, (1,), generator=gen).item()
                ids[b, -1] = (n1, n2)[j]
                ans[b] = (p1, p2)[j]
        else:
            raise ValueError(task)
    return (ids, ans, ends) if with_end else (ids, ans)


def mqar_batch(batch, length, pairs, keys, values, gen):
    """Zoology-style MQAR: vocabulary [0, keys) keys, [keys, keys + values) values, then noise.
    First `pairs` (k, v) pairs (2*pairs tokens), then the rest: noise with each key queried once at a
    random position (a query is the key token; the target at that position is its value).
    Returns ids [B, length], targets [B, length] (-100 where no target)."""
    ids = torch.empty(batch, length, dtype=torch.long)
    tgt = torch.full((batch, length), -100, dtype=torch.long)
    noise0 = keys + values
    for b in range(batch):
        ks = torch.randperm(keys, generator=gen)[:pairs]
        vs = keys + torch.randint(values, (pairs,), generator=gen)
        ids[b, 0:2 * pairs:2] = ks
        ids[b, 1:2 * pairs:2] = vs
        rest = length - 2 * pairs
        ids[b, 2 * pairs:] = noise0  # a single filler token, as Zoology fills with zeros
        qpos = 2 * pairs + torch.randperm(rest, generator=gen)[:pairs]
        order = torch.randperm(pairs, generator=gen)
        ids[b, qpos] = ks[order]
        tgt[b, qpos] = vs[order]
    return ids, tgt


def mqar_spread_batch(batch, length, queries, keys, values, noise, gen, density=8):
    """MQAR with the pairs spread over the stream (capacity pressure grows with length): the first
    length - 2*queries tokens hold length // density (key, value) pairs with distinct keys at random
    non-overlapping even offsets, noise elsewhere; then `queries` (query, noise) steps asking for
    random earlier keys. Vocabulary: keys [0, keys), values [keys, keys + values), noise after.
    Returns ids [B, length], targets [B, length] (-100 where no query)."""
    ctx = length - 2 * queries
    pairs = length // density
    assert pairs <= keys and pairs * 2 <= ctx and queries <= pairs
    ids = keys + values + torch.randint(noise, (batch, length), generator=gen)
    tgt = torch.full((batch, length), -100, dtype=torch.long)
    for b in range(batch):
        ks = torch.randperm(keys, generator=gen)[:pairs]
        vs = keys + torch.randint(values, (pairs,), generator=gen)
        slots = torch.randperm(ctx // 2, generator=gen)[:pairs] * 2
        ids[b, slots] = ks
        ids[b, slots + 1] = vs
        pick = torch.randperm(pairs, generator=gen)[:queries]
        qpos = ctx + 2 * torch.arange(queries)
        ids[b, qpos] = ks[pick]
        tgt[b, qpos] = vs[pick]
    return ids, tgt
