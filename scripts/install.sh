#!/usr/bin/env bash
# Installs the school call server as a service on Debian 12 (docs/operators.md#installing-as-a-service):
#   - a built release (compiled JavaScript, the built web client, production
#     dependencies only) in /opt/school-call/releases/<version>, with
#     /opt/school-call/current pointing at it (an upgrade switches the link);
#   - settings in /etc/school-call/school-call.env (generated once, with new
#     secrets; never overwritten), Redis's and nginx's files beside it;
#   - data in /var/lib/school-call (Redis, PostgreSQL, uploads, recordings, backups);
#   - systemd units: school-call (the server), school-call-redis,
#     school-call-postgres, school-call-turn (coturn), a daily backup timer; a dedicated user
#     school-call; the media ports reserved from the ephemeral range;
#   - the commands school-call-backup, school-call-restore and school-call-messenger.
#
#   sudo scripts/install.sh [--public-url https://school.example] [--media-ip 203.0.113.7]
#                           [--release DIR|TARBALL] [--set NAME=value]… [--no-start]
#   scripts/install.sh --prefix /tmp/root …   (everything under a folder: no user,
#                                              no systemctl, no sysctl; for tests)
#
# Without --release it builds one from this checkout (scripts/build-release.mjs;
# run scripts/setup.sh first). Running it again with a newer release is the
# upgrade (docs/operators.md#upgrading): data migrations run when the server starts.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PREFIX="" RELEASE="" PUBLIC_URL="" MEDIA_IP="" START=1
SETS=()
while (($#)); do
  case "$1" in
  --prefix) PREFIX="$(realpath -m "$2")"; shift 2 ;;
  --release) RELEASE="$2"; shift 2 ;;
  --public-url) PUBLIC_URL="$2"; shift 2 ;;
  --media-ip) MEDIA_IP="$2"; shift 2 ;;
  --set) SETS+=("$2"); shift 2 ;;
  --no-start) START=0; shift ;;
  -h | --help) sed -n '2,22p' "${BASH_SOURCE[0]}"; exit 0 ;;
  *) echo "install: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done
SYSTEM=1
[[ -n "$PREFIX" ]] && SYSTEM=0
log() { printf '\033[1m[install]\033[0m %s\n' "$*"; }
die() { echo "install: $*" >&2; exit 1; }
if ((SYSTEM)) && [[ "$(id -u)" != 0 ]]; then die "run as root (or with --prefix DIR to install under a folder)"; fi

OPT="$PREFIX/opt/school-call" ETC="$PREFIX/etc/school-call" DATA="$PREFIX/var/lib/school-call"
RUN="$PREFIX/run/school-call" UNITS="$PREFIX/etc/systemd/system" SBIN="$PREFIX/usr/local/sbin"

# 1. The release.
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
if [[ -z "$RELEASE" ]]; then
  log "building a release from $HERE"
  RELEASE="$(node "$HERE/scripts/build-release.mjs" "$WORK/build")"
elif [[ -f "$RELEASE" ]]; then
  tar -xzf "$RELEASE" -C "$WORK"
  RELEASE="$(find "$WORK" -mindepth 1 -maxdepth 1 -type d -name 'school-call-*' | head -1)"
fi
[[ -f "$RELEASE/release.json" && -f "$RELEASE/app/main.js" ]] || die "$RELEASE is not a built release (no release.json, app/main.js)"
VERSION="$(node -p "require('$RELEASE/release.json').version")"
ENGINES="$(node -p "require('$RELEASE/release.json').node")"

# 2. What it runs on: Node within engines (the server checks its uWebSockets.js binary again at start).
NODE="${NODE:-/usr/bin/node}"
[[ -x "$NODE" ]] || NODE="$(command -v node || true)"
[[ -x "$NODE" ]] || die "Node.js $ENGINES is needed at /usr/bin/node (docs/operators.md#node-and-uwebsocketsjs says where to get it)"
"$NODE" -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a===20&&b>=12?0:1)' ||
  die "Node.js $("$NODE" --version) does not run this release; it needs $ENGINES (docs/operators.md#node-and-uwebsocketsjs)"
RUNTIME_PACKAGES=(redis-server postgresql-15 coturn ffmpeg libuv1 libssl3 libusrsctp2 libabsl20220623 python3 python3-gi python3-gst-1.0
  gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-x fonts-dejavu-core)
