#!/usr/bin/env bash
# Two builds of keymem over the bench inputs, run back to back: the series behind docs/benchmarks.md's "Both jobs on
# the box after session N" tables (issue 13). For each round and each input, the BEFORE and AFTER tree's own launcher,
# jar and class archive run one after the other (`MEMCTL_JAR=$T/jobs/target/memctl.jar $T/memctl logs|context --input
# IN --output O` under `/usr/bin/time -f "%e %U %S"`), before first in the 1st, 3rd, ... round and after first in the
# 2nd, 4th, ...; each run's output is sorted, its md5 taken, and deleted at once. Every run is one line of a plain log,
# which benchmarks/jobs/compare-summary.py turns into the table.
#
# Usage: BEFORE=TREE AFTER=TREE IN=DIR OUT=DIR [ROUNDS="1 2 3 4"] [INPUTS="name ..."] benchmarks/jobs/compare-builds.sh
#   BEFORE, AFTER  built checkouts (jobs/target/memctl.jar and its class archive inside; run a jar from its own tree)
#   IN             the inputs and their MANIFEST.txt, as benchmarks/jobs/bench-inputs.sh writes them (job, name, file,
#                  records, bytes, md5 per row; the rows' order is the table's); each selected input's md5 is checked
#                  against the manifest before the series, which is refused on a mismatch
#   OUT            where the log (OUT/compare.log, appended to) and a run's scratch output go
#   ROUNDS         round labels (default "1 2 3 4"); the order turns with each label's position, so an even count
#                  puts each side first equally often (an odd count is warned about)
#   INPUTS         names of the manifest to run (default: all, in the manifest's order)
# Log lines (space-separated):
#   # ...                                                   a comment (trees, commits, +dirty for a tree with
#                                                           uncommitted changes, start and end)
#   load ROUND JOB NAME L1 L5 L15                           /proc/loadavg before the input's pair (also printed)
#   run ROUND JOB NAME RECORDS SIDE WALL USER SYS MD5 RC    SIDE before|after, MD5 = first 12 hex of the sorted
#                                                           output's md5 (FAILED when RC != 0 or there is no
#                                                           output; a run whose time file is empty logs RC 125 if it
#                                                           had none, and "- - -" times)
# The box's speed drifts 10-40% within minutes: read only pairs, >= 3 rounds. Then:
#   python3 benchmarks/jobs/compare-summary.py OUT/compare.log
set -euo pipefail
: "${BEFORE:?set BEFORE=tree}" "${AFTER:?set AFTER=tree}" "${IN:?set IN=inputs dir}" "${OUT:?set OUT=dir}"
ROUNDS=${ROUNDS:-1 2 3 4}
n_rounds=$(wc -w <<< "$ROUNDS")
[ $((n_rounds % 2)) -eq 0 ] || echo "compare-builds: warning: $n_rounds rounds (odd): before runs first in one more pair than after" >&2
BEFORE=$(cd "$BEFORE" && pwd)
AFTER=$(cd "$AFTER" && pwd)
IN=$(cd "$IN" && pwd)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
MAN=$IN/MANIFEST.txt
[ -f "$MAN" ] || { echo "compare-builds: no $MAN (make the inputs with benchmarks/jobs/bench-inputs.sh)" >&2; exit 2; }
for t in "$BEFORE" "$AFTER"; do
  [ -x "$t/memctl" ] && [ -f "$t/jobs/target/memctl.jar" ] || { echo "compare-builds: $t is not a built tree" >&2; exit 2; }
done
LOG=$OUT/compare.log
rev() { # the tree's commit, +dirty where tracked files have uncommitted changes
  local c
  c=$(git -C "$1" rev-parse --short=8 HEAD 2>/dev/null) || { echo '?'; return; }
  if [ -n "$(git -C "$1" status --porcelain --untracked-files=no 2>/dev/null)" ]; then c=$c+dirty; fi
  echo "$c"
}

