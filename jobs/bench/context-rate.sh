#!/usr/bin/env bash
# Events per CPU second of `memctl context` over a file at its defaults (embedded MiniCluster, RocksDB,
# checkpoints; run through the ./memctl launcher with its JVM options), on two generated inputs of
# different shape:
#   users: UserEventGenerator, seed 7, ~10 short events a user, 28% of them queries: 10,000 users
#          (99,955 events: jobs/bench/bench-jobs.sh's input) and 30,000 users (300,186 events);
#   conv:  jobs/bench/ConversationEvents.java, seed 5, 2,000 users of 20..600 multi-speaker turns (more
#          distinct words, histories up to 600 events, 6% queries): its first 100,000 and 300,000 lines.
# "marginal" is the events between the two sizes over the difference of the JVM's CPU time (user + sys),
# so JVM and MiniCluster start-up cancel out; "whole run" is events over the whole JVM's CPU time.
# Usage: jobs/bench/context-rate.sh [JAR] [LABEL] [INPUTS]   (default jobs/target/memctl.jar, "context",
# "users conv"); files under $BENCH_DIR (default target/bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=$(realpath "${1:-jobs/target/memctl.jar}")
L=${2:-context}
INPUTS=${3:-users conv}
W=${BENCH_DIR:-target/bench}
mkdir -p "$W"
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
for u in 10000 30000; do
  [ -f "$W/users-$u.jsonl" ] || "$JAVA" -cp "$JAR" dev.keymem.jobs.sample.UserEventGenerator "$W/users-$u.jsonl" $u 7 >/dev/null
done
if [ ! -f "$W/conv-300k.jsonl" ]; then
  "$JAVA" -cp "$JAR" jobs/bench/ConversationEvents.java "$W/conv-2k-5.jsonl" 2000 5 20 600 >/dev/null
  head -100000 "$W/conv-2k-5.jsonl" > "$W/conv-100k.jsonl"
  head -300000 "$W/conv-2k-5.jsonl" > "$W/conv-300k.jsonl"
fi
for in in $INPUTS; do
  case $in in
    users) SMALL=10000; BIG=30000 ;;
    conv) SMALL=100k; BIG=300k ;;
    *) echo "unknown input $in (users, conv)" >&2; exit 2 ;;
  esac
  for n in $SMALL $BIG; do
    f="$W/$in-$n.jsonl"
    out="$W/$L-$in-$n"
    /usr/bin/time -f "%e %U %S" -o "$out.time" env MEMCTL_JAR="$JAR" ./memctl context --input "$f" \
      --output "$out.answers.jsonl" >/dev/null 2>"$out.err"
  done
  python3 - "$W/$L-$in-$SMALL.time" "$W/$L-$in-$BIG.time" "$L" "$in" "$SMALL" "$BIG" "$W/$in-$SMALL.jsonl" "$W/$in-$BIG.jsonl" <<'PY'
import os, sys
a=[float(x) for x in open(sys.argv[1]).read().split()]; b=[float(x) for x in open(sys.argv[2]).read().split()]
na=sum(1 for _ in open(sys.argv[7], 'rb')); nb=sum(1 for _ in open(sys.argv[8], 'rb'))
ca=a[1]+a[2]; cb=b[1]+b[2]
print(f"{sys.argv[3]} {sys.argv[4]}: {na} events {a[0]:.1f} s wall {ca:.1f} CPU s ({na/ca:.0f}/CPU-s); "
      f"{nb} events {b[0]:.1f} s wall {cb:.1f} CPU s ({nb/cb:.0f}/CPU-s); "
      f"marginal {(nb-na)/(cb-ca):.0f} events/CPU-s; load {os.getloadavg()[0]:.1f}")
PY
done
