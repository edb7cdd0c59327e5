#!/usr/bin/env bash
# archive28-reloc.sh: what the class archive costs a JVM's start (its mapping and relocation), per archive.
# Makes, from one built tree's jar, one archive per training (the combined one as the build makes it, one trained on
# the log job only, one on the context job only), each beside its own hard link of the jar in OUT/<name>/, then
# starts and ends a JVM (-version) with each archive and with none, ROUNDS rounds, the order rotated each round,
# and prints the medians of perf stat's task-clock (ms of CPU) and page faults, and each archive's lower rounds
# against the combined one. docs/benchmarks.md, "The class archive's relocation, session 28".
# Usage: TREE=/path/to/built/tree OUT=/work/scratch-you/reloc [ROUNDS=12] benchmarks/jobs/archive28-reloc.sh
# (OUT must be on the file system of TREE: the jar is hard-linked). Needs perf.
set -euo pipefail
tree="${TREE:?TREE=<a built tree>}"
out="${OUT:?OUT=<a scratch folder>}"
rounds="${ROUNDS:-12}"
samples="$(cd "$(dirname "$0")/../.." && pwd)/samples"
mkdir -p "$out"
for d in both logs context; do
  mkdir -p "$out/$d"
  ln -f "$tree/jobs/target/memctl.jar" "$out/$d/memctl.jar"
done
export MEMCTL_CDS_DUMP=1
MEMCTL_JAR="$out/logs/memctl.jar" "$tree/memctl" logs --input "$samples/logs/services.log" \
  --output "$out/logs/train.jsonl" >/dev/null 2>&1
MEMCTL_JAR="$out/context/memctl.jar" "$tree/memctl" context --input "$samples/events/users.jsonl" \
  --output "$out/context/train.jsonl" >/dev/null 2>&1
MEMCTL_JAR="$out/both/memctl.jar" "$tree/memctl" context --input "$samples/events/users.jsonl" \
  --output "$out/both/train-c.jsonl" --then logs --input "$samples/logs/services.log" \
  --output "$out/both/train-l.jsonl" >/dev/null 2>&1
unset MEMCTL_CDS_DUMP
ls -l "$out"/*/memctl.jsa
cfgs=(none logs context both)
log="$out/reloc.log"
: > "$log"
for r in $(seq 1 "$rounds"); do
  for k in 0 1 2 3; do
    c="${cfgs[$(( (k + r) % 4 ))]}"
    if [ "$c" = none ]; then a=(); jar="$out/both/memctl.jar"
    else a=("-XX:SharedArchiveFile=$out/$c/memctl.jsa"); jar="$out/$c/memctl.jar"; fi
    perf stat -x, -e task-clock,page-faults -o "$out/ps.tmp" java -XX:TieredStopAtLevel=1 ${a[@]+"${a[@]}"} \
      -Xlog:cds=off -Xlog:cds+dynamic=off -cp "$jar" -version 2>/dev/null
    echo "$r $c $(grep task-clock "$out/ps.tmp" | cut -d, -f1) $(grep page-faults "$out/ps.tmp" | cut -d, -f1)" >> "$log"
  done
done
rm -f "$out/ps.tmp"
python3 - "$log" <<'PY'
import sys, statistics as st, collections
d = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    r, c, tc, pf = line.split()
    d[int(r)][c] = (float(tc), int(pf))
for c in ("none", "logs", "context", "both"):
    v = [d[r][c] for r in d]
    diffs = [d[r][c][0] - d[r]["both"][0] for r in d]
    print("%-8s n=%d  CPU ms %.1f  faults %d  vs both: %+.1f ms, lower in %d of %d rounds" % (
        c, len(v), st.median(x[0] for x in v), st.median(x[1] for x in v), st.median(diffs),
        sum(x < 0 for x in diffs), len(diffs)))
PY
