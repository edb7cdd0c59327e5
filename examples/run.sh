#!/usr/bin/env bash
# Runs an example job on an embedded MiniCluster, the way an IDE run does (Flink's provided jars on the
# classpath): ./run.sh stream [keys records] | ./run.sh sql. Maven settings (e.g. -o,
# -Dmaven.repo.local=...) can be passed in MAVEN_ARGS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
mvn="${MVN:-mvn}"
what="${1:-stream}"; shift || true
case "$what" in stream) main=dev.keymem.examples.MemoryStreamJob ;; sql) main=dev.keymem.examples.MemorySqlJob ;;
  *) echo "usage: ./run.sh stream|sql [args]" >&2; exit 2 ;; esac
# shellcheck disable=SC2086
"$mvn" -B -q ${MAVEN_ARGS:-} compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=compile >&2
# Flink's temporary files (RocksDB, the REST endpoint's upload directory) under target/tmp, not /tmp.
tmp="target/tmp/run-$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
java --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  --add-modules jdk.incubator.vector -Djava.io.tmpdir="$tmp" -cp "target/classes:$(cat target/classpath.txt)" "$main" "$@"
