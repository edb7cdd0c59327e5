#!/usr/bin/env python3
"""A context-job input from real logs: each log line of the 14 loghub_2k sets is an event of a user, and
about 15% of the events are queries that ask, in words of an earlier line of the same user, about that
line. One JSON object per line, the format `memctl context --input` reads (docs/jobs.md):
  {"user": "Apache-3", "text": "<the raw log line>", "type": "log"}
  {"user": "Apache-3", "text": "what about workerEnv error state 6?", "type": "query", "query": true,
   "expect": "Apache-3#1234"}
where expect names the asked-about event: its user and its line number (0-based) in OUT, which an answer's
events[].offset gives back. `--recall ANSWERS` scores the job's answers to OUT: the share of queries whose
asked-about line (or a line with the same text) is the first answer and among the answers.

Shapes (seeded, deterministic: the same arguments give the same bytes):
  wide  (default): 98 users = the 14 sets x 7 sources; source k replays its set from line k x 2000 / 7
        (wrapping), about 2,350 events each; the users interleaved line by line (as loghub-mix.py does);
  long: --long N users, each replaying all 14 sets one after another (28,000 log lines, about 33,000
        events; user k starts at set k), interleaved line by line: few users with very long histories.
A query's words are 2 to 4 words of the asked-about line's message (the Content column of the set's
*_structured.csv, so no timestamp or header), in a question frame, sometimes with one word of the current
(later) line; the asked-about line is one of the user's last 200 log lines half of the time, else any
earlier one.
Usage: benchmarks/jobs/loghub-events.py OUT [--long N] [--seed S] [--loghub DIR]
       (default seed 13, DIR ../shared/data/loghub_2k)
       benchmarks/jobs/loghub-events.py OUT --recall ANSWERS [--bm25]   (OUT as written before)
--bm25 also answers every query with a simple strong baseline and scores it the same way, printed below the
job's line: BM25 (Lucene's idf, k1 1.2, b 0.75) over all of the user's log lines before the query (its whole
history so far; queries are not indexed), words = lowercased runs of letters and digits minus Lucene's English
stop words, no stemming; as many answers as the job returned for that query, distinct texts (the best-ranked
of equal lines), ties and zero scores: the newer line first."""
import argparse
import csv
import glob
import json
import os
import random
import re
import sys

QUERY_SHARE = 0.15
FRAMES = ["what about {w}?", "when did we see {w}?", "show me the {w} line", "{w} again?",
          "what happened with {w}", "find {w}", "did {w} happen before?", "last time {w}"]
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.:/-]*[A-Za-z0-9]|[A-Za-z]|\d[\w.:-]*")

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("out")
ap.add_argument("--long", type=int, default=0, help="N users with all 14 sets each (0: the 98-user shape)")
ap.add_argument("--seed", type=int, default=13)
ap.add_argument("--loghub", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                                 "shared", "data", "loghub_2k"))
ap.add_argument("--recall", metavar="ANSWERS", help="score the answers of memctl context --input OUT")
ap.add_argument("--bm25", action="store_true", help="with --recall: also score a BM25 baseline over each user's "
                "whole history, as many answers per query as the job gave")
a = ap.parse_args()
if a.bm25 and not a.recall:
    sys.exit("loghub-events: --bm25 needs --recall ANSWERS")

STOP = set("a an and are as at be but by for if in into is it no not of on or such that the their then there "
           "these they this to was will with".split())
TOKEN = re.compile(r"[a-z0-9]+")


def bm25_answers(events, wanted, k1=1.2, b=0.75):
    """For each query line number in wanted (line -> answers wanted): the line numbers BM25 returns."""
    import numpy as np
    users = {}  # user -> [line numbers, texts, lengths (np), postings term -> [docs, tfs, n]]
    out = {}
    for i, e in enumerate(events):
        u = users.setdefault(e["user"], [[], [], np.zeros(1024), {}])
        lines, texts, lengths, post = u
        toks = [t for t in TOKEN.findall(e["text"].lower()) if t not in STOP]
        if not e.get("query"):
            d = len(lines)
            if d == len(lengths):
                u[2] = lengths = np.concatenate([lengths, np.zeros(len(lengths))])
            lengths[d] = len(toks)
            lines.append(i)
            texts.append(e["text"])
            tf = {}
            for t in toks:
                tf[t] = tf.get(t, 0) + 1
            for t, c in tf.items():
                p = post.get(t)
                if p is None:
                    p = post[t] = [np.zeros(8, dtype=np.int64), np.zeros(8), 0]
                if p[2] == len(p[0]):
                    p[0] = np.concatenate([p[0], np.zeros(len(p[0]), dtype=np.int64)])
                    p[1] = np.concatenate([p[1], np.zeros(len(p[1]))])
                p[0][p[2]] = d
                p[1][p[2]] = c
                p[2] += 1
            continue
        if i not in wanted:
            continue
        n = len(lines)
        top = wanted[i]
        if n == 0 or top == 0:
            out[i] = []
            continue
        dl = lengths[:n]
        avgdl = max(dl.mean(), 1e-9)
        scores = np.zeros(n)
        qtf = {}
        for t in toks:
            qtf[t] = qtf.get(t, 0) + 1
        for t, q in qtf.items():
            p = post.get(t)
            if p is None:
                continue
            docs, tfs = p[0][:p[2]], p[1][:p[2]]
            idf = np.log(1 + (n - p[2] + 0.5) / (p[2] + 0.5))
            scores[docs] += q * idf * tfs * (k1 + 1) / (tfs + k1 * (1 - b + b * dl[docs] / avgdl))
        order = np.lexsort((-np.arange(n), -scores))  # best first; ties (zeros included): the newer first
        picked, seen = [], set()
        for d in order:
            if texts[d] in seen:
                continue
            seen.add(texts[d])
            picked.append(lines[d])
            if len(picked) == top:
                break
        out[i] = picked
    return out


