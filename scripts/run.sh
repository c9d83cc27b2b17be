#!/usr/bin/env bash
# Quick start: sets up whatever is missing, then runs the server on this host
# with single-host defaults (and, with --demo, a demo school and room), under
# a supervisor that starts it
# again if it crashes (scripts/ops/supervise.mjs). Secrets are generated once
# and kept in ~/.config/school-call/secrets.env; environment variables
# override every setting (see docs/operators.md). A school's server is installed with
# scripts/install.sh instead (docs/operations.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# --demo: a made-up school and a demo room anyone may enter, to try it out.
# Without it the server is a school's: nobody gets in without the school.
# --no-setup: skip the setup check (what is installed is known to be current).
WITH_DEMO=0
SKIP_SETUP=0
for arg in "$@"; do
  case "$arg" in
    --demo) WITH_DEMO=1 ;;
    --no-setup) SKIP_SETUP=1 ;;
    *)
      echo "[run] unknown option $arg (known: --demo, --no-setup)" >&2
      exit 64
      ;;
  esac
done

# The setup runs again only when something it builds from has changed since
# it last finished (a fingerprint of those files' names, sizes and times).
setup_inputs() {
  find package-lock.json scripts/setup.sh scripts/build-proto.mjs scripts/build-web.mjs \
    signaling/proto web/src sfu/worker-build transcriber/build -type f -printf '%p %s %T@\n' 2>/dev/null | sort | sha256sum | cut -d' ' -f1
}
SETUP_STAMP=node_modules/.setup-stamp
if ((SKIP_SETUP)); then
  echo "[run] --no-setup: the setup check is skipped"
elif [[ -f "$SETUP_STAMP" && "$(cat "$SETUP_STAMP")" == "$(setup_inputs)" && -x node_modules/mediasoup/worker/out/Release/mediasoup-worker ]]; then
  echo "[run] set up already (nothing changed since); scripts/setup.sh runs it again"
else
  bash scripts/setup.sh
  setup_inputs >"$SETUP_STAMP"
fi

CONFIG_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/school-call"
SECRETS="$CONFIG_DIR/secrets.env"
if [[ ! -f "$SECRETS" ]]; then
  mkdir -p "$CONFIG_DIR"
  (
    umask 077
    {
      echo "ADMIN_SECRET=$(head -c 32 /dev/urandom | base64 | tr -d '=+/')"
      echo "TOKEN_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '=+/')"
    } >"$SECRETS"
  )
  echo "[run] generated secrets in $SECRETS (the admin API needs ADMIN_SECRET from there)"
fi
# /metrics needs its own secret (Authorization: Bearer …); older secrets files get one added.
if ! grep -q '^METRICS_SECRET=' "$SECRETS"; then
  (umask 077 && echo "METRICS_SECRET=$(head -c 32 /dev/urandom | base64 | tr -d '=+/')" >>"$SECRETS")
fi
set -a
# shellcheck disable=SC1090
source "$SECRETS"
set +a
export ADMIN_SECRET TOKEN_SECRET METRICS_SECRET
# METRICS_PORT (a port of its own, no secret) and METRICS_SECRET (/metrics on the
# main port) exclude each other: a METRICS_PORT given by hand wins over the generated secret.
if [[ -n "${METRICS_PORT:-}" ]]; then
  unset METRICS_SECRET
  echo "[run] METRICS_PORT=$METRICS_PORT: /metrics and /readyz on that port (the generated METRICS_SECRET is not used)"
fi
# The demo (run.sh --demo): a demo room at /demo, and a demo school (classes,
# teachers, pupils, parents) loaded when no school exists yet, which anyone
# may try as any of its people at /school-demo. Never beside a real school.
if ((WITH_DEMO)); then
  export DEMO_ROOM="${DEMO_ROOM-demo}"
  export DEMO_SCHOOL="${DEMO_SCHOOL-1}"
else
  export DEMO_SCHOOL="${DEMO_SCHOOL-0}"
fi

# Without a REDIS_URL, a private Redis of this host keeps rooms and chats:
# append-only persistence in its own data directory (scripts/redis.conf),
# reachable only through a unix socket there. It keeps running when the
# server stops (stop it with: redis-cli -s "$REDIS_DIR/redis.sock" shutdown).
DATA_DIR="${XDG_DATA_HOME:-$HOME/.local/share}/school-call"
if [[ -z "${REDIS_URL:-}" ]]; then
  REDIS_DIR="$DATA_DIR/redis"
  REDIS_SOCKET="$REDIS_DIR/redis.sock"
  mkdir -p "$REDIS_DIR"
  chmod 700 "$REDIS_DIR"
  if ! redis-cli -s "$REDIS_SOCKET" ping >/dev/null 2>&1; then
    redis-server "$PWD/scripts/redis.conf" --dir "$REDIS_DIR" --unixsocket "$REDIS_SOCKET" \
      --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --daemonize yes
    for _ in $(seq 100); do
      redis-cli -s "$REDIS_SOCKET" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
    redis-cli -s "$REDIS_SOCKET" ping >/dev/null || { echo "[run] redis-server did not start; see $REDIS_DIR/redis.log" >&2; exit 1; }
    echo "[run] started a private redis-server with append-only persistence in $REDIS_DIR"
  fi
  export REDIS_URL="$REDIS_SOCKET"
