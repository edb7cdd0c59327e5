#!/usr/bin/env bash
# Marginal lines per CPU second of `memctl logs` on the embedded default (MiniCluster, RocksDB,
# checkpoints): the JVM's CPU time (user + sys) of a 200,000-line run minus that of a 50,000-line run
# of the same input (LogGenerator, seed 11, 5 sources), so JVM and MiniCluster start-up cancel out.
# Usage: jobs/bench/log-rate.sh [JAR] [LABEL] [INPUT]   (default jobs/target/memctl.jar, "logs", the
# generated input); with INPUT (any file memctl logs reads) the runs are its first quarter and the whole
# file instead. Files under $BENCH_DIR (default target/bench). Extra memctl logs flags in $LOG_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${1:-jobs/target/memctl.jar}
L=${2:-logs}
W=${BENCH_DIR:-target/bench}
mkdir -p "$W"
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
if [ -n "${3:-}" ]; then
  BIG="$3"
else
  [ -f "$W/logs/services.log" ] || "$JAVA" -cp "$JAR" dev.keymem.jobs.sample.LogGenerator "$W/logs" 200000 11 >/dev/null
  BIG="$W/logs/services.log"
fi
NBIG=$(wc -l < "$BIG")
NSMALL=$((NBIG / 4))
head -$NSMALL "$BIG" > "$W/small.log"
for f in "$W/small.log" "$BIG"; do
  b=$(basename "$f")
  # shellcheck disable=SC2086 # LOG_FLAGS is split into words on purpose
  /usr/bin/time -f "%e %U %S" -o "$W/$L-$b.time" "$JAVA" --add-modules jdk.incubator.vector -jar "$JAR" \
    logs --input "$f" --output "$W/$L-$b.jsonl" ${LOG_FLAGS:-} >/dev/null 2>"$W/$L-$b.err"
done
python3 - "$W/$L-small.log.time" "$W/$L-$(basename "$BIG").time" "$L" "$NSMALL" "$NBIG" <<'PY'
import sys
a=[float(x) for x in open(sys.argv[1]).read().split()]; b=[float(x) for x in open(sys.argv[2]).read().split()]
ca=a[1]+a[2]; cb=b[1]+b[2]; ns=int(sys.argv[4]); nb=int(sys.argv[5])
print(f"{sys.argv[3]}: {ns} lines {a[0]:.1f} s wall {ca:.1f} CPU s; {nb} lines {b[0]:.1f} s wall {cb:.1f} CPU s; "
      f"marginal {(nb-ns)/(cb-ca):.0f} lines/CPU-s; whole run {nb/cb:.0f} lines/CPU-s")
PY
