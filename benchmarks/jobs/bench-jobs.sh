#!/usr/bin/env bash
# End-to-end throughput of both jobs on the embedded default (MiniCluster, RocksDB, checkpoints),
# with 10k keys: prints events/s, text tokens/s, and the same per CPU second (user + sys of the
# whole JVM, so per core). Both run through ./memctl, at its defaults. Usage: benchmarks/jobs/bench-jobs.sh [LINES] [USERS] (default 100000 10000);
# MEMCTL_JAR=FILE runs that build of the memctl jar, BENCH_DIR the scratch folder (default target/bench-jobs).
set -euo pipefail
cd "$(dirname "$0")/../.."
LINES=${1:-100000}
USERS=${2:-10000}
WORK=${BENCH_DIR:-target/bench-jobs}
mkdir -p "$WORK"
# MEMCTL_JAR picks another build of the memctl jar (./memctl honours it too)
if [ -n "${MEMCTL_JAR:-}" ]; then
  JAR=$(realpath "$MEMCTL_JAR")
  export MEMCTL_JAR=$JAR
else
  [ -f jobs/target/memctl.jar ] || ./memctl --help >/dev/null
  JAR=jobs/target/memctl.jar
fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

# inputs: the sample generators, re-keyed to 10k sources (5 services x 2000 instances)
"$JAVA" -cp "$JAR" dev.keymem.jobs.sample.LogGenerator "$WORK/logs" "$LINES" 11 >/dev/null
python3 benchmarks/jobs/rekey-logs.py "$WORK/logs/services.log" "$WORK/logs-10k.jsonl"
"$JAVA" -cp "$JAR" dev.keymem.jobs.sample.UserEventGenerator "$WORK/users.jsonl" "$USERS" 7 >/dev/null

run() { # name, input, command...
  local name=$1 input=$2; shift 2
  local events keys tokens wall user sys
  read -r events keys tokens < <("$JAVA" -cp "$JAR" benchmarks/jobs/CountTokens.java "$input" 2>/dev/null)
  /usr/bin/time -f "%e %U %S" -o "$WORK/$name.time" "$@" >/dev/null 2>"$WORK/$name.err"
  read -r wall user sys < "$WORK/$name.time"
  python3 -c "
e,k,t,w,u,s=$events,$keys,$tokens,$wall,$user,$sys
c=u+s
print(f'| $name | {k} | {e} | {t} | {w:.1f} | {c:.1f} | {e/w:.0f} | {t/w:.0f} | {e/c:.0f} | {t/c:.0f} |')"
}
echo "| job | keys | events | text tokens | wall s | CPU s | events/s | tokens/s | events/CPU-s | tokens/CPU-s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
# Through the memctl launcher, as a user runs them (its JVM options: C1 only for a file run of context).
run logs "$WORK/logs-10k.jsonl" ./memctl logs --input "$WORK/logs-10k.jsonl" --output "$WORK/summaries.jsonl"
run context "$WORK/users.jsonl" ./memctl context --input "$WORK/users.jsonl" --output "$WORK/answers.jsonl"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
