#!/usr/bin/env python3
"""Where a memctl run's CPU goes, by thread and, in the keyed thread, by part: a summary of async-profiler's
collapsed stacks written with its `threads` option (one file per run; give several runs of one input, they are
summed and shown per run).

Record (async-profiler 2.9, the jar in ~/.m2/repository/tools/profiler/async-profiler/2.9 holds
linux-x64/libasyncProfiler.so):
  MEMCTL_JAVA_OPTS="-agentpath:DIR/linux-x64/libasyncProfiler.so=start,event=cpu,interval=500us,threads,collapsed,file=OUT-1.txt" \
    ./memctl logs --input IN --output SUMMARIES
Usage: benchmarks/jobs/profile-split.py [--interval-us 500] [--keyed NAME] [--top N] OUT-1.txt OUT-2.txt ...
  --keyed: a substring of the keyed thread's name (default: the log job's 'summarize -> summarize'; the context
  job's keyed thread is named after its keyed step, e.g. 'answer').

Threads: compiler threads (the JIT; also the unnamed ones, C1 threads that ended before the profile was written,
recognized by their CompileBroker frames), the keyed thread, main (start-up, job submission), the source, the
in-JVM RPC (keymem-rpc), the VM thread (the serial collector's collections), the rest. The keyed thread's samples
go to the first part whose frame they hold, in the order of PARTS; its top self methods follow.
"""
import argparse
import collections

PARTS = [  # (part, frame substring), first match wins
    ("novelty memory (kernel, state)", "Novelty"),
    ("template miner (masking, tokens)", "TemplateMiner.accept"),
    ("summarizer front end (cl100k, embedding)", "LogSummarizer.masked"),
    ("summaries (JSON)", "LogSummarizer.summarize"),
    ("tally (parameters, ledger)", "LogSummarizer.tally"),
    ("summarizer, other", "LogSummarizer"),
    ("context step", "UserContextFunction"),
    ("keyed function, other", "LogSummaryFunction"),
    ("Flink sort and records", "Sort"),
]


def thread_of(name, stack):
    if "CompileBroker" in stack or "CompilerThre" in name:
        return "compiler threads"
    if name.startswith("[main"):
        return "main"
    if "Source: " in name and "Data Fetcher" not in name:
        return "source"
    if "keymem-rpc" in name:
        return "keymem-rpc"
    if "VM Thread" in name:
        return "VM thread (collector)"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interval-us", type=float, default=500)
    ap.add_argument("--keyed", default="summarize -> summarize")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    threads = collections.Counter()
    parts = collections.Counter()
    leaves = collections.Counter()
    total = keyed = 0
    for f in a.files:
        with open(f) as fh:
            for line in fh:
                stack, _, n = line.rstrip().rpartition(" ")
                if not n.isdigit():
                    continue
                n = int(n)
                frames = stack.split(";")
                total += n
                name = frames[0]
                if a.keyed in name:
                    threads["keyed thread"] += n
                    keyed += n
                    leaves[frames[-1]] += n
                    part = next((p for p, sub in PARTS if any(sub in fr for fr in frames[1:])), "other")
                    parts[part] += n
                else:
                    threads[thread_of(name, stack) or "other threads"] += n
    runs = len(a.files)
    per = a.interval_us / 1e6 / runs
    print(f"{runs} runs, {total * per:.2f} CPU s a run (samples x {a.interval_us:g} us)")
    for t, n in threads.most_common():
        print(f"  {t:<42} {n * per:6.2f} s {100 * n / total:5.1f}%")
    if keyed:
        print("keyed thread by part:")
        for p, n in parts.most_common():
            print(f"  {p:<42} {n * per:6.2f} s {100 * n / keyed:5.1f}%")
        print("keyed thread, top self methods:")
        for m, n in leaves.most_common(a.top):
            print(f"  {100 * n / keyed:5.1f}% {m[:110]}")


if __name__ == "__main__":
    main()
