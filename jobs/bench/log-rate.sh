#!/usr/bin/env bash
# Marginal lines per CPU second of `memctl logs` on the embedded default (MiniCluster, RocksDB,
# checkpoints): the JVM's CPU time (user + sys) of a 200,000-line run minus that of a 50,000-line run
# of the same input (LogGenerator, seed 11, 5 sources), so JVM and MiniCluster start-up cancel out.
# Usage: jobs/bench/log-rate.sh [JAR] [LABEL]   (default jobs/target/memctl.jar, "logs");
# files under $BENCH_DIR (default target/bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${1:-jobs/target/memctl.jar}
L=${2:-logs}
W=${BENCH_DIR:-target/bench}
mkdir -p "$W"
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
[ -f "$W/logs/services.log" ] || "$JAVA" -cp "$JAR" dev.keymem.jobs.sample.LogGenerator "$W/logs" 200000 11 >/dev/null
head -50000 "$W/logs/services.log" > "$W/small.log"
for f in small.log logs/services.log; do
  /usr/bin/time -f "%e %U %S" -o "$W/$L-$(basename $f).time" "$JAVA" --add-modules jdk.incubator.vector -jar "$JAR" \
    logs --input "$W/$f" --output "$W/$L-$(basename $f).jsonl" >/dev/null 2>"$W/$L-$(basename $f).err"
done
python3 - "$W/$L-small.log.time" "$W/$L-services.log.time" "$L" <<'PY'
import sys
a=[float(x) for x in open(sys.argv[1]).read().split()]; b=[float(x) for x in open(sys.argv[2]).read().split()]
ca=a[1]+a[2]; cb=b[1]+b[2]
print(f"{sys.argv[3]}: 50k lines {a[0]:.1f} s wall {ca:.1f} CPU s; 200k lines {b[0]:.1f} s wall {cb:.1f} CPU s; "
      f"marginal {150000/(cb-ca):.0f} lines/CPU-s; whole run {200000/cb:.0f} lines/CPU-s")
PY
