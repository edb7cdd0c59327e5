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
       benchmarks/jobs/loghub-events.py OUT --recall ANSWERS   (OUT as written before)"""
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
a = ap.parse_args()

if a.recall:
    with open(a.out, encoding="utf-8") as fh:
        texts = [json.loads(l)["text"] for l in fh]
    n = at1 = atk = 0
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
    if n == 0:
        sys.exit(f"loghub-events: no answers with an expect in {a.recall}")
    print(f"loghub-events: {n} answers, recall@1 {at1 / n:.4f}, recall@all-returned {atk / n:.4f}")
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
