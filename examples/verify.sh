#!/usr/bin/env bash
# Checks that a fresh Maven project depending only on keymem's BOM and coordinates builds and runs:
# installs keymem into a private local repository (examples/target/m2, with the user's ~/.m2 as a
# read-only tail so nothing is downloaded twice and ~/.m2 is left as it is), copies examples/ to
# examples/target/fresh, builds it there, and runs both jobs, checking their output: first as an IDE
# runs them (an embedded MiniCluster), then submitted to a standalone Flink cluster of cluster/start.sh
# (JobManager and TaskManager JVMs on 127.0.0.1, free ports, under examples/target/cluster; stopped at
# the end). KEYMEM_EXAMPLES_CLUSTER=0 leaves the cluster runs out.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$repo/examples/target"
m2="$work/m2"
tail_repo="${KEYMEM_M2_TAIL:-$HOME/.m2/repository}"
maven_args="-B -q -Dmaven.repo.local=$m2 -Dmaven.repo.local.tail=$tail_repo ${KEYMEM_MAVEN_ARGS:-}"
mkdir -p "$work"

if [[ "${KEYMEM_SKIP_INSTALL:-0}" != "1" ]]; then
  echo "verify: installing keymem into $m2 ..." >&2
  # shellcheck disable=SC2086
  (cd "$repo" && ./mvnw $maven_args install -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
      -pl bom,operators,sql -am >&2)
fi

fresh="$work/fresh"
rm -rf "$fresh"; mkdir -p "$fresh"
cp -r "$repo/examples/pom.xml" "$repo/examples/src" "$repo/examples/run.sh" "$fresh/"
echo "verify: building the example project in $fresh ..." >&2
# shellcheck disable=SC2086
(cd "$fresh" && "$repo/mvnw" $maven_args package >&2)
jar="$fresh/target/keymem-examples-0.1.0-SNAPSHOT.jar"
[[ -f "$jar" ]] || { echo "verify: $jar was not built" >&2; exit 1; }
listing="$(unzip -l "$jar")"
grep -q "dev/keymem/operators/BatchedMemoryOperator.class" <<< "$listing" \
  || { echo "verify: keymem is not inside $jar" >&2; exit 1; }
if grep -q "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class" <<< "$listing"; then
  echo "verify: Flink is inside $jar (it must be provided)" >&2; exit 1
fi

echo "verify: running the DataStream job ..." >&2
stream="$(cd "$fresh" && MVN="$repo/mvnw" MAVEN_ARGS="$maven_args" ./run.sh stream 20 2000 2>"$work/stream.err")" \
  || { cat "$work/stream.err" >&2; exit 1; }
keys="$(grep -c ' tokens=[0-9]* read-norm=' <<< "$stream" || true)"
[[ "$keys" == 20 ]] || { echo "verify: expected 20 keys' lines, got $keys:" >&2; echo "$stream" >&2; exit 1; }

echo "verify: running the SQL job ..." >&2
sql="$(cd "$fresh" && MVN="$repo/mvnw" MAVEN_ARGS="$maven_args" ./run.sh sql 2>"$work/sql.err")" \
  || { cat "$work/sql.err" >&2; exit 1; }
for want in "^ana | Where do I live? | I live in Lisbon.$" "^ben | Where do I live? | I live in Oslo.$" \
    "^ben | What is my cat called? | My cat is called Miso.$"; do
  grep -q "$want" <<< "$sql" || { echo "verify: no line matching '$want' in:" >&2; echo "$sql" >&2; exit 1; }
done

if [[ "${KEYMEM_EXAMPLES_CLUSTER:-1}" == "1" ]]; then
  free_port() { # a port nothing listens on, from a random start
    local p
    for _ in $(seq 1 100); do
      p=$((20000 + RANDOM % 30000))
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
    done
    echo "verify: no free port found" >&2; exit 1
  }
  export KEYMEM_CLUSTER_DIR="$work/cluster" KEYMEM_JOB_JAR="$jar"
  export KEYMEM_REST_PORT="${KEYMEM_REST_PORT:-$(free_port)}" KEYMEM_RPC_PORT="${KEYMEM_RPC_PORT:-$(free_port)}"
  export KEYMEM_SLOTS="${KEYMEM_SLOTS:-2}" KEYMEM_TM_MEMORY="${KEYMEM_TM_MEMORY:-1200m}"
  if [[ -d "$repo/cluster/target/flink/lib" ]]; then export KEYMEM_CLUSTER_LIB="$repo/cluster/target/flink/lib"; fi
  rest="http://127.0.0.1:$KEYMEM_REST_PORT"
  rm -rf "$KEYMEM_CLUSTER_DIR"
  trap '"$repo/cluster/stop.sh" || true' EXIT
  echo "verify: starting a standalone cluster (cluster/start.sh, REST $rest) ..." >&2
  "$repo/cluster/start.sh" >&2
  await_finished() { # job-id: waits up to 5 minutes for FINISHED; fails on FAILED or CANCELED
    local state
    for _ in $(seq 1 600); do
      state="$(curl -fsS --max-time 5 "$rest/jobs/$1" | sed -n 's/.*"state":"\([A-Z]*\)".*/\1/p' | head -n1)"
      case "$state" in
        FINISHED) return 0 ;;
        FAILED|CANCELED) echo "verify: job $1 is $state:" >&2; curl -fsS "$rest/jobs/$1/exceptions" >&2 || true
          exit 1 ;;
      esac
      sleep 0.5
    done
    echo "verify: job $1 not finished after 5 minutes (state $state)" >&2; exit 1
  }
  echo "verify: running both jobs on the cluster (cluster/submit.sh --jar ... --entry-class ...) ..." >&2
  stream_job="$("$repo/cluster/submit.sh" --jar "$jar" --entry-class dev.keymem.examples.MemoryStreamJob -- 20 2000)"
  sql_job="$("$repo/cluster/submit.sh" --jar "$jar" --entry-class dev.keymem.examples.MemorySqlJob)"
  await_finished "$stream_job"
  await_finished "$sql_job"
  # print() on a cluster writes to the TaskManagers' stdout: log/taskmanager-N.out.
  out="$(cat "$KEYMEM_CLUSTER_DIR"/log/taskmanager-*.out)"
  keys="$(grep -c ' tokens=[0-9]* read-norm=' <<< "$out" || true)"
  [[ "$keys" == 20 ]] || { echo "verify: cluster: expected 20 keys' lines, got $keys:" >&2; echo "$out" >&2; exit 1; }
  for want in "^ana | Where do I live? | I live in Lisbon.$" "^ben | Where do I live? | I live in Oslo.$" \
      "^ben | What is my cat called? | My cat is called Miso.$"; do
    grep -q "$want" <<< "$out" || { echo "verify: cluster: no line matching '$want' in:" >&2; echo "$out" >&2; exit 1; }
  done
  "$repo/cluster/stop.sh" >&2
  trap - EXIT
  echo "verify: both jobs ran on the standalone cluster (jobs $stream_job, $sql_job)" >&2
fi
echo "verify: ok (the example project built against the installed keymem and ran both jobs)" >&2
