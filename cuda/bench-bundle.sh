#!/usr/bin/env bash
# Builds a self-contained bundle to run the CUDA tests and GpuBench on a GPU host that has no Java
# and no network: a jlink'd Java runtime (Temurin 25 jmods), the keymem models/cuda classes (main and
# test), the GPU benchmarks (dev.keymem.cuda.GpuBench, McReadBench) of the benchmarks module, the
# JavaCPP + CUDA presets jars and the JUnit platform jars. No Flink, no ND4J.
#   cuda/bench-bundle.sh [DEST]        (default DEST: .gpu-bundle of this repository, git-ignored)
# On the device:  .gpu-bundle/run.sh dev.keymem.cuda.GpuTestMain
#                 .gpu-bundle/run.sh dev.keymem.cuda.GpuBench --out $OUT
#
# With --operator it also carries what the batched Flink operator test needs (GpuOperatorDeviceTest,
# GpuOperatorEmulatedTest through dev.keymem.cuda.GpuOperatorTestMain): the operators and
# state-serializers classes and the Flink jars of the cuda module's test classpath (from Maven,
# offline), less those the operator test harness never loads (the RPC actor system, ZooKeeper, the
# async profiler, the datagen connector) and with no RocksDB (the test uses the HashMap backend). That
# is over 64 MiB unpacked, so DEST then holds one file, keymem-gpu-bundle.tar.xz: the runtime is
# jlink'd without compression and every jar is re-stored uncompressed so that xz compresses it all.
#   cuda/bench-bundle.sh --operator [DEST]
# On the device (the repository with DEST=.gpu-bundle carried): cuda/gpu-run.sh unpacks it (tar or
# python3) to /tmp/keymem-gpu-bundle once and runs a main class, e.g.
#                 bash cuda/gpu-run.sh dev.keymem.cuda.GpuOperatorTestMain
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OPERATOR=0
if [ "${1:-}" = "--operator" ]; then
  OPERATOR=1
  shift
fi
DEST=${1:-$ROOT/.gpu-bundle}
JDK=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
M2=${M2:-$HOME/.m2/repository}
LIMIT=$((64 * 1024 * 1024))

cd "$ROOT"
if [ "$OPERATOR" = 1 ]; then
  # test-compile in the same reactor run resolves the keymem modules to their target/ folders
  CPFILE=target/gpu-bundle-classpath.txt
  ./mvnw -q -o -pl cuda,benchmarks -am test-compile
  ./mvnw -q -o -pl cuda -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$CPFILE"
  CPFILE=cuda/$CPFILE
  OUTDIR=$DEST
  STAGE=$(mktemp -d "${TMPDIR:-/tmp}/keymem-gpu-bundle.XXXXXX")
  trap 'rm -rf "$STAGE"' EXIT
  DEST=$STAGE
  COMPRESS=zip-0
  MODULES=java.base,jdk.unsupported,java.logging,java.management,jdk.incubator.vector,java.naming,java.sql,java.xml,jdk.management
else
  ./mvnw -q -o -pl cuda,benchmarks -am test-compile # benchmarks: GpuBench
  rm -rf "$DEST"
  COMPRESS=zip-9
  MODULES=java.base,jdk.unsupported,java.logging,java.management,jdk.incubator.vector
fi

mkdir -p "$DEST/lib"
"$JDK/bin/jlink" --add-modules "$MODULES" \
  --strip-debug --no-header-files --no-man-pages --compress=$COMPRESS --output "$DEST/jre"

"$JDK/bin/jar" --create --file "$DEST/lib/keymem-models.jar" -C models/target/classes .
"$JDK/bin/jar" --create --file "$DEST/lib/keymem-models-tests.jar" -C models/target/test-classes .
"$JDK/bin/jar" --create --file "$DEST/lib/keymem-cuda.jar" -C cuda/target/classes .
"$JDK/bin/jar" --create --file "$DEST/lib/keymem-cuda-tests.jar" -C cuda/target/test-classes .
# the GPU benchmarks alone (the rest of the benchmarks module needs Flink and ND4J)
"$JDK/bin/jar" --create --file "$DEST/lib/keymem-gpu-bench.jar" -C benchmarks/target/classes dev/keymem/cuda

jars=(
  org/bytedeco/javacpp/1.5.13/javacpp-1.5.13.jar
  org/bytedeco/javacpp/1.5.13/javacpp-1.5.13-linux-x86_64.jar
  org/bytedeco/cuda/13.1-9.19-1.5.13/cuda-13.1-9.19-1.5.13.jar
  org/bytedeco/cuda/13.1-9.19-1.5.13/cuda-13.1-9.19-1.5.13-linux-x86_64.jar
  org/junit/jupiter/junit-jupiter-api/5.11.4/junit-jupiter-api-5.11.4.jar
  org/junit/jupiter/junit-jupiter-engine/5.11.4/junit-jupiter-engine-5.11.4.jar
  org/junit/jupiter/junit-jupiter-params/5.11.4/junit-jupiter-params-5.11.4.jar
  org/junit/platform/junit-platform-commons/1.11.4/junit-platform-commons-1.11.4.jar
  org/junit/platform/junit-platform-engine/1.11.4/junit-platform-engine-1.11.4.jar
  org/junit/platform/junit-platform-launcher/1.11.4/junit-platform-launcher-1.11.4.jar
  org/opentest4j/opentest4j/1.3.0/opentest4j-1.3.0.jar
  org/apiguardian/apiguardian-api/1.1.2/apiguardian-api-1.1.2.jar
)
for j in "${jars[@]}"; do cp "$M2/$j" "$DEST/lib/"; done

