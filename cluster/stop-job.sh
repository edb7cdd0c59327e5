#!/usr/bin/env bash
# Stops a job of the local cluster with a savepoint (POST /jobs/:id/stop), waits for it, and prints the
# savepoint's location, ready for cluster/submit.sh --savepoint.
#
#   cluster/stop-job.sh JOB_ID            stop with a savepoint (the job can resume from it)
#   cluster/stop-job.sh --drain JOB_ID    end the input first (final results fire), then the savepoint
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
drain=false
if [[ "${1:-}" == "--drain" ]]; then drain=true; shift; fi
[[ $# -eq 1 ]] || { echo "usage: cluster/stop-job.sh [--drain] JOB_ID" >&2; exit 2; }
job="$1"
out="$(curl -sS -X POST -H 'Content-Type: application/json' -d "{\"drain\":$drain}" "$REST/jobs/$job/stop")"
request="$(echo "$out" | sed -n 's/.*"request-id":"\([0-9a-f]*\)".*/\1/p')"
[[ -n "$request" ]] || { echo "stop of job $job refused: $out" >&2; exit 1; }
for ((i = 0; i < 600; i++)); do
  status="$(rest_get "/jobs/$job/savepoints/$request" || true)"
  if [[ "$status" == *'"id":"COMPLETED"'* ]]; then
    location="$(echo "$status" | sed -n 's/.*"location":"\([^"]*\)".*/\1/p')"
    if [[ -z "$location" ]]; then echo "savepoint of job $job failed: $status" >&2; exit 1; fi
    echo "$location"; exit 0
  fi
  sleep 0.5
done
echo "savepoint of job $job not completed after 5 minutes; see $CLUSTER_DIR/log" >&2; exit 1
