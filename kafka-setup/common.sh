#!/usr/bin/env bash
# Shared settings for the kafka-setup scripts. Every setting can be overridden from the environment.
set -euo pipefail

SETUP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SETUP_DIR/.." && pwd)"
WORK_DIR="${KEYMEM_KAFKA_WORK:-$SETUP_DIR/.work}"

KAFKA_HOST="${KAFKA_HOST:-127.0.0.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_DATA="${KAFKA_DATA:-$WORK_DIR/data}"
KAFKA_BOOTSTRAP="${KAFKA_BOOTSTRAP:-$KAFKA_HOST:$KAFKA_PORT}"
# Extra client properties (security settings etc.), passed to Kafka unchanged: a properties file.
KAFKA_CLIENT_CONFIG="${KAFKA_CLIENT_CONFIG:-}"

TOPIC_LOGS="${TOPIC_LOGS:-logs}"
TOPIC_LOG_SUMMARIES="${TOPIC_LOG_SUMMARIES:-log-summaries}"
TOPIC_USER_EVENTS="${TOPIC_USER_EVENTS:-user-events}"
TOPIC_USER_CONTEXT="${TOPIC_USER_CONTEXT:-user-context}"
TOPIC_DEAD_LETTERS="${TOPIC_DEAD_LETTERS:-dead-letters}"
TOPIC_PARTITIONS="${TOPIC_PARTITIONS:-2}"

PID_FILE="$WORK_DIR/kafka.pid"
READY_FILE="$WORK_DIR/kafka.ready"
LOG_FILE="$WORK_DIR/kafka.log"
CP_FILE="$WORK_DIR/classpath.txt"

mkdir -p "$WORK_DIR"

# The Java classpath: jobs classes plus their Maven dependencies (from Maven Central through ./mvnw).
# Built once and cached in .work/classpath.txt; delete that file (or set KEYMEM_REBUILD=1) to rebuild.
classpath() {
  if [[ -n "${KEYMEM_CLASSPATH:-}" ]]; then
    echo "$KEYMEM_CLASSPATH"; return
  fi
  if [[ ! -s "$CP_FILE" || "${KEYMEM_REBUILD:-0}" == "1" || ! -d "$REPO_ROOT/jobs/target/classes/dev/keymem/jobs/kafka" ]]; then
    echo "building the classpath (./mvnw -pl jobs -am test-compile dependency:build-classpath) ..." >&2
    (cd "$REPO_ROOT" && ./mvnw -q -pl jobs -am test-compile dependency:build-classpath \
        -Dmdep.outputFile="$CP_FILE.deps" -Dmdep.includeScope=runtime >&2)
    echo "$REPO_ROOT/jobs/target/classes:$(cat "$CP_FILE.deps")" > "$CP_FILE"
    rm -f "$CP_FILE.deps"
  fi
  cat "$CP_FILE"
}

client_args() {
  local args=(--bootstrap "$KAFKA_BOOTSTRAP")
  if [[ -n "$KAFKA_CLIENT_CONFIG" ]]; then args+=(--client-config "$KAFKA_CLIENT_CONFIG"); fi
  echo "${args[@]}"
}

kafka_tool() {
  # shellcheck disable=SC2046
  java -cp "$(classpath)" dev.keymem.jobs.kafka.KafkaTool "$1" $(client_args) "${@:2}"
}

running_pid() {
  if [[ -f "$PID_FILE" ]]; then
    local pid; pid="$(cat "$PID_FILE")"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; return 0; fi
  fi
  return 1
}
