#!/usr/bin/env bash
# One run of `memctl logs|context` on FILE with JFR: Java execution samples every 1 ms (all threads) and each
# a separate run's CPU per thread (shapes-threads.py), then a summary (shapes-profile.py): CPU s per thread group, the keyed threads' top
# self frames and the top dev.keymem frames on their stacks. Usage: benchmarks/jobs/shapes-profile.sh JAR JOB FILE OUTDIR
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=$(realpath "$1"); JOB=$2; F=$(realpath "$3"); O=$(realpath -m "$4")
mkdir -p "$O"
b=$(basename "$F")
# per-thread CPU from a run without JFR (shapes-threads.py), then the JFR run for the frames
python3 benchmarks/jobs/shapes-threads.py "$O/$b.out" "$O/$b.threads" -- \
  /usr/bin/time -f "%e %U %S" -o "$O/$b.time" env MEMCTL_JAR="$JAR" ./memctl "$JOB" --input "$F" --output "$O/$b.out" >/dev/null 2>"$O/$b.err"
env MEMCTL_JAR="$JAR" MEMCTL_JAVA_OPTS="-XX:FlightRecorderOptions:stackdepth=128 -XX:StartFlightRecording:filename=$O/$b.jfr,settings=profile,jdk.ExecutionSample#period=1ms" \
  ./memctl "$JOB" --input "$F" --output "$O/$b.out" >/dev/null 2>"$O/$b.err"
rm -f "$O/$b.out"
jfr print --stack-depth 128 --events jdk.ExecutionSample "$O/$b.jfr" > "$O/$b.samples.txt"
python3 benchmarks/jobs/shapes-profile.py "$O/$b.threads" "$O/$b.samples.txt" "$O/$b.time"
