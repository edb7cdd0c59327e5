#!/usr/bin/env bash
# Runs a main class of the GPU bundle on the device machine (no Java, no network). The bundle is the
# carried .gpu-bundle folder of the repository (or $BUNDLE): either the unpacked form of
# `cuda/bench-bundle.sh` (run.sh, jre/, lib/) or the one-file form of `cuda/bench-bundle.sh --operator`
# (keymem-gpu-bundle.tar.xz), which is unpacked once to $UNPACK (default /tmp/keymem-gpu-bundle) with
# tar, or with python3's tarfile where tar cannot read xz.
#   bash cuda/gpu-run.sh dev.keymem.cuda.GpuOperatorTestMain      (exit 0 passed, 1 failed, 3 skipped)
#   bash cuda/gpu-run.sh dev.keymem.cuda.GpuTestMain
#   bash cuda/gpu-run.sh dev.keymem.cuda.GpuBench --parity --out $OUT
# XMX (default 48g) and JAVACPP_CACHE are passed on to the bundle's run.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${BUNDLE:-$ROOT/.gpu-bundle}
TAR=$B/keymem-gpu-bundle.tar.xz
if [ -f "$TAR" ]; then
  U=${UNPACK:-/tmp/keymem-gpu-bundle}
  if [ ! -x "$U/run.sh" ] || [ "$TAR" -nt "$U/.unpacked" ]; then
    rm -rf "$U"
    mkdir -p "$U"
    if ! tar -xJf "$TAR" -C "$U" 2>/dev/null; then
      echo "tar could not unpack $TAR; using python3" >&2
      rm -rf "$U"
      mkdir -p "$U"
      python3 - "$TAR" "$U" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1], "r:xz") as t:
    if hasattr(tarfile, "fully_trusted_filter"):
        t.extractall(sys.argv[2], filter="fully_trusted")
    else:
        t.extractall(sys.argv[2])
PY
    fi
    touch "$U/.unpacked"
  fi
  RUN=$U/run.sh
elif [ -x "$B/run.sh" ]; then
  RUN=$B/run.sh
else
  echo "no GPU bundle in $B: build it with cuda/bench-bundle.sh --operator $B (or cuda/bench-bundle.sh $B) and carry it" >&2
  exit 2
fi
echo "running $* with $RUN" >&2
exec "$RUN" "$@"
