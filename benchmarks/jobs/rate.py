"""Whole-run and marginal rates of two runs of one memctl job (a small input and a larger one).

Usage: rate.py LABEL JOB INPUT UNIT SMALL_FILE BIG_FILE SMALL_TIME BIG_TIME
SMALL_TIME/BIG_TIME hold "wall user sys" as /usr/bin/time -f "%e %U %S" writes them. Records are the
files' lines. Whole run: records over the JVM's CPU time (user + sys, start-up included); marginal: the
records between the two sizes over the difference of CPU time (JVM and MiniCluster start-up cancel out).
Prints one line; with RATE_OUT set, also appends a tab-separated row to that file (read by jobs-rate).
"""
import os
import sys

label, job, name, unit, small, big, tsmall, tbig = sys.argv[1:9]


def lines(path):
    with open(path, 'rb') as f:
        return sum(1 for _ in f)


def times(path):
    wall, user, sys_ = (float(x) for x in open(path).read().split()[-3:])
    return wall, user + sys_


ns, nb = lines(small), lines(big)
(ws, cs), (wb, cb) = times(tsmall), times(tbig)
marginal = (nb - ns) / (cb - cs) if cb > cs else float('nan')
load = '%.2f %.2f %.2f' % os.getloadavg()
print(f"{label} {name}: {ns} {unit} {ws:.1f} s wall {cs:.1f} CPU s ({ns / cs:.0f} {unit}/CPU-s); "
      f"{nb} {unit} {wb:.1f} s wall {cb:.1f} CPU s ({nb / cb:.0f} {unit}/CPU-s); "
      f"marginal {marginal:.0f} {unit}/CPU-s; whole run {nb / cb:.0f} {unit}/CPU-s; load {load}")
out = os.environ.get('RATE_OUT')
if out:
    with open(out, 'a') as f:
        f.write('\t'.join(str(x) for x in (label, job, name, unit, ns, f'{cs:.2f}', nb, f'{cb:.2f}',
                                            f'{marginal:.0f}', load)) + '\n')