fi
# Without a DATABASE_URL, a private PostgreSQL of this host (scripts/private-postgres.sh):
# its own data directory, a unix socket only, synchronous_commit on.
if [[ -z "${DATABASE_URL:-}" ]]; then
  DATABASE_URL="$(bash scripts/private-postgres.sh)"
  export DATABASE_URL
fi
export CHAT_UPLOAD_DIR="${CHAT_UPLOAD_DIR:-$DATA_DIR/uploads}"

if [[ "$DEMO_SCHOOL" == 1 ]]; then
  echo "[run] Демо: open /school-demo on this server to try it as any teacher, pupil or parent, or /demo for a demo lesson"
else
  echo "[run] a school's server (./scripts/run.sh --demo to try a made-up school instead)."
  # Only while no school exists (a fresh database has no accounts.schools table yet).
  if [[ "$(psql "$DATABASE_URL" -tAqc 'SELECT count(*) FROM accounts.schools' 2>/dev/null)" =~ ^[1-9] ]]; then
    echo "[run] the school is set up: people sign in at /login"
  else
    echo "[run] first start: the server logs a setup code (\"No school on this server yet\"): open /login,"
    echo "[run] choose «У меня есть код из школы» and type it to create the school and its administrator"
  fi
fi
# TURN, for pupils behind school networks that let no UDP out: unless an
# external TURN is configured (TURN_URLS and TURN_SECRET), start Debian's
# coturn on this host with time-limited credentials (TURN REST,
# use-auth-secret), relaying only to this host's media address. Its settings,
# the shared secret among them, go in a 0600 file, not on its command line
# (where `ps` shows them to every user). It stops when the server does. Open
# UDP+TCP $TURN_PORT and UDP $TURN_MIN_PORT-$TURN_MAX_PORT (docs/operations.md).
start_turn() {
  [[ -n "${TURN_URLS:-}" ]] && return 0
  if ! command -v turnserver >/dev/null 2>&1; then
    echo "[run] coturn is not installed: no TURN relay (apt-get install coturn)"
    return 0
  fi
  if [[ -z "${TURN_SECRET:-}" ]]; then
    TURN_SECRET="$(head -c 32 /dev/urandom | base64 | tr -d '=+/')"
    (umask 077 && echo "TURN_SECRET=$TURN_SECRET" >>"$SECRETS")
  fi
  local ip="${MEDIA_ANNOUNCED_IP:-$(hostname -I | awk '{print $1}')}"
  local port="${TURN_PORT:-3478}" conf="$CONFIG_DIR/turnserver.conf" tls=()
  TURN_URLS="turn:$ip:$port?transport=udp,turn:$ip:$port?transport=tcp"
  if [[ -n "${TLS_CERT_FILE:-}" && -n "${TLS_KEY_FILE:-}" ]]; then
    local tls_port="${TURN_TLS_PORT:-5349}" name
    name="$(node -e 'console.log(new URL(process.argv[1]).hostname)' "${PUBLIC_URL:-https://$ip}")"
    tls=("tls-listening-port=$tls_port" "cert=$TLS_CERT_FILE" "pkey=$TLS_KEY_FILE")
    TURN_URLS="$TURN_URLS,turns:$name:$tls_port?transport=tcp"
  else
    tls=(no-tls)
  fi
  (
    umask 077
    TURN_SECRET="$TURN_SECRET" bash scripts/ops/turnserver-conf.sh "$ip" "$port" "${TURN_MIN_PORT:-30000}" "${TURN_MAX_PORT:-32767}" "${tls[@]}" >"$conf"
  )
  turnserver -c "$conf" >"$CONFIG_DIR/turnserver.log" 2>&1 &
  local turn_pid=$!
  # exec below keeps this shell's PID for the supervisor: stop coturn once it is gone.
  (while kill -0 $$ 2>/dev/null; do sleep 2; done; kill "$turn_pid" 2>/dev/null) &
  export TURN_URLS TURN_SECRET
  echo "[run] TURN relay (coturn) on $ip:$port; log in $CONFIG_DIR/turnserver.log"
}
start_turn

# The supervisor starts the server again if it crashes (not after a bad
# configuration: exit status 78), like the installed unit's Restart=on-failure.
exec node scripts/ops/supervise.mjs --restart on-failure --restart-sec 2 --prevent-exit-status 78 \
  --timeout-stop-sec $((${SHUTDOWN_DRAIN_SECONDS:-0} + ${SHUTDOWN_TIMEOUT_SECONDS:-10} + 5)) \
  -- node --import tsx app/main.ts
