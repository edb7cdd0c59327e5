#!/usr/bin/env bash
# Builds a self-contained bundle to run the CUDA tests and GpuBench on a GPU host that has no Java
# and no network: a jlink'd Java runtime (Temurin 25 jmods), the keymem models/cuda classes (main and
# test), the JavaCPP + CUDA presets jars and the JUnit platform jars. No Flink, no ND4J.
#   cuda/bench-bundle.sh [DEST]        (default DEST: /work/main/.gpu-bundle, git-ignored there)
# On the device:  .gpu-bundle/run.sh dev.keymem.cuda.GpuTestMain
#                 .gpu-bundle/run.sh dev.keymem.cuda.GpuBench --out $OUT
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST=${1:-/work/main/.gpu-bundle}
JDK=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
M2=${M2:-$HOME/.m2/repository}
LIMIT=$((64 * 1024 * 1024))

cd "$ROOT"
./mvnw -q -o -pl cuda -am test-compile

rm -rf "$DEST"
mkdir -p "$DEST/lib"
"$JDK/bin/jlink" --add-modules java.base,jdk.unsupported,java.logging,java.management,jdk.incubator.vector \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$DEST/jre"

"$JDK/bin/jar" --create --file "$DEST/lib/keymem-models.jar" -C models/target/classes .
"$JDK/bin/jar" --create --file "$DEST/lib/keymem-models-tests.jar" -C models/target/test-classes .
"$JDK/bin/jar" --create --file "$DEST/lib/keymem-cuda.jar" -C cuda/target/classes .
"$JDK/bin/jar" --create --file "$DEST/lib/keymem-cuda-tests.jar" -C cuda/target/test-classes .

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

size=$(du -sb "$DEST" | cut -f1)
echo "bundle $DEST: $((size / 1024 / 1024)) MB"
if [ "$size" -gt "$LIMIT" ]; then
  echo "bundle is over 64 MB" >&2
  exit 1
fi
