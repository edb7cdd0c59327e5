#!/usr/bin/env python3
"""Summary of a shapes-profile.sh run: CPU s per thread group (shapes-threads.py), and for the threads with
the most execution samples the top self frames and the dev.keymem frames most often on the stack (inclusive).
Usage: shapes-profile.py THREADS_FILE SAMPLES_TXT TIME_FILE"""
import collections
import re
import sys

wall, u, s = open(sys.argv[3]).read().split()[-3:]
print(f'process (run without JFR): wall {wall} s, CPU {float(u) + float(s):.2f} s (user {u}, sys {s})')
print(open(sys.argv[1]).read().rstrip())
samples = open(sys.argv[2]).read().split('jdk.ExecutionSample {')
by_thread = collections.Counter()
self_f = collections.defaultdict(collections.Counter)
incl = collections.defaultdict(collections.Counter)
for s in samples[1:]:
    m = re.search(r'sampledThread = "([^"]*)"', s)
    t = re.sub(r'\d+', '#', m.group(1)) if m else '?'
    frames = re.findall(r'^\s+([\w$.<>/]+)\(', s, re.M)
    frames = [f for f in frames if f not in ('stackTrace', 'sampledThread')]
    if not frames:
        continue
    by_thread[t] += 1
    self_f[t][frames[0]] += 1
    seen = set()
    for f in frames:
        if f.startswith('dev.keymem') and f not in seen:
            seen.add(f)
            incl[t][f] += 1
print('Java execution samples per thread group:', ', '.join(f'{t} {n}' for t, n in by_thread.most_common(6)))
for t, n in by_thread.most_common(3):
    print(f'-- {t}: {n} samples; top self frames:')
    for f, c in self_f[t].most_common(15):
        print(f'  {100 * c / n:5.1f}%  {f}')
    print(f'   dev.keymem frames on the stack (inclusive):')
    for f, c in incl[t].most_common(18):
        print(f'  {100 * c / n:5.1f}%  {f}')
