#!/usr/bin/env bash
# Builds the mediasoup worker from the npm package's own C++ sources against
# Debian 12's system libraries. mediasoup's own install step would download a
# prebuilt binary or meson subproject sources; neither is reachable here.
#
# SRTP is the exception: Debian's libsrtp2 does its AES and HMAC through NSS's
# PKCS#11 layer, which costs the worker most of a forwarded packet. We build
# libsrtp with its OpenSSL backends (AES-NI, AES-GCM) from the sources that
# the npm tarball of mediasoup 3.8.4 carries (libsrtp 2.3.0, the newest copy on
# the registry), with upstream's later fixes as patches (libsrtp-patches/, see
# the README), and link it statically into the worker.
#
# The binary is cached outside the clone, keyed by mediasoup version and by a
# hash of this script and the patches (so a changed recipe never reuses an old
# worker), and copied to where mediasoup looks by default. A second run takes
# seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PKG="$ROOT/node_modules/mediasoup"
if [[ ! -f "$PKG/package.json" ]]; then
  echo "mediasoup is not installed: run 'npm ci' first" >&2
  exit 1
fi
VERSION="$(node -p "require('$PKG/package.json').version")"
HERE="$ROOT/sfu/worker-build"
# libsrtp's source: an npm package fetched by exact version and checked
# against this integrity, like every other dependency.
LIBSRTP_PACKAGE="mediasoup@3.8.4"
LIBSRTP_INTEGRITY="sha512-l6rQwjcWN5VJ85yg8darZyPjSQVlE1GqrR1mIjUVa0F8MX6jOxsscXNzFisxTly4ngB2DTjnI8HEabmD5a5Vog=="
LIBSRTP_PATH_IN_PACKAGE="package/worker/deps/libsrtp/srtp"
RECIPE="$(cat "$HERE/build-mediasoup-worker.sh" "$HERE/meson-requirements.txt" "$HERE"/libsrtp-patches/*.patch | sha256sum | cut -c1-12)"
VARIANT="libsrtp-2.3.0-openssl-$RECIPE"
CACHE_ROOT="${SCHOOL_CALL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/school-call}"
CACHE_DIR="$CACHE_ROOT/mediasoup-worker/$VERSION-$VARIANT"
CACHED_BIN="$CACHE_DIR/mediasoup-worker"
TARGET_DIR="$PKG/worker/out/Release"

install_into_package() {
  mkdir -p "$TARGET_DIR"
  cp -f "$CACHED_BIN" "$TARGET_DIR/mediasoup-worker"
  chmod +x "$TARGET_DIR/mediasoup-worker"
  echo "$VERSION-$VARIANT" >"$TARGET_DIR/mediasoup-worker.variant"
  echo "mediasoup-worker $VERSION ($VARIANT): $TARGET_DIR/mediasoup-worker (cached at $CACHED_BIN)"
}

if [[ -x "$CACHED_BIN" ]]; then
  install_into_package
  exit 0
fi

# System libraries the worker links against, and the build tools.
APT_PACKAGES=(libuv1-dev libssl-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev catch2 pkg-config g++ make patch ninja-build python3-venv)
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

# Debian's meson 1.0 is too old for the worker's meson.build (>= 1.1): one exact
# meson wheel, checked against its sha256 (meson-requirements.txt), in a venv
# keyed by that file. ninja is Debian's (ninja-build).
MESON_REQUIREMENTS="$HERE/meson-requirements.txt"
MESON_VENV="$CACHE_ROOT/meson-venv-$(sha256sum "$MESON_REQUIREMENTS" | cut -c1-12)"
if [[ ! -x "$MESON_VENV/bin/meson" ]]; then
  rm -rf "$MESON_VENV"
  python3 -m venv "$MESON_VENV"
  "$MESON_VENV/bin/pip" install --quiet --require-hashes --only-binary :all: --no-deps -r "$MESON_REQUIREMENTS" || {
    rm -rf "$MESON_VENV"
    echo "could not install the pinned meson (sfu/worker-build/meson-requirements.txt)" >&2
    exit 1
  }
fi
export PATH="$MESON_VENV/bin:$PATH"
want_meson="$(sed -n 's/^meson==\([^ ]*\).*/\1/p' "$MESON_REQUIREMENTS")"
[[ "$(meson --version)" == "$want_meson" ]] || {
  echo "meson $(meson --version) is not the pinned $want_meson" >&2
  exit 1
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mediasoup-worker-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
start=$(date +%s)

# libsrtp with OpenSSL crypto, as a static library.
SOURCES="$CACHE_ROOT/sources"
TARBALL="$SOURCES/${LIBSRTP_PACKAGE/@/-}.tgz"
mkdir -p "$SOURCES"
if [[ ! -f "$TARBALL" ]]; then
  (cd "$WORK" && npm pack "$LIBSRTP_PACKAGE" --silent --ignore-scripts >/dev/null)
  mv "$WORK/${LIBSRTP_PACKAGE/@/-}.tgz" "$TARBALL"
fi
actual="sha512-$(node -e "process.stdout.write(require('crypto').createHash('sha512').update(require('fs').readFileSync(process.argv[1])).digest('base64'))" "$TARBALL")"
if [[ "$actual" != "$LIBSRTP_INTEGRITY" ]]; then
  rm -f "$TARBALL"
  echo "$LIBSRTP_PACKAGE: integrity mismatch (got $actual, want $LIBSRTP_INTEGRITY)" >&2
  exit 1
fi
LIBSRTP="$WORK/libsrtp"
mkdir -p "$LIBSRTP"
tar -xzf "$TARBALL" -C "$LIBSRTP" --strip-components=5 "$LIBSRTP_PATH_IN_PACKAGE"
for p in "$HERE"/libsrtp-patches/*.patch; do
  patch -d "$LIBSRTP" -p1 --quiet --forward <"$p"
done
# GCC 12 defaults to -fno-common; libsrtp 2.3.0 has tentative definitions.
(cd "$LIBSRTP" &&
  CFLAGS="-O2 -fPIC -fcommon -Wno-deprecated-declarations" ./configure --enable-openssl --disable-pcap >"$WORK/libsrtp-configure.log" 2>&1 &&
  make -j "$(nproc)" libsrtp2.a >"$WORK/libsrtp-make.log" 2>&1) || {
  cat "$WORK/libsrtp-configure.log" "$WORK/libsrtp-make.log" >&2
  exit 1
}
grep -q '^#define OPENSSL 1' "$LIBSRTP/crypto/include/config.h" || {
  echo "libsrtp was configured without OpenSSL" >&2
  exit 1
}
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

# Our static libsrtp (built above), not Debian's shared one; it needs libcrypto after it.
write_subproject libsrtp2 "
libsrtp2_dep = declare_dependency(include_directories: include_directories('$LIBSRTP/include'), link_args: ['$LIBSRTP/libsrtp2.a'], dependencies: dependency('openssl', version: '>=3.0'))
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

(cd "$SRC" && meson setup --buildtype release -Db_ndebug=true BUILD >"$WORK/setup.log" 2>&1) || { cat "$WORK/setup.log" >&2; exit 1; }
ninja -C "$SRC/BUILD" -j "$(nproc)" mediasoup-worker
mkdir -p "$CACHE_DIR"
cp "$SRC/BUILD/mediasoup-worker" "$CACHED_BIN.tmp"
mv -f "$CACHED_BIN.tmp" "$CACHED_BIN"
echo "built mediasoup-worker $VERSION in $(($(date +%s) - start)) s"
install_into_package
