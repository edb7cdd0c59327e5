#!/usr/bin/env bash
# Runs the SQL example on an embedded MiniCluster: the KEY_MEMORY Process Table Function over the
# bundled user events (or the JSONL file given), printing each query's best three items and the count
# of queries whose expected fact is among them. Builds the module and its classpath on first use
# (KEYMEM_REBUILD=1 rebuilds; KEYMEM_CLASSPATH, a classpath with keymem-sql and Flink, replaces them).
# Flink's temporary files go to sql/target/tmp, removed at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cp_file="$root/sql/target/example-classpath.txt"
if [[ -n "${KEYMEM_CLASSPATH:-}" ]]; then
  classpath="$KEYMEM_CLASSPATH"
else
  if [[ ! -s "$cp_file" || ! -d "$root/sql/target/classes/dev/keymem/sql" || "${KEYMEM_REBUILD:-0}" == "1" ]]; then
    echo "building keymem-sql (./mvnw -q -pl sql -am package -DskipTests) ..." >&2
    (cd "$root" && ./mvnw -q -pl sql -am package -DskipTests dependency:build-classpath \
        -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=compile -Dmaven.javadoc.skip >&2)
  fi
  classpath="$root/sql/target/classes:$(cat "$cp_file")"
fi
input="${1:-$root/samples/events/users.jsonl}"
tmp="$root/sql/target/tmp/example-$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
cd "$root"
java --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  -Djava.io.tmpdir="$tmp" -cp "$classpath" dev.keymem.sql.SqlExample "$input"
