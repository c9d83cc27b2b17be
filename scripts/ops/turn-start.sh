#!/usr/bin/env bash
# The school-call-turn unit's command: writes coturn's configuration from the
# server's settings into a 0600 file (the shared secret never goes on a
# command line) and runs coturn on it.
#   turn-start.sh /etc/school-call/school-call.env /run/school-call-turn/turnserver.conf
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
env_file="$1" conf="$2"
eval "$(node "$here/envfile.mjs" "$env_file" TURN_SECRET MEDIA_ANNOUNCED_IP TURN_PORT TURN_TLS_PORT TURN_MIN_PORT TURN_MAX_PORT TLS_CERT_FILE TLS_KEY_FILE)"
if [[ -z "$TURN_SECRET" ]]; then
  echo "school-call-turn: TURN_SECRET is not set in $env_file" >&2
  exit 78
fi
ip="${MEDIA_ANNOUNCED_IP:-$(hostname -I | awk '{print $1}')}"
tls=(no-tls)
if [[ -n "$TLS_CERT_FILE" && -n "$TLS_KEY_FILE" ]]; then
  tls=("tls-listening-port=${TURN_TLS_PORT:-5349}" "cert=$TLS_CERT_FILE" "pkey=$TLS_KEY_FILE")
fi
umask 077
TURN_SECRET="$TURN_SECRET" bash "$here/turnserver-conf.sh" "$ip" "${TURN_PORT:-3478}" "${TURN_MIN_PORT:-30000}" "${TURN_MAX_PORT:-32767}" "${tls[@]}" >"$conf"
exec turnserver -c "$conf"