missing=()
for p in "${RUNTIME_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if ((SYSTEM)); then
    log "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # Debian starts and enables each package's own service on install: a second
    # Redis on 6379, a PostgreSQL cluster on 5432 and a coturn with Debian's
    # default settings on 3478, none of them used (the units below run the
    # server's own). Seen on the walk (docs/operators-walk.md); only the ones
    # this run installed, so a service the machine already used is left alone.
    if [[ -d /run/systemd/system ]]; then
      declare -A debian_unit=([redis-server]=redis-server.service [postgresql-15]=postgresql.service [coturn]=coturn.service)
      for p in "${missing[@]}"; do
        [[ -n "${debian_unit[$p]:-}" ]] || continue
        systemctl disable --now --quiet "${debian_unit[$p]}" 2>/dev/null || true
        log "stopped and disabled Debian's own ${debian_unit[$p]} (the server runs its own)"
      done
    fi
  else
    log "missing Debian packages (a system install would install them): ${missing[*]}"
  fi
fi

# 3. The user the services run as.
if ((SYSTEM)) && ! id school-call >/dev/null 2>&1; then
  log "creating the system user school-call"
  useradd --system --user-group --home-dir /var/lib/school-call --no-create-home --shell /usr/sbin/nologin school-call
fi
own() { if ((SYSTEM)); then chown "$@"; fi; }

# 4. The release in place; `current` switches only once it is whole.
mkdir -p "$OPT/releases"
TARGET="$OPT/releases/$VERSION"
# Another build of the same version (main moved, package.json did not) gets a
# folder of its own, named with its commit: replacing the running release in
# place would leave no way back.
if [[ -f "$TARGET/MANIFEST.sha256" ]] && ! cmp -s "$TARGET/MANIFEST.sha256" "$RELEASE/MANIFEST.sha256"; then
  COMMIT="$(node -p "require('$RELEASE/release.json').commit")"
  [[ "$COMMIT" =~ ^[0-9a-f]{7,}$ ]] || COMMIT="$(date -u +%Y%m%dT%H%M%SZ)"
  TARGET="$OPT/releases/$VERSION-${COMMIT:0:12}"
  # Said only when it goes there now: a rerun with the same build is "installed already" below.
  if ! cmp -s "$TARGET/MANIFEST.sha256" "$RELEASE/MANIFEST.sha256"; then
    log "release $VERSION (another build) is installed already: this build goes to $TARGET, the other is kept"
  fi
fi
NAME="$(basename "$TARGET")"
if [[ -f "$TARGET/MANIFEST.sha256" ]] && cmp -s "$TARGET/MANIFEST.sha256" "$RELEASE/MANIFEST.sha256"; then
  log "release $NAME is installed already"
else
  rm -rf "$TARGET.new"
  cp -a "$RELEASE" "$TARGET.new"
  (cd "$TARGET.new" && sha256sum --quiet -c MANIFEST.sha256) || die "the copied release does not match its MANIFEST.sha256"
  rm -rf "$TARGET"
  mv "$TARGET.new" "$TARGET"
  log "release $VERSION in $TARGET"
fi
PREVIOUS="$(readlink "$OPT/current" 2>/dev/null || true)"
ln -sfn "releases/$NAME" "$OPT/current.new"
mv -T "$OPT/current.new" "$OPT/current"
[[ -n "$PREVIOUS" && "$PREVIOUS" != "releases/$NAME" ]] && log "current: $PREVIOUS -> releases/$NAME"
# Keep the three newest releases (the one before is the way back: docs/operators.md#upgrading).
mapfile -t old < <(ls -1t "$OPT/releases" | grep -v '\.new$' | tail -n +4)
for r in "${old[@]}"; do rm -rf "${OPT:?}/releases/$r"; done

# 5. Data and runtime folders.
mkdir -p "$DATA"/{redis,postgres,uploads,recordings,backups} "$RUN"
chmod 0750 "$DATA" "$DATA"/{redis,uploads,recordings,backups}
chmod 0700 "$DATA/postgres"
own -R school-call:school-call "$DATA"