# the manifest's rows to run: job name file records
ROWS=()
bad=0
while IFS=$'\t' read -r job name file records _bytes md5 _; do
  case $job in '#'*|'') continue ;; esac
  if [ -n "${INPUTS:-}" ] && [[ " $INPUTS " != *" $name "* ]]; then continue; fi
  ROWS+=("$job $name $file $records")
  # the input must be the one the manifest describes: its md5, before the series
  have=$(md5sum < "$IN/$file" 2>/dev/null | cut -c1-32) || have=missing
  if [ "$have" != "$md5" ]; then
    echo "compare-builds: $IN/$file: md5 ${have:-missing}, MANIFEST.txt says ${md5:-nothing}" >&2
    bad=1
  fi
done < "$MAN"
[ ${#ROWS[@]} -gt 0 ] || { echo "compare-builds: no input of $MAN selected (INPUTS='${INPUTS:-}')" >&2; exit 2; }
[ "$bad" -eq 0 ] || { echo "compare-builds: inputs differ from $MAN: remake them (benchmarks/jobs/bench-inputs.sh)" >&2; exit 2; }
# a run's scratch output, time and error files go on any exit (an interrupt, a failed step)
trap 'rm -f "$OUT"/out-before.jsonl "$OUT"/out-after.jsonl "$OUT"/time-before.txt "$OUT"/time-after.txt \
  "$OUT"/last-before.err "$OUT"/last-after.err' EXIT

one() { # round job name file records side tree
  local round=$1 job=$2 name=$3 file=$4 records=$5 side=$6 tree=$7 rc=0 md5 wall='' user='' sys=''
  local o=$OUT/out-$side.jsonl tf=$OUT/time-$side.txt
  rm -f "$o" "$tf"
  MEMCTL_JAR=$tree/jobs/target/memctl.jar /usr/bin/time -f "%e %U %S" -o "$tf" \
    "$tree/memctl" "$job" --input "$IN/$file" --output "$o" >/dev/null 2>"$OUT/last-$side.err" || rc=$?
  if [ -s "$tf" ]; then
    read -r wall user sys < <(tail -1 "$tf") || true
  fi
  if [ -z "$sys" ]; then # /usr/bin/time wrote nothing (or a partial line): the run counts as failed
    wall=- user=- sys=-
    [ "$rc" -ne 0 ] || rc=125
  fi
  if [ "$rc" -eq 0 ] && [ -f "$o" ]; then
    md5=$(LC_ALL=C sort "$o" | md5sum | cut -c1-12)
  else
    md5=FAILED
    cp "$OUT/last-$side.err" "$OUT/failed-$name-$side-$round.err"
  fi
  rm -f "$o" "$tf"
  echo "run $round $job $name $records $side $wall $user $sys $md5 $rc" | tee -a "$LOG"
}

echo "# compare-builds $(date -u +%FT%TZ) before=$BEFORE ($(rev "$BEFORE")) after=$AFTER ($(rev "$AFTER")) in=$IN rounds='$ROUNDS' inputs=${#ROWS[@]} host=$(hostname) cpus=$(nproc)" | tee -a "$LOG"
k=0
for round in $ROUNDS; do
  for row in "${ROWS[@]}"; do
    read -r job name file records <<< "$row"
    echo "load $round $job $name $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$LOG"
    if [ $((k % 2)) -eq 0 ]; then
      one "$round" "$job" "$name" "$file" "$records" before "$BEFORE"
      one "$round" "$job" "$name" "$file" "$records" after "$AFTER"
    else
      one "$round" "$job" "$name" "$file" "$records" after "$AFTER"
      one "$round" "$job" "$name" "$file" "$records" before "$BEFORE"
    fi
  done
  k=$((k + 1))
done
rm -f "$OUT/last-before.err" "$OUT/last-after.err"
echo "# end $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$LOG"
