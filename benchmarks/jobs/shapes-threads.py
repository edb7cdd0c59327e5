#!/usr/bin/env python3
"""Runs a command and prints the CPU seconds of each thread (grouped by name, digits as #) of the java process whose
command line holds MARK, from /proc/PID/task/*/stat polled every 20 ms (a thread's last reading before it ends
counts, so short-lived threads may be undercounted by up to 20 ms each).
Usage: shapes-threads.py MARK OUT_FILE -- COMMAND..."""
import collections
import os
import re
import subprocess
import sys
import time

mark, out = sys.argv[1], sys.argv[2]
cmd = sys.argv[sys.argv.index('--') + 1:]
tick = os.sysconf('SC_CLK_TCK')
p = subprocess.Popen(cmd)
seen = {}  # (pid, tid) -> (name, ticks)
found = []
while p.poll() is None:
    for pid in found or os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            cl = open(f'/proc/{pid}/cmdline', 'rb').read()
            if b'java' not in cl.split(b'\0')[0] or mark.encode() not in cl:
                continue
            found = [pid]
            for tid in os.listdir(f'/proc/{pid}/task'):
                st = open(f'/proc/{pid}/task/{tid}/stat').read()
                name = st[st.index('(') + 1:st.rindex(')')]
                f = st[st.rindex(')') + 2:].split()
                seen[(pid, tid)] = (name, int(f[11]) + int(f[12]))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
    time.sleep(0.02)
g = collections.Counter()
for name, t in seen.values():
    g[re.sub(r'\d+', '#', name)] += t / tick
with open(out, 'w') as o:
    o.write(f'threads total {sum(g.values()):.2f} CPU s\n')
    for k, v in g.most_common(14):
        o.write(f'  {v:6.2f}  {k}\n')
sys.exit(p.returncode)