# 6. Settings: generated once, never overwritten; the full template beside it.
mkdir -p "$ETC"
chmod 0750 "$ETC"
own root:school-call "$ETC"
node "$TARGET/scripts/ops/settings-template.mjs" >"$ETC/school-call.env.example"
if [[ ! -f "$ETC/school-call.env" ]]; then
  secret() { head -c "$1" /dev/urandom | base64 | tr -d '=+/\n'; }
  ip="${MEDIA_IP:-$(hostname -I 2>/dev/null | awk '{print $1}')}"
  ip="${ip:-127.0.0.1}"
  values=(
    "ADMIN_SECRET=$(secret 32)" "TOKEN_SECRET=$(secret 48)" "TURN_SECRET=$(secret 32)"
    "HOST=127.0.0.1" "PORT=8080" "TRUST_PROXY=1" "METRICS_PORT=9464"
    "MEDIA_ANNOUNCED_IP=$ip"
    "REDIS_URL=$RUN/redis.sock" "DATABASE_URL=postgresql://school_call@/school_call?host=$RUN"
    "CHAT_UPLOAD_DIR=$DATA/uploads" "RECORDINGS_DIR=$DATA/recordings"
    "DEMO_SCHOOL=0"
  )
  [[ -n "$PUBLIC_URL" ]] && values+=("PUBLIC_URL=$PUBLIC_URL")
  values+=("${SETS[@]}")
  # Later values of a name win (--set over the defaults above).
  declare -A seen=()
  final=()
  for ((i = ${#values[@]} - 1; i >= 0; i--)); do
    name="${values[i]%%=*}"
    [[ -n "${seen[$name]:-}" ]] && continue
    seen[$name]=1
    final=("${values[i]}" "${final[@]}")
  done
  # TURN on this host (the school-call-turn unit) unless the settings name another.
  if [[ -z "${seen[TURN_URLS]:-}" ]]; then
    turn_port=3478
    for v in "${final[@]}"; do [[ "$v" == TURN_PORT=* ]] && turn_port="${v#TURN_PORT=}"; done
    final+=("TURN_URLS=turn:$ip:$turn_port?transport=udp,turn:$ip:$turn_port?transport=tcp")
  fi
  (umask 027 && node "$TARGET/scripts/ops/settings-template.mjs" "${final[@]}" >"$ETC/school-call.env")
  log "settings in $ETC/school-call.env (new secrets; set PUBLIC_URL there if you did not pass --public-url)"
else
  log "settings kept: $ETC/school-call.env"
fi
own root:school-call "$ETC/school-call.env" "$ETC/school-call.env.example"
chmod 0640 "$ETC/school-call.env" "$ETC/school-call.env.example"
cat >"$ETC/redis.conf" <<CONF
# The server's Redis (school-call-redis.service): the release's settings
# (appendonly, fsync on every write, noeviction), then this host's paths.
include $OPT/current/scripts/redis.conf
dir $DATA/redis
unixsocket $RUN/redis.sock
unixsocketperm 770
pidfile $RUN/redis.pid
logfile ""
CONF
own root:school-call "$ETC/redis.conf"
chmod 0640 "$ETC/redis.conf"
cp "$TARGET/deploy/nginx/school-call.conf" "$ETC/nginx-site.conf.example"

# 7. Units (paths moved under the prefix when there is one), commands, sysctl.
mkdir -p "$UNITS" "$SBIN" "$PREFIX/etc/sysctl.d"
for unit in "$TARGET"/deploy/systemd/*; do
  sed -e "s#/opt/school-call#$OPT#g" -e "s#/etc/school-call#$ETC#g" -e "s#/var/lib/school-call#$DATA#g" \
    -e "s#/run/school-call#$RUN#g" -e "s#/usr/local/sbin#$SBIN#g" "$unit" >"$UNITS/$(basename "$unit")"
done
ln -sfn "$OPT/current/scripts/ops/backup.sh" "$SBIN/school-call-backup"
ln -sfn "$OPT/current/scripts/ops/restore.sh" "$SBIN/school-call-restore"
ln -sfn "$OPT/current/scripts/ops/messenger.sh" "$SBIN/school-call-messenger"
cp "$TARGET/deploy/sysctl/60-school-call.conf" "$PREFIX/etc/sysctl.d/60-school-call.conf"
if ((SYSTEM)); then
  sysctl -q -p /etc/sysctl.d/60-school-call.conf || log "could not apply /etc/sysctl.d/60-school-call.conf now (it applies at boot)"
fi

# 8. Start (or restart onto the new release), and wait until ready.
if ((SYSTEM && START)) && [[ -d /run/systemd/system ]]; then
  systemctl daemon-reload
  # Debian's own PostgreSQL cluster (postgresql@15-main) is not used: the server has its own.
  systemctl enable --quiet school-call-redis.service school-call-postgres.service school-call-turn.service \
    school-call.service school-call-backup.timer
  systemctl start school-call-redis.service school-call-postgres.service school-call-turn.service school-call-backup.timer
  systemctl restart school-call.service
  eval "$(node "$TARGET/scripts/ops/envfile.mjs" "$ETC/school-call.env" PORT METRICS_PORT)"
  log "running: systemctl status school-call; ready at http://127.0.0.1:${PORT:-8080}/readyz (METRICS_PORT ${METRICS_PORT:-unset})"
elif ((SYSTEM && START)); then
  log "systemd is not running here: start the units yourself"
fi
log "installed $VERSION"
