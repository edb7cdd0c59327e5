#!/usr/bin/env bash
# Shared settings of cluster/start.sh, stop.sh and submit.sh. Every setting can be set from the environment.
set -euo pipefail

CLUSTER_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$CLUSTER_SRC/.." && pwd)"
# Where the cluster lives: lib/ (Flink jars, copied by the build), usrlib/ (the job jar), conf/, log/,
# checkpoints/, savepoints/, pids.
CLUSTER_DIR="${KEYMEM_CLUSTER_DIR:-$CLUSTER_SRC/target/flink}"
LIB_DIR="${KEYMEM_CLUSTER_LIB:-$CLUSTER_DIR/lib}"
JOB_JAR="${KEYMEM_JOB_JAR:-$CLUSTER_DIR/usrlib/keymem-jobs-cluster.jar}"
REST_PORT="${KEYMEM_REST_PORT:-8081}"
RPC_PORT="${KEYMEM_RPC_PORT:-6123}"
SLOTS="${KEYMEM_SLOTS:-4}"
TM_MEMORY="${KEYMEM_TM_MEMORY:-1600m}"
CHECKPOINT_INTERVAL="${KEYMEM_CHECKPOINT_INTERVAL:-5 s}"
REST="http://127.0.0.1:$REST_PORT"

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA="$(command -v java || true)"; fi
if [[ -z "$JAVA" || ! -x "$JAVA" ]]; then
  echo "no java found: set JAVA_HOME or put a Java 17+ java on PATH" >&2; exit 1
fi

# GET a REST path; the body on HTTP 200, else a failure. curl when there is one, else bash's /dev/tcp.
rest_get() {
  if command -v curl > /dev/null 2>&1 && [[ "${KEYMEM_NO_CURL:-0}" != "1" ]]; then
    curl -fsS --max-time 5 "$REST$1"; return
  fi
  local response
  response="$(exec 3<>"/dev/tcp/127.0.0.1/$REST_PORT" \
    && printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$1" >&3 \
    && timeout 5 cat <&3)" 2>/dev/null || return 1
  [[ "$(head -n1 <<< "$response")" == *" 200 "* ]] || return 1
  sed '1,/^\r\{0,1\}$/d' <<< "$response"
}
