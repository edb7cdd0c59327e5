#!/usr/bin/env bash
# Events per CPU second of `memctl context` over a file, as a user runs it: through the ./memctl launcher
# (its JVM options: JIT choice, the class-data-sharing archive beside the jar) at the job's defaults
# (embedded MiniCluster, RocksDB, checkpoints), with MEMCTL_JAR=JAR, on two generated inputs of
# different shape, a small and a larger size of each:
#   users: UserEventGenerator, seed 7, ~10 short events a user, 28% of them queries: 10,000 users
#          (99,955 events: benchmarks/jobs/bench-jobs.sh's input) and 30,000 users (300,186 events);
#   conv:  benchmarks/jobs/ConversationEvents.java, seed 5, 2,000 users of 20..600 multi-speaker turns
#          (more distinct words, histories up to 600 events, 6% queries): its first 100,000 and 300,000 lines;
#   FILE:  any events file memctl context reads: its first quarter and the whole file.
# Prints per run the JVM's CPU time (user + sys) and its whole-run rate (start-up included), the
# marginal rate (the events between the two sizes over the difference of CPU time, so JVM and
# MiniCluster start-up cancel out) and the load average.
# Usage: benchmarks/jobs/context-rate.sh [JAR] [LABEL] [INPUTS]   (default jobs/target/memctl.jar,
# "context", "users conv"; INPUTS: words users, conv or file paths). Relative paths: from the repository
# root. Files under $BENCH_DIR (default target/bench); a row per input for benchmarks/jobs-rate is
# appended to $RATE_OUT when set.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=$(realpath "${1:-jobs/target/memctl.jar}")
L=${2:-context}
INPUTS=${3:-users conv}
W=${BENCH_DIR:-target/bench}
mkdir -p "$W"
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
if [ ! -f "$JAR" ]; then
  [ "$JAR" = "$(realpath jobs/target/memctl.jar)" ] || { echo "context-rate: no such jar: $JAR" >&2; exit 2; }
  ./memctl --help >/dev/null # builds it
fi
for in in $INPUTS; do
  case $in in
    users)
      for u in 10000 30000; do
        [ -f "$W/users-$u.jsonl" ] || "$JAVA" -cp "$JAR" dev.keymem.jobs.sample.UserEventGenerator "$W/users-$u.jsonl" $u 7 >/dev/null
      done ;;
    conv)
      if [ ! -f "$W/conv-300k.jsonl" ]; then
        "$JAVA" -cp "$JAR" benchmarks/jobs/ConversationEvents.java "$W/conv-2k-5.jsonl" 2000 5 20 600 >/dev/null
        head -100000 "$W/conv-2k-5.jsonl" > "$W/conv-100k.jsonl"
        head -300000 "$W/conv-2k-5.jsonl" > "$W/conv-300k.jsonl"
      fi ;;
    *) [ -f "$in" ] || { echo "context-rate: unknown input $in (users, conv or a file)" >&2; exit 2; } ;;
  esac
done
echo "context-rate: load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for in in $INPUTS; do
  case $in in
    users) NAME=users; SMALL="$W/users-10000.jsonl"; BIG="$W/users-30000.jsonl" ;;
    conv) NAME=conv; SMALL="$W/conv-100k.jsonl"; BIG="$W/conv-300k.jsonl" ;;
    *)
      BIG=$(realpath "$in")
      NAME=$(basename "$BIG")
      SMALL="$W/$L-small-$NAME"
      head -$(($(wc -l < "$BIG") / 4)) "$BIG" > "$SMALL" ;;
  esac
  for f in "$SMALL" "$BIG"; do
    out="$W/$L-$(basename "$f")"
    if ! /usr/bin/time -f "%e %U %S" -o "$out.time" env MEMCTL_JAR="$JAR" ./memctl context --input "$f" \
        --output "$out.answers.jsonl" >/dev/null 2>"$out.err"; then
      echo "context-rate: memctl context --input $f failed:" >&2
      tail -5 "$out.err" >&2
      exit 1
    fi
  done
  python3 benchmarks/jobs/rate.py "$L" context "$NAME" events "$SMALL" "$BIG" \
    "$W/$L-$(basename "$SMALL").time" "$W/$L-$(basename "$BIG").time"
done
