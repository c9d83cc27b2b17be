#!/usr/bin/env bash
# Builds smart-whisper's native addon (whisper.cpp bundled in the npm package)
# with node-gyp. npm install scripts are disabled in this project, so this is
# the explicit build step. It uses Node's own headers (nothing is downloaded)
# and compiles for this CPU (-march=native: AVX2/FMA/F16C make whisper.cpp
# about 8x faster than the generic x86-64 build). The addon is cached outside
# the clone, keyed by version, CPU flags and compiler flags; a second run
# only copies it (seconds).
#
# Three fixes to smart-whisper 0.8.1's binding are applied before building:
# its model loader leaves whisper_context_params uninitialised (only use_gpu
# is set, so flash_attn and the DTW fields hold stack garbage); it calls
# whisper_print_timings on a null context when a model file fails to load,
# which crashes the process; and its promise-based workers never reject, so
# a failed load would leave the caller waiting forever.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PKG="$ROOT/node_modules/smart-whisper"
if [[ ! -f "$PKG/package.json" ]]; then
  echo "smart-whisper is not installed: run 'npm ci' first" >&2
  exit 1
fi
VERSION="$(node -p "require('$PKG/package.json').version")"
FLAGS="${WHISPER_CFLAGS:--O3 -march=native}"
# The cache key follows the CPU: a binary built with -march=native on another
# machine may use instructions this one lacks.
CPU_KEY="$( (grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || uname -m; echo "$FLAGS"; sed -n '/^patch_binding/,/^}/p' "${BASH_SOURCE[0]}") | sha256sum | cut -c1-12)"
CACHE_ROOT="${SCHOOL_CALL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/school-call}"
CACHED="$CACHE_ROOT/smart-whisper/$VERSION-$CPU_KEY/smart-whisper.node"
TARGET="$PKG/build/Release/smart-whisper.node"

patch_binding() {
  local model_cc="$PKG/src/binding/model.cc"
  sed -i 's/^\( *\)whisper_context_params params;$/\1whisper_context_params params = whisper_context_default_params();/' "$model_cc"
  sed -i 's/^\( *\)whisper_print_timings(context);$/\1if (context != nullptr) whisper_print_timings(context);/' "$model_cc"
  local common_h="$PKG/src/binding/common.h"
  grep -q 'void OnError' "$common_h" ||
    sed -i 's/^\( *\)Napi::Promise Promise();$/\1Napi::Promise Promise();\n\1void OnError(const Napi::Error \&e) override { promise.Reject(e.Value()); }/' "$common_h"
  grep -q 'params = whisper_context_default_params();' "$model_cc" && grep -q 'if (context != nullptr) whisper_print_timings' "$model_cc" &&
    grep -q 'promise.Reject(e.Value())' "$common_h" || {
    echo "smart-whisper $VERSION: the binding fixes did not apply (a different version?)" >&2
    exit 1
  }
}

if [[ ! -f "$CACHED" ]]; then
  patch_binding
  # Node's headers come with Node itself (NodeSource and Debian packages put
  # them in <prefix>/include/node); node-gyp would otherwise download them.
  NODE_PREFIX="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  if [[ ! -f "$NODE_PREFIX/include/node/node_api.h" ]]; then
    echo "Node.js headers not found in $NODE_PREFIX/include/node (install Node.js with its headers)" >&2
    exit 1
  fi
  echo "building smart-whisper $VERSION (whisper.cpp, $FLAGS); takes a minute or two"
  (
    cd "$ROOT"
    export npm_config_nodedir="$NODE_PREFIX" CFLAGS="$FLAGS" CXXFLAGS="$FLAGS" JOBS="$(nproc)"
    npm rebuild smart-whisper --ignore-scripts=false --loglevel=error >/dev/null
  )
  mkdir -p "$(dirname "$CACHED")"
  cp -f "$TARGET" "$CACHED.tmp"
  mv -f "$CACHED.tmp" "$CACHED"
fi

mkdir -p "$(dirname "$TARGET")"
cmp -s "$CACHED" "$TARGET" 2>/dev/null || cp -f "$CACHED" "$TARGET"
echo "smart-whisper $VERSION: $TARGET (cached at $CACHED)"
