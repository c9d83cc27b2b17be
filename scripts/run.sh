#!/usr/bin/env bash
# Quick start: sets up whatever is missing, then runs the server on this host
# with single-host defaults and a demo room. Secrets are generated once and
# kept in ~/.config/school-call/secrets.env; environment variables override
# every setting (see README).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

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
set -a
# shellcheck disable=SC1090
source "$SECRETS"
set +a
export ADMIN_SECRET TOKEN_SECRET
export DEMO_ROOM="${DEMO_ROOM-demo}"
# The demo school (classes, teachers, pupils, parents) is loaded when no school
# has a directory yet; /school-demo lets anyone try it as any of its people.
# A school's own server turns it off: DEMO_SCHOOL=0.
export DEMO_SCHOOL="${DEMO_SCHOOL-1}"

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
export CHAT_UPLOAD_DIR="${CHAT_UPLOAD_DIR:-$DATA_DIR/uploads}"

if [[ "$DEMO_SCHOOL" == 1 ]]; then
  echo "[run] the demo school: open /school-demo on this server to try it as any teacher, pupil or parent"
fi
exec node --import tsx signaling/main.ts
