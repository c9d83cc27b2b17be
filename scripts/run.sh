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

exec node --import tsx signaling/main.ts
