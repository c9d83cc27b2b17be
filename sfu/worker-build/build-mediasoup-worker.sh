#!/usr/bin/env bash
# Builds the mediasoup worker from the npm package's own C++ sources against
# Debian 12's system libraries. mediasoup's own install step would download a
# prebuilt binary or meson subproject sources; neither is reachable here.
# The binary is cached outside the clone, keyed by mediasoup version, and
# copied to where mediasoup looks by default. A second run takes seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PKG="$ROOT/node_modules/mediasoup"
if [[ ! -f "$PKG/package.json" ]]; then
  echo "mediasoup is not installed: run 'npm ci' first" >&2
  exit 1
fi
VERSION="$(node -p "require('$PKG/package.json').version")"
CACHE_ROOT="${SCHOOL_CALL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/school-call}"
CACHE_DIR="$CACHE_ROOT/mediasoup-worker/$VERSION"
CACHED_BIN="$CACHE_DIR/mediasoup-worker"
TARGET_DIR="$PKG/worker/out/Release"

install_into_package() {
  mkdir -p "$TARGET_DIR"
  cp -f "$CACHED_BIN" "$TARGET_DIR/mediasoup-worker"
  chmod +x "$TARGET_DIR/mediasoup-worker"
  echo "mediasoup-worker $VERSION: $TARGET_DIR/mediasoup-worker (cached at $CACHED_BIN)"
}

if [[ -x "$CACHED_BIN" ]]; then
  install_into_package
  exit 0
fi

# System libraries the worker links against, and the build tools.
APT_PACKAGES=(libuv1-dev libssl-dev libsrtp2-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev catch2 pkg-config g++ python3-pip)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ "$(id -u)" != 0 ]]; then
    echo "missing system packages; run as root:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Debian's meson 1.0 is too old for the worker's meson.build (>= 1.1).
MESON_VENV="$CACHE_ROOT/meson-venv"
if [[ ! -x "$MESON_VENV/bin/meson" ]]; then
  python3 -m venv "$MESON_VENV" 2>/dev/null || { rm -rf "$MESON_VENV"; python3 -m pip install --user --quiet 'meson>=1.1' ninja; }
  [[ -x "$MESON_VENV/bin/pip" ]] && "$MESON_VENV/bin/pip" install --quiet 'meson>=1.1' ninja
fi
if [[ -x "$MESON_VENV/bin/meson" ]]; then
  export PATH="$MESON_VENV/bin:$PATH"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mediasoup-worker-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cp -r "$PKG/worker" "$WORK/worker"
SRC="$WORK/worker"
rm -f "$SRC"/subprojects/*.wrap
rm -rf "$SRC/out"

# write_subproject NAME "meson body" ["meson_options body"]
write_subproject() {
  local dir="$SRC/subprojects/$1"
  mkdir -p "$dir"
  printf '' >"$dir/empty.c"
  printf "project('%s', 'c')\nempty_lib = static_library('%s_empty', 'empty.c')\n%s\n" "$1" "$1" "$2" >"$dir/meson.build"
  if [[ -n "${3:-}" ]]; then printf '%s\n' "$3" >"$dir/meson_options.txt"; fi
}

write_subproject openssl "
openssl_dep = dependency('openssl', version: '>=3.0')
libcrypto_lib = empty_lib
libssl_lib = empty_lib"

write_subproject nlohmann_json "
nlohmann_json_dep = dependency('nlohmann_json')"

write_subproject libuv "
libuv_dep = dependency('libuv')
libuv = empty_lib" "option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)"

# libsrtp2.pc does not add /usr/include/srtp2, where the worker's includes expect it.
write_subproject libsrtp2 "
libsrtp2_dep = declare_dependency(dependencies: dependency('libsrtp2'), include_directories: include_directories('/usr/include/srtp2'))
libsrtp2 = empty_lib" "option('crypto-library', type: 'string', value: 'openssl')
option('crypto-library-kdf', type: 'string', value: 'disabled')
option('tests', type: 'string', value: 'disabled')"

write_subproject usrsctp "
usrsctp_dep = dependency('usrsctp')
usrsctp = empty_lib" "option('sctp_build_programs', type: 'boolean', value: false)"

write_subproject abseil-cpp "
absl_strings_dep = dependency('absl_strings')
absl_types_dep = declare_dependency(dependencies: [dependency('absl_optional'), dependency('absl_variant')])
absl_container_dep = declare_dependency(dependencies: [dependency('absl_flat_hash_map'), dependency('absl_flat_hash_set')])
absl_container_lib = empty_lib"

write_subproject catch2 "
catch2_dep = dependency('catch2')"

start=$(date +%s)
(cd "$SRC" && meson setup --buildtype release -Db_ndebug=true BUILD >"$WORK/setup.log" 2>&1) || { cat "$WORK/setup.log" >&2; exit 1; }
ninja -C "$SRC/BUILD" -j "$(nproc)" mediasoup-worker
mkdir -p "$CACHE_DIR"
cp "$SRC/BUILD/mediasoup-worker" "$CACHED_BIN.tmp"
mv -f "$CACHED_BIN.tmp" "$CACHED_BIN"
echo "built mediasoup-worker $VERSION in $(($(date +%s) - start)) s"
install_into_package
