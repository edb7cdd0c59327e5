#!/usr/bin/env bash
# Submits the keymem job jar to the local cluster through the REST API (/jars/upload, /jars/:id/run)
# and prints the job id.
#
#   cluster/submit.sh [--parallelism N] [--savepoint PATH] -- --job logs --kafka 127.0.0.1:9092 [job args]
#   cluster/submit.sh --jar FILE --entry-class CLASS [...] -- [args]      another job jar
#
# Everything after the script's own options (or after --) is passed to the job.
#
# The job arguments are KeymemJob's (docs/cluster.md). Stop with a savepoint: cluster/stop-job.sh JOBID.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
parallelism=""; savepoint=""; entry="dev.keymem.cluster.KeymemJob"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --parallelism) parallelism="$2"; shift 2 ;;
    --jar) JOB_JAR="$2"; shift 2 ;;
    --entry-class) entry="$2"; shift 2 ;;
    --savepoint) savepoint="$2"; shift 2 ;;
    --) shift; break ;;
    -h|--help) echo "usage: cluster/submit.sh [--jar FILE] [--entry-class CLASS] [--parallelism N] [--savepoint PATH] [--] ARGS" >&2; exit 2 ;;
    *) break ;; # the job's arguments (the -- before them may be left out)
  esac
done
[[ -f "$JOB_JAR" ]] || { echo "no job jar at $JOB_JAR (run cluster/start.sh first)" >&2; exit 1; }
rest_get /overview > /dev/null 2>&1 || { echo "no Flink cluster answers at $REST (start one: cluster/start.sh)" >&2; exit 1; }
upload="$(curl -fsS -X POST -F "jarfile=@$JOB_JAR" "$REST/jars/upload")"
jar_id="$(echo "$upload" | sed -n 's/.*"filename":"[^"]*\/\([^"/]*\)".*/\1/p')"
[[ -n "$jar_id" ]] || { echo "upload failed: $upload" >&2; exit 1; }
args_json=""
if [[ $# -gt 0 ]]; then
  args_json="$(printf '%s\n' "$@" | sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/' | paste -sd, -)"
fi
body="{\"entryClass\":\"$entry\",\"programArgsList\":[${args_json}]"
[[ -n "$parallelism" ]] && body+=",\"parallelism\":$parallelism"
[[ -n "$savepoint" ]] && body+=",\"savepointPath\":\"$savepoint\""
body+="}"
out="$(curl -sS -X POST -H 'Content-Type: application/json' -d "$body" "$REST/jars/$jar_id/run")"
job_id="$(echo "$out" | sed -n 's/.*"jobid":"\([0-9a-f]*\)".*/\1/p')"
[[ -n "$job_id" ]] || { echo "submission failed: $out" >&2; exit 1; }
echo "$job_id"
