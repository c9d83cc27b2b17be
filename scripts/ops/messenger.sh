#!/usr/bin/env bash
# school-call-messenger: the messenger's command line on an installed server,
# with the install's settings (REDIS_URL, DATABASE_URL):
#   school-call-messenger [--config /etc/school-call/school-call.env] migrate
# migrate: moves release 0.1.0's chat history from Redis into PostgreSQL,
# verified per chat (docs/operators.md#upgrading). Exit status 0 when every
# chat is in PostgreSQL; rerun after an interruption.
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
CONFIG=/etc/school-call/school-call.env
if [[ "${1:-}" == --config ]]; then CONFIG="$2"; shift 2; fi
eval "$(node "$HERE/envfile.mjs" "$CONFIG" REDIS_URL DATABASE_URL)"
export REDIS_URL DATABASE_URL
exec node --enable-source-maps "$HERE/../../app/messengerCli.js" "$@"
