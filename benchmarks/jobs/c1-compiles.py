#!/usr/bin/env python3
"""What the JIT compiled in a memctl run, by owner and package: a summary of HotSpot's compilation log.

Record (Java 17; the log is the JVM's XML of every compile task, ~12 MB for a 100,000-line log run):
  MEMCTL_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=OUT.log" \
    ./memctl logs --input IN --output SUMMARIES
Usage: benchmarks/jobs/c1-compiles.py [--split-at S] [--top N] [--inlined N] OUT.log

Per owner (the JDK, Flink, keymem, other libraries) and per package (three name parts; Flink's four): the compile
tasks, the bytecode bytes of their root methods and of the methods inlined into them (what C1 parses: its time
grows with these), the size of the code installed (nmethod bytes) and its share. --split-at S splits the tasks at S
seconds after the JVM's start (the log's stamps): those queued before (start-up) and after. --top N lists the N
largest compilations by installed code; --inlined N the N callees inlined the most bytes in all
(intrinsics left out: C1 emits their code without parsing them). The log's stamps
are wall-clock seconds in milliseconds, so a task's duration (done - queued) includes its wait in the queue and
whatever the box ran meanwhile; the byte counts are exact.
"""
import argparse
import collections
import html
import re

ATTR = re.compile(r"(\w+)='([^']*)'")


def attrs(line):
    return {k: html.unescape(v) for k, v in ATTR.findall(line)}


def owner(cls):
    if cls.startswith("dev.keymem"):
        return "keymem"
    if cls.startswith("org.apache.flink"):
        return "flink"
    if cls.startswith(("java.", "javax.", "jdk.", "sun.", "com.sun.")):
        return "jdk"
    return "other"


def package(cls):
    parts = cls.split(".")
    return ".".join(parts[:4] if cls.startswith("org.apache.flink") else parts[:3])


def read(path):
    """The log's tasks (dicts with method, bytes, inlined, nmsize, stamp) and the inlined callees' bytes."""
    tasks, inlined = [], collections.Counter()
    task, klass, method, call = None, {}, {}, None
    with open(path, errors="replace") as log:
        for line in log:
            if line.startswith("<task "):
                a = attrs(line)
                cls, name = a["method"].split(" ")[:2]
                task = {"class": cls, "method": cls + "." + name, "bytes": int(a.get("bytes", 0)),
                        "stamp": float(a["stamp"])}
                klass, method = {}, {}
            elif task is None:
                continue
            elif line.startswith("<klass "):
                a = attrs(line)
                klass[a["id"]] = a["name"]
            elif line.startswith("<method "):
                a = attrs(line)
                method[a["id"]] = (klass.get(a["holder"], "?") + "." + a["name"], int(a.get("bytes", 0)))
            elif line.startswith("<call "):
                call = method.get(attrs(line).get("method"))
            elif line.startswith("<inline_success") and call is not None:
                if "reason='intrinsic'" not in line:  # an intrinsic's bytecode is not parsed
                    inlined[call[0]] += call[1]
                call = None
            elif line.startswith("<task_done"):
                a = attrs(line)
                task["inlined"] = int(a.get("inlined_bytes", 0))
                task["nmsize"] = int(a.get("nmsize", 0))
                task["done"] = float(a["stamp"])
                tasks.append(task)
                task = None
    return tasks, inlined


def table(title, tasks, key, limit):
    rows = collections.defaultdict(lambda: [0, 0, 0, 0])
    for t in tasks:
        r = rows[key(t["class"])]
        r[0] += 1
        r[1] += t["bytes"]
        r[2] += t["inlined"]
        r[3] += t["nmsize"]
    total = max(1, sum(r[3] for r in rows.values()))
    print(f"{title}: {len(tasks)} tasks")
    print(f"  {'':44s} {'tasks':>6s} {'bytes':>8s} {'inlined':>8s} {'nmethod':>9s} share")
    for name, r in sorted(rows.items(), key=lambda kv: -kv[1][3])[:limit]:
        print(f"  {name:44s} {r[0]:6d} {r[1]:8d} {r[2]:8d} {r[3]:9d} {r[3] / total * 100:4.1f}%")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("log")
    p.add_argument("--split-at", type=float, help="seconds: tasks queued before and after")
    p.add_argument("--packages", type=int, default=30, help="packages to list (default 30)")
    p.add_argument("--top", type=int, default=0, help="largest compilations to list")
    p.add_argument("--inlined", type=int, default=0, help="most-inlined callees to list")
    args = p.parse_args()
    tasks, inlined = read(args.log)
    parts = [("all", tasks)]
    if args.split_at is not None:
        parts = [(f"queued before {args.split_at} s", [t for t in tasks if t["stamp"] < args.split_at]),
                 (f"queued from {args.split_at} s", [t for t in tasks if t["stamp"] >= args.split_at])]
    for title, part in parts:
        table(title + ", by owner", part, owner, 10)
        table(title + ", by package", part, package, args.packages)
    if args.top:
        print(f"largest {args.top} compilations (nmethod bytes, root bytes, inlined bytes, queued at s):")
        for t in sorted(tasks, key=lambda t: -t["nmsize"])[:args.top]:
            print(f"  {t['nmsize']:7d} {t['bytes']:6d} {t['inlined']:6d} {t['stamp']:7.3f} {t['method']}")
    if args.inlined:
        print(f"callees inlined the most bytes in all ({sum(inlined.values())} bytes inlined):")
        for name, b in inlined.most_common(args.inlined):
            print(f"  {b:7d} {name}")


if __name__ == "__main__":
    main()
