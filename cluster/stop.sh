#!/usr/bin/env bash
# Stops the local cluster's processes started by cluster/start.sh (TERM, then KILL after 30 s).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
shopt -s nullglob
for f in "$CLUSTER_DIR"/taskmanager-*.pid "$CLUSTER_DIR"/jobmanager.pid; do
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    echo "stopped $(basename "$f" .pid) (pid $pid)" >&2
  fi
  rm -f "$f"
done
