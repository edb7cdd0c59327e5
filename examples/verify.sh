#!/usr/bin/env bash
# Checks that a fresh Maven project depending only on keymem's BOM and coordinates builds and runs:
# installs keymem into a private local repository (examples/target/m2, with the user's ~/.m2 as a
# read-only tail so nothing is downloaded twice and ~/.m2 is left as it is), copies examples/ to
# examples/target/fresh, builds it there, and runs both jobs, checking their output.
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
echo "verify: ok (the example project built against the installed keymem and ran both jobs)" >&2
