#!/usr/bin/env bash
# Stops the Kafka started by start.sh (SIGTERM: the broker shuts down cleanly). Data is kept in
# $KAFKA_DATA; pass --wipe to delete it as well.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
if pid="$(running_pid)"; then
  kill -TERM "$pid"
  for _ in $(seq 1 "${KAFKA_STOP_TIMEOUT_S:-60}"); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "Kafka (pid $pid) did not stop in time; sending SIGKILL" >&2
    kill -KILL "$pid"
  else
    echo "Kafka (pid $pid) stopped"
  fi
else
  echo "Kafka not running"
fi
rm -f "$PID_FILE" "$READY_FILE"
if [[ "${1:-}" == "--wipe" ]]; then
  rm -rf "$KAFKA_DATA"
  echo "deleted $KAFKA_DATA"
fi
