#!/usr/bin/env bash
# Starts a standalone Flink 2.2 session cluster on 127.0.0.1 from Maven artifacts (no Flink download):
# a JobManager (StandaloneSessionClusterEntrypoint) and a TaskManager (TaskManagerRunner), each its own
# JVM, with RocksDB state, incremental checkpoints and savepoints under $KEYMEM_CLUSTER_DIR.
#
#   cluster/start.sh               build what is missing, start a JobManager and one TaskManager
#   cluster/start.sh taskmanager   start one more TaskManager (e.g. after one was killed)
#
# Settings (environment): KEYMEM_CLUSTER_DIR (cluster/target/flink), KEYMEM_REST_PORT (8081),
# KEYMEM_RPC_PORT (6123), KEYMEM_SLOTS (4), KEYMEM_TM_MEMORY (1600m), KEYMEM_CHECKPOINT_INTERVAL (5 s),
# KEYMEM_REBUILD=1 (rebuild the jars). Stop with cluster/stop.sh; logs in $KEYMEM_CLUSTER_DIR/log.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

what="${1:-cluster}"
case "$what" in cluster|taskmanager) ;; *) echo "usage: cluster/start.sh [taskmanager]" >&2; exit 2 ;; esac

if [[ ! -d "$LIB_DIR" || ! -f "$JOB_JAR" || "${KEYMEM_REBUILD:-0}" == "1" ]]; then
  echo "building the Flink lib/ and the job jar (./mvnw -q -pl cluster -am package -DskipTests) ..." >&2
  (cd "$REPO_ROOT" && ./mvnw -q -pl cluster -am package -DskipTests >&2)
  # Another cluster directory, lib/ or job jar: copied from the build where missing (never overwritten).
  [[ -d "$LIB_DIR" ]] || { mkdir -p "$(dirname "$LIB_DIR")"; cp -r "$CLUSTER_SRC/target/flink/lib" "$LIB_DIR"; }
  [[ -f "$JOB_JAR" ]] || { mkdir -p "$(dirname "$JOB_JAR")"; cp "$CLUSTER_SRC/target/flink/usrlib/keymem-jobs-cluster.jar" "$JOB_JAR"; }
fi

mkdir -p "$CLUSTER_DIR"/{conf,log,tmp,uploads,checkpoints,savepoints}
CONF="$CLUSTER_DIR/conf"
if [[ "$what" == "cluster" ]]; then
  sed -e "s#@DIR@#$CLUSTER_DIR#g" -e "s#@REST_PORT@#$REST_PORT#g" -e "s#@RPC_PORT@#$RPC_PORT#g" \
      -e "s#@SLOTS@#$SLOTS#g" -e "s#@TM_MEMORY@#$TM_MEMORY#g" -e "s#@CHECKPOINT_INTERVAL@#$CHECKPOINT_INTERVAL#g" \
      "$CLUSTER_SRC/conf/config.yaml" > "$CONF/config.yaml"
  cp "$CLUSTER_SRC/conf/log4j.properties" "$CONF/log4j.properties"
fi
[[ -f "$CONF/config.yaml" ]] || { echo "no $CONF/config.yaml: start the cluster first (cluster/start.sh)" >&2; exit 1; }

CP="$LIB_DIR/*"
# shellcheck disable=SC2207
JAVA_OPTS=($(sed -n 's/^env\.java\.opts\.all: *//p' "$CONF/config.yaml"))

# Memory settings the way Flink's own scripts get them: BashJavaUtils prints the JVM options and the
# derived configuration (lines prefixed BASH_JAVA_UTILS_EXEC_RESULT:).
bash_java_utils() {
  local out
  out="$("$JAVA" "${JAVA_OPTS[@]}" -cp "$CP" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$CONF" 2>&1)" || {
    echo "$out" >&2; echo "BashJavaUtils $1 failed" >&2; exit 1; }
  echo "$out" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

start_process() { # name main-class
  local name="$1" main="$2" params jvm dyn n=0
  params="$(bash_java_utils "$3")"
  jvm="$(echo "$params" | sed -n 1p)"; dyn="$(echo "$params" | sed -n 2p)"
  if [[ "$name" == taskmanager ]]; then
    # A new name for every TaskManager (a killed one's pid file stays until stop.sh).
    while [[ -f "$CLUSTER_DIR/taskmanager-$n.pid" ]]; do n=$((n + 1)); done
    name="taskmanager-$n"
  fi
  STARTED="$name"
  # shellcheck disable=SC2086
  # java.io.tmpdir too: what libraries extract there (netty's natives) stays in the cluster's directory,
  # even when a process is killed.
  nohup "$JAVA" $jvm "${JAVA_OPTS[@]}" -Djava.io.tmpdir="$CLUSTER_DIR/tmp" -Dlog.file="$CLUSTER_DIR/log/$name.log" \
      -Dlog4j.configurationFile="file:$CONF/log4j.properties" -cp "$CP" "$main" --configDir "$CONF" $dyn \
      > "$CLUSTER_DIR/log/$name.out" 2>&1 < /dev/null &
  echo $! > "$CLUSTER_DIR/$name.pid"
  echo "started $name (pid $!), log $CLUSTER_DIR/log/$name.log" >&2
}

wait_for() { # description seconds command...
  local what="$1" secs="$2"; shift 2
  for ((i = 0; i < secs * 2; i++)); do
    if "$@" > /dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "timed out after ${secs}s waiting for $what; see $CLUSTER_DIR/log" >&2; exit 1
}

taskmanagers() { rest_get /overview | grep -o '"taskmanagers":[0-9]*' | cut -d: -f2; }
registered() { grep -q "Successful registration at resource manager" "$CLUSTER_DIR/log/$1.log"; }

if [[ "$what" == "cluster" ]]; then
  if [[ -f "$CLUSTER_DIR/jobmanager.pid" ]] && kill -0 "$(cat "$CLUSTER_DIR/jobmanager.pid")" 2>/dev/null; then
    echo "a JobManager is already running (pid $(cat "$CLUSTER_DIR/jobmanager.pid")); cluster/stop.sh first" >&2; exit 1
  fi
  # A port already taken (another cluster, another program) would make the new JobManager fail, or this
  # script talk to the wrong one.
  for port in "$REST_PORT" "$RPC_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port on 127.0.0.1 is in use (another Flink cluster?): stop it, or choose other ports with" \
        "KEYMEM_REST_PORT / KEYMEM_RPC_PORT" >&2; exit 1
    fi
  done
  start_process jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS
  wait_for "the JobManager's REST API at $REST" 120 rest_get /overview
fi
start_process taskmanager org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS
wait_for "$STARTED to register at the JobManager" 120 registered "$STARTED"
echo "$STARTED registered ($SLOTS slots); Flink cluster at $REST (web UI and REST API)" >&2