if [ "$OPERATOR" = 1 ]; then
  "$JDK/bin/jar" --create --file "$DEST/lib/keymem-operators.jar" -C operators/target/classes .
  "$JDK/bin/jar" --create --file "$DEST/lib/keymem-state-serializers.jar" -C state-serializers/target/classes .
  # every other jar of the cuda test classpath, less those the harness never loads and RocksDB
  skip='/(flink-rpc-akka-loader|flink-shaded-zookeeper-3|async-profiler|flink-connector-datagen|frocksdbjni|flink-statebackend-rocksdb)-[^/]*\.jar$'
  tr ':' '\n' < "$CPFILE" | grep '\.jar$' | grep -Ev "$skip" | while read -r j; do
    [ -e "$DEST/lib/$(basename "$j")" ] || cp "$j" "$DEST/lib/"
  done
  # store every jar uncompressed (deflated jars barely compress further under xz)
  python3 - "$DEST/lib" <<'PY'
import os, sys, zipfile
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    p = os.path.join(d, name)
    tmp = p + ".stored"
    with zipfile.ZipFile(p) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            data = src.read(info)
            info.compress_type = zipfile.ZIP_STORED
            dst.writestr(info, data)
    os.replace(tmp, p)
PY
fi

cat > "$DEST/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs a main class of the bundle with CUDA's library folder on LD_LIBRARY_PATH.
HERE=$(cd "$(dirname "$0")" && pwd)
for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/local/cuda-13*/lib64 \
         /usr/local/cuda-13*/targets/x86_64-linux/lib /usr/local/nvidia/lib64 /usr/lib/x86_64-linux-gnu; do
  for lib in libcudart.so.13 libcublas.so.13 libnvrtc.so.13; do
    if [ -e "$d/$lib" ]; then case ":${LD_LIBRARY_PATH:-}:" in *":$d:"*) ;; *) LD_LIBRARY_PATH="$d:${LD_LIBRARY_PATH:-}";; esac; fi
  done
done
# pip-installed CUDA 13 wheels (nvidia/cu13/lib or nvidia/*/lib) as a fallback
for lib in libcublas.so.13 libnvrtc.so.13 libcudart.so.13; do
  if ! echo "${LD_LIBRARY_PATH:-}" | tr ':' '\n' | while read -r d; do [ -n "$d" ] && [ -e "$d/$lib" ] && echo y; done | grep -q y; then
    f=$(find / -xdev -name "$lib" 2>/dev/null | head -1)
    [ -n "$f" ] && LD_LIBRARY_PATH="$(dirname "$f"):${LD_LIBRARY_PATH:-}"
  fi
done
export LD_LIBRARY_PATH
exec "$HERE/jre/bin/java" -Xmx${XMX:-48g} --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -Dorg.bytedeco.javacpp.cachedir=${JAVACPP_CACHE:-/tmp/javacpp-cache} -cp "$HERE/lib/*" "$@"
RUN
chmod +x "$DEST/run.sh"

if [ "$OPERATOR" = 1 ]; then
  raw=$(du -sb "$DEST" | cut -f1)
  rm -rf "$OUTDIR"
  mkdir -p "$OUTDIR"
  tar -C "$DEST" -cf - . | xz -9 -T"${XZ_THREADS:-2}" > "$OUTDIR/keymem-gpu-bundle.tar.xz"
  size=$(du -sb "$OUTDIR" | cut -f1)
  echo "bundle $OUTDIR/keymem-gpu-bundle.tar.xz: $((size / 1024 / 1024)) MB ($size bytes; $((raw / 1024 / 1024)) MB unpacked)"
  DEST=$OUTDIR
else
  size=$(du -sb "$DEST" | cut -f1)
  echo "bundle $DEST: $((size / 1024 / 1024)) MB"
fi
repo=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
echo "tracked files of the repository: $((repo / 1024 / 1024)) MB; carried together: $(((repo + size) / 1024 / 1024)) MB of 64"
if [ "$size" -gt "$LIMIT" ]; then
  echo "bundle is over 64 MB" >&2
  exit 1
fi
if [ $((repo + size)) -gt "$LIMIT" ]; then
  echo "the repository and the bundle together are over 64 MiB" >&2
  exit 1
fi
