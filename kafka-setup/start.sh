#!/usr/bin/env bash
# Starts a single-node KRaft Kafka (broker + controller in one JVM) on 127.0.0.1:9092 from Maven
# artifacts (org.apache.kafka:kafka_2.13), in the background. Waits until it answers.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if pid="$(running_pid)"; then
  echo "Kafka already running (pid $pid) on $(cat "$READY_FILE" 2>/dev/null || echo "$KAFKA_HOST:$KAFKA_PORT")"
  exit 0
fi
CP="$(classpath)"
rm -f "$READY_FILE"
mkdir -p "$KAFKA_DATA"
nohup java ${KAFKA_JAVA_OPTS:--Xmx512m} -cp "$CP" dev.keymem.jobs.kafka.LocalKafka \
  --host "$KAFKA_HOST" --port "$KAFKA_PORT" --controller-port "$KAFKA_CONTROLLER_PORT" \
  --log-dir "$KAFKA_DATA" --ready-file "$READY_FILE" > "$LOG_FILE" 2>&1 &
echo $! > "$PID_FILE"
echo "starting Kafka (pid $(cat "$PID_FILE"), log $LOG_FILE) ..."
for _ in $(seq 1 "${KAFKA_START_TIMEOUT_S:-90}"); do
  if [[ -s "$READY_FILE" ]]; then
    echo "Kafka ready on $(cat "$READY_FILE") (data in $KAFKA_DATA)"
    exit 0
  fi
  if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    echo "Kafka exited during start; last log lines:" >&2
    tail -20 "$LOG_FILE" >&2
    rm -f "$PID_FILE"
    exit 1
  fi
  sleep 1
done
echo "Kafka did not become ready in time; see $LOG_FILE (still running as pid $(cat "$PID_FILE"); ./stop.sh stops it)" >&2
exit 1