if a.recall:
    with open(a.out, encoding="utf-8") as fh:
        events = [json.loads(l) for l in fh]
    texts = [e["text"] for e in events]
    n = at1 = atk = returned = 0
    asked = {}  # query line -> (target line, answers the job returned)
    with open(a.recall, encoding="utf-8") as fh:
        for l in fh:
            ans = json.loads(l)
            if "expect" not in ans or "#" not in ans["expect"]:
                continue
            target = int(ans["expect"].rsplit("#", 1)[1])
            hits = [e["offset"] == target or e["text"] == texts[target] for e in ans.get("events", [])]
            n += 1
            at1 += bool(hits[:1] and hits[0])
            atk += any(hits)
            returned += len(hits)
            asked[ans["offset"]] = (target, len(hits))
    if n == 0:
        sys.exit(f"loghub-events: no answers with an expect in {a.recall}")
    print(f"loghub-events: {n} answers, recall@1 {at1 / n:.4f}, recall@all-returned {atk / n:.4f}")
    if a.bm25:
        got = bm25_answers(events, {q: k for q, (_, k) in asked.items()})
        b1 = bk = 0
        for q, (target, _) in asked.items():
            hits = [p == target or texts[p] == texts[target] for p in got.get(q, [])]
            b1 += bool(hits[:1] and hits[0])
            bk += any(hits)
        print(f"loghub-events: BM25 over the whole history, {n} queries, {returned / n:.2f} answers each as the "
              f"job: recall@1 {b1 / n:.4f}, recall@all-returned {bk / n:.4f}")
    sys.exit(0)

sets = []  # (name, [(raw line, content words)])
for f in sorted(glob.glob(os.path.join(a.loghub, "*", "*_2k.log"))):
    name = os.path.basename(os.path.dirname(f))
    with open(f, encoding="utf-8", errors="replace") as fh:
        raw = fh.read().splitlines()
    with open(f + "_structured.csv", encoding="utf-8", errors="replace", newline="") as fh:
        content = [row["Content"] for row in csv.DictReader(fh)]
    if len(content) != len(raw):
        sys.exit(f"loghub-events: {f}: {len(raw)} lines but {len(content)} structured rows")
    sets.append((name, [(r, WORD.findall(c)) for r, c in zip(raw, content)]))
if not sets:
    sys.exit(f"loghub-events: no */*_2k.log under {a.loghub}")

if a.long > 0:
    users = []
    for k in range(a.long):
        lines = []
        for s in range(len(sets)):
            lines += sets[(k + s) % len(sets)][1]
        users.append((f"long-{k}", lines))
else:
    users = []
    for name, lines in sets:
        for k in range(7):
            start = k * len(lines) // 7
            users.append((f"{name}-{k}", lines[start:] + lines[:start]))

rnd = random.Random(a.seed)
p_query = QUERY_SHARE / (1 - QUERY_SHARE)  # queries per log line
# Each user's stream: ("log", raw, words) or ("query", text, target index in the user's log lines).
streams = []
for user, lines in users:
    s = []
    for i, (raw, words) in enumerate(lines):
        if i > 0 and rnd.random() < p_query:
            t = rnd.randrange(max(0, i - 200), i) if rnd.random() < 0.5 else rnd.randrange(0, i)
            tw = lines[t][1] or WORD.findall(lines[t][0])
            picked = rnd.sample(tw, min(len(tw), rnd.randint(2, 4))) if tw else ["log"]
            if words and rnd.random() < 0.3:
                picked.insert(rnd.randrange(len(picked) + 1), rnd.choice(words))
            s.append(("query", rnd.choice(FRAMES).format(w=" ".join(picked)), t))
        s.append(("log", raw, None))
    streams.append((user, s))

# Interleave line by line; a log line's output line number is recorded for the queries' expect.
n = 0
queries = 0
logline = [[] for _ in streams]  # per user: output line number of its log line i
with open(a.out, "w", encoding="utf-8") as o:
    for i in range(max(len(s) for _, s in streams)):
        for u, (user, s) in enumerate(streams):
            if i >= len(s):
                continue
            kind, text, t = s[i]
            if kind == "log":
                o.write(json.dumps({"user": user, "text": text, "type": "log"}) + "\n")
                logline[u].append(n)
            else:
                o.write(json.dumps({"user": user, "text": text, "type": "query", "query": True,
                                    "expect": f"{user}#{logline[u][t]}"}) + "\n")
                queries += 1
            n += 1
print(f"loghub-events: {n} events ({queries} queries) of {len(streams)} users -> {a.out}")
