#!/usr/bin/env python3
"""The log benchmarks' second input, from real logs: the 14 loghub_2k sets, each replayed as 7 sources
(98 sources, 196,000 lines), the 98 streams interleaved line by line, one JSON object per line:
{"source": "Apache-3", "message": "<the raw line>"}.
Usage: benchmarks/jobs/loghub-mix.py OUT [LOGHUB_DIR]   (default ../shared/data/loghub_2k)"""
import glob
import json
import os
import sys

out = sys.argv[1]
root = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared',
                                                          'data', 'loghub_2k')
streams = []
for f in sorted(glob.glob(os.path.join(root, '*', '*_2k.log'))):
    name = os.path.basename(os.path.dirname(f))
    with open(f, encoding='utf-8', errors='replace') as fh:
        lines = [l.rstrip('\n') for l in fh]
    for k in range(7):
        streams.append([json.dumps({"source": f"{name}-{k}", "message": l}) for l in lines])
if not streams:
    sys.exit(f"loghub-mix: no */*_2k.log under {root}")
n = 0
with open(out, 'w', encoding='utf-8') as o:
    for i in range(max(len(s) for s in streams)):
        for s in streams:
            if i < len(s):
                o.write(s[i] + '\n')
                n += 1
print(f"loghub-mix: {n} lines from {len(streams)} sources -> {out}")
