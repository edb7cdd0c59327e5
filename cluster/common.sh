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

rest_get() { curl -fsS --max-time 5 "$REST$1"; }
