#!/usr/bin/env python3
"""How often the methods C1 compiled in a memctl run were called after their compilation.

C1 alone (-XX:TieredStopAtLevel=1, the file runs' JIT) compiles code without counters, so a run cannot say how often
a compiled method ran afterwards. Two runs over the same input answer it: one logs C1's compile tasks (the run as
the launcher makes it), one runs the same thresholds with C1's profiling code (level 3), whose method data hold every
call to a method when it is not inlined, interpreted or compiled, and prints them at exit:

  MEMCTL_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=COMP.log" \
    ./memctl logs --input IN --output O1
  MEMCTL_JAVA_OPTS="-XX:TieredStopAtLevel=3 -XX:+UnlockDiagnosticVMOptions -XX:+PrintMethodData" \
    ./memctl logs --input IN --output O2 > MDO.txt
Usage: benchmarks/jobs/c1-after-counts.py [--list N] COMP.log MDO.txt

Per band of calls after compilation (a method's calls in MDO.txt less its count when COMP.log's task began): the
methods, the bytecode bytes of their roots and the share of the tasks' time (a task's done stamp less its start
stamp: wall time, so under load it holds waits too; the shares, not the seconds, compare runs). A method C1
compiled in COMP.log but without method data in MDO.txt (C1 compiles trivial methods, accessors, without it, or
the second run did not reach its threshold) is counted apart. Calls of a method inlined into a compiled caller are
not counted as its calls (they are the caller's), so a band's counts are lower bounds. --list N writes the methods
with at most N calls after compilation to standard output as Class::name(signature), one a line, after the table
(written to standard error).
"""
import argparse
import re
import sys

TASK = re.compile(r"method='(\S+) (\S+) (\S+)' bytes='(\d+)' count='(\d+)'")
STAMP = re.compile(r"stamp='([\d.]+)'")
HEADER = re.compile(r"(?:static )?(\S+)::([^(\s]+)(\(\S*)$")
CALLS = re.compile(r"invocation_counter:\s+(\d+)")
BANDS = [(0, 0), (1, 200), (201, 1000), (1001, 10_000), (10_001, 100_000), (100_001, None)]


def compiled(path):
    """Standard (not OSR) C1 tasks that succeeded: method -> (bytecode bytes, count at start, task seconds)."""
    tasks, cur = {}, None
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("<task "):
                m = TASK.search(line)
                if m is None or "osr_bci" in line:
                    cur = None
                    continue
                cur = (m.group(1) + "::" + m.group(2) + m.group(3), int(m.group(4)), int(m.group(5)),
                       float(STAMP.search(line).group(1)))
            elif line.startswith("<task_done") and cur is not None:
                if "success='1'" in line:
                    tasks[cur[0]] = (cur[1], cur[2], float(STAMP.search(line).group(1)) - cur[3])
                cur = None
    return tasks


def calls(path):
    """PrintMethodData's blocks: method -> calls (invocation counter)."""
    out = {}
    with open(path, errors="replace") as f:
        text = f.read()
    for block in text.split("-" * 72 + "\n"):
        lines = block.strip("\n").split("\n")
        if not lines:
            continue
        h = HEADER.match(lines[0].strip())
        c = CALLS.search(block)
        if h and c:
            out[h.group(1) + "::" + h.group(2) + h.group(3)] = int(c.group(1))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--list", type=int, default=None)
    ap.add_argument("comp")
    ap.add_argument("mdo")
    a = ap.parse_args()
    tasks, mdo = compiled(a.comp), calls(a.mdo)

    def after(k, v):
        # two runs: a method called fewer times in the second than its count at compilation in the first ran 0 times
        return max(0, mdo[k] - v[1])

    total_t = sum(t for _, _, t in tasks.values()) or 1.0
    total_b = sum(b for b, _, _ in tasks.values()) or 1
    err = sys.stderr
    print(f"{len(tasks)} methods compiled, {total_b} bytecode bytes; calls after compilation:", file=err)
    print(f"{'band':>16} {'methods':>8} {'bytes':>8} {'task time':>10}", file=err)
    for lo, hi in BANDS:
        sel = [v for k, v in tasks.items() if k in mdo and lo <= after(k, v) and (hi is None or after(k, v) <= hi)]
        band = f"{lo}-{hi}" if hi is not None else f">{lo - 1}"
        print(f"{band:>16} {len(sel):8d} {sum(b for b, _, _ in sel):8d} "
              f"{100 * sum(t for _, _, t in sel) / total_t:9.0f}%", file=err)
    none = [v for k, v in tasks.items() if k not in mdo]
    print(f"{'no method data':>16} {len(none):8d} {sum(b for b, _, _ in none):8d} "
          f"{100 * sum(t for _, _, t in none) / total_t:9.0f}%", file=err)
    if a.list is not None:
        for k in sorted(k for k, v in tasks.items() if k in mdo and after(k, v) <= a.list):
            print(k)


if __name__ == "__main__":
    main()
