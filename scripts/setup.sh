#!/usr/bin/env bash
# Installs whatever is missing for the server (and, with --test, for the test
# suite) on Debian 12: system packages, npm dependencies, the mediasoup worker
# (built from source, cached outside the clone) and the generated protocol and
# web bundle. Idempotent: a second run takes seconds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

WITH_TEST=0
[[ "${1:-}" == "--test" ]] && WITH_TEST=1

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# Node.js 20.12 or a later 20.x: package.json's engines, the versions the
# release is checked on (docs/operators.md#node-and-uwebsocketsjs says why not 22 yet on Debian 12).
if ! command -v node >/dev/null 2>&1; then
  echo "Node.js 20 (20.12 or later) is required (node not found)." >&2
  exit 1
fi
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a === 20 && b >= 12 ? 0 : 1)'; then
  echo "Node.js 20 (20.12 or later) is required, found $(node --version): see docs/operators.md#node-and-uwebsocketsjs." >&2
  exit 1
fi

# System packages: the worker's libraries and build tools (also for the
# whisper.cpp addon; libsrtp is built from source with OpenSSL, see the
# worker build); ffmpeg decodes voice messages for the transcriber, cuts HLS
# segments and joins recordings; Redis carries rooms' live state and the
# messages between hosts.
# Chromium for the browser tests (openssl makes their test certificates),
# espeak-ng speaks for the subtitle tests, poppler-utils and netpbm check
# the whiteboard's exported PDFs and PNGs.
PACKAGES=(libuv1-dev libssl-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev catch2 pkg-config g++ make patch python3 python3-venv python3-pip ninja-build ffmpeg redis-server)
# Recording and broadcast: GStreamer composes and encodes (driven through its
# own Python bindings).
PACKAGES+=(gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-x python3-gi python3-gst-1.0 gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 fonts-dejavu-core)
# PostgreSQL: the system of record (run.sh starts a private one without DATABASE_URL).
PACKAGES+=(postgresql-15)
# coturn: the TURN server run.sh starts for pupils behind networks that block UDP.
PACKAGES+=(coturn)
if ((WITH_TEST)); then PACKAGES+=(chromium espeak-ng openssl poppler-utils netpbm); fi
# sox makes the noise (fan, typing, chatter) the noise-suppression test and
# benchmark mix under speech, and measures the received sound's levels.
if ((WITH_TEST)); then PACKAGES+=(sox); fi
# A colour emoji font, for the tests' screenshots only: emoji people type in
# messages are otherwise empty boxes there (the interface draws its states
# and reactions as SVG and needs no emoji font).
if ((WITH_TEST)); then PACKAGES+=(fonts-noto-color-emoji); fi
# nginx for the test of the TLS snippet (deploy/nginx), prometheus for its
# promtool, which checks the alert rules (deploy/monitoring).
if ((WITH_TEST)); then PACKAGES+=(nginx prometheus); fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# pyenv or another Python may provide venv without Debian's package.
if [[ " ${missing[*]} " == *" python3-venv "* ]] && python3 -m venv --help >/dev/null 2>&1 && [[ "$(command -v python3)" != /usr/bin/python3 ]]; then
  missing=("${missing[@]/python3-venv/}")
fi
if [[ " ${missing[*]} " == *" python3-pip "* ]] && python3 -m pip --version >/dev/null 2>&1; then
  missing=("${missing[@]/python3-pip/}")
fi
read -r -a missing <<<"${missing[*]:-}"
if ((${#missing[@]})); then
  if [[ "$(id -u)" != 0 ]]; then
    echo "Missing system packages. Run as root, then run this again:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  log "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies, reinstalled only when the lockfile changed.
LOCK_HASH="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f node_modules/.lock-hash || "$(cat node_modules/.lock-hash)" != "$LOCK_HASH" ]]; then
  log "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$LOCK_HASH" >node_modules/.lock-hash
fi

log "mediasoup worker"
bash sfu/worker-build/build-mediasoup-worker.sh

log "whisper.cpp addon (transcriber)"
bash transcriber/build/build-smart-whisper.sh

log "protocol and web client"
npm run --silent build >/dev/null
log "ready"
