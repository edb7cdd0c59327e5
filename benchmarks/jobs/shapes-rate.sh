#!/usr/bin/env bash
# Whole-run rate of `memctl logs|context` on the probe inputs of shapes.py: one row per file with the CPU seconds
# (user + sys, /usr/bin/time), records per CPU s, wall s, and the job's own summary line (answers/summaries, dead
# letters). Usage: benchmarks/jobs/shapes-rate.sh JAR DIR [GLOB]   (DIR: shapes.py's OUTDIR; GLOB default '*')
# Rows go to stdout as TSV: job file records cpu_s rate wall_s load1 summary. Scratch under DIR/out.
set -uo pipefail
cd "$(dirname "$0")/../.."
JAR=$(realpath "$1"); D=$(realpath "$2"); G=${3:-*}
mkdir -p "$D/out"
for job in logs context; do
  for f in "$D"/$job/$G; do
    [ -f "$f" ] || continue
    b=$(basename "$f")
    n=$(wc -l < "$f")
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%e %U %S" -o "$D/out/$b.time" env MEMCTL_JAR="$JAR" ./memctl $job --input "$f" \
      --output "$D/out/$b.out" >/dev/null 2>"$D/out/$b.err"
    rc=$?
    read -r wall u s < <(tail -1 "$D/out/$b.time")
    cpu=$(python3 -c "print(f'{$u+$s:.2f}')")
    summ=$(grep -o 'done in.*' "$D/out/$b.err" | sed 's/ -> .*//' | tail -1)
    [ $rc -eq 0 ] || summ="FAILED rc=$rc: $(tail -1 "$D/out/$b.err")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$job" "$b" "$n" "$cpu" "$(python3 -c "print(round($n/$cpu))")" "$wall" "$load" "$summ"
    rm -f "$D/out/$b.out"
  done
done
