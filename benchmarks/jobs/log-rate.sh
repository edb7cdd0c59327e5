#!/usr/bin/env bash
# Lines per CPU second of `memctl logs` over a file, as a user runs it: through the ./memctl launcher
# (its JVM options: JIT choice, the class-data-sharing archive beside the jar) at the job's defaults
# (embedded MiniCluster, RocksDB, checkpoints), with MEMCTL_JAR=JAR. Two runs: the input's first quarter
# and the whole input (default: LogGenerator, seed 11, 200,000 lines, 5 sources; 50,000 vs 200,000).
# Prints per run the JVM's CPU time (user + sys) and its whole-run rate (start-up included), the
# marginal rate (the lines between the two runs over the difference of CPU time, so JVM and
# MiniCluster start-up cancel out) and the load average.
# Usage: benchmarks/jobs/log-rate.sh [JAR] [LABEL] [INPUT]   (default jobs/target/memctl.jar, "logs",
# the generated input; INPUT: any file memctl logs reads). Relative paths: from the repository root.
# Files under $BENCH_DIR (default target/bench). Extra memctl logs flags in $LOG_FLAGS; a row for
# benchmarks/jobs-rate is appended to $RATE_OUT when set.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=$(realpath "${1:-jobs/target/memctl.jar}")
L=${2:-logs}
W=${BENCH_DIR:-target/bench}
mkdir -p "$W"
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
if [ ! -f "$JAR" ]; then
  [ "$JAR" = "$(realpath jobs/target/memctl.jar)" ] || { echo "log-rate: no such jar: $JAR" >&2; exit 2; }
  ./memctl --help >/dev/null # builds it
fi
if [ -n "${3:-}" ]; then
  BIG=$(realpath "$3")
  NAME=$(basename "$BIG")
else
  [ -f "$W/logs/services.log" ] || "$JAVA" -cp "$JAR" dev.keymem.jobs.sample.LogGenerator "$W/logs" 200000 11 >/dev/null
  BIG="$W/logs/services.log"
  NAME=services.log
fi
NBIG=$(wc -l < "$BIG")
SMALL="$W/$L-small-$NAME"
head -$((NBIG / 4)) "$BIG" > "$SMALL"
echo "log-rate: load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for f in "$SMALL" "$BIG"; do
  b=$(basename "$f")
  # shellcheck disable=SC2086 # LOG_FLAGS is split into words on purpose
  if ! /usr/bin/time -f "%e %U %S" -o "$W/$L-$b.time" env MEMCTL_JAR="$JAR" ./memctl logs --input "$f" \
      --output "$W/$L-$b.jsonl" ${LOG_FLAGS:-} >/dev/null 2>"$W/$L-$b.err"; then
    echo "log-rate: memctl logs --input $f failed:" >&2
    tail -5 "$W/$L-$b.err" >&2
    exit 1
  fi
done
python3 benchmarks/jobs/rate.py "$L" logs "$NAME" lines "$SMALL" "$BIG" \
  "$W/$L-$(basename "$SMALL").time" "$W/$L-$(basename "$BIG").time"
