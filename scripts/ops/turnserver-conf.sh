#!/usr/bin/env bash
# Prints coturn's configuration for this server: TURN REST credentials
# (use-auth-secret with the shared secret), relaying only to this host's
# media address and never to other private addresses. Written to a 0600 file
# by run.sh, and by the school-call-turn unit at each start (from
# /etc/school-call/school-call.env), so the secret is never on a command line:
# not coturn's, and not this script's either (it comes in the environment,
# which only its user can read, unlike /proc/<pid>/cmdline).
#   TURN_SECRET=… turnserver-conf.sh MEDIA_IP PORT MIN_PORT MAX_PORT [extra option lines…]
set -euo pipefail
secret="${TURN_SECRET:?TURN_SECRET must be set in the environment}"
ip="$1" port="$2" min="$3" max="$4"
shift 4
cat <<CONF
use-auth-secret
static-auth-secret=$secret
realm=school-call
listening-port=$port
min-port=$min
max-port=$max
fingerprint
no-cli
no-multicast-peers
no-dtls
pidfile=/dev/null
denied-peer-ip=0.0.0.0-0.255.255.255
denied-peer-ip=10.0.0.0-10.255.255.255
denied-peer-ip=100.64.0.0-100.127.255.255
denied-peer-ip=169.254.0.0-169.254.255.255
denied-peer-ip=172.16.0.0-172.31.255.255
denied-peer-ip=192.168.0.0-192.168.255.255
allowed-peer-ip=$ip
log-file=stdout
simple-log
CONF
for line in "$@"; do printf '%s\n' "$line"; done
