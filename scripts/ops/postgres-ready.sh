#!/usr/bin/env bash
# After school-call-postgres starts: waits until it accepts connections and
# creates the school_call database the first time (the server's schema
# migrations then run when the server starts).
#   postgres-ready.sh SOCKET_DIR [seconds]
set -euo pipefail
socket="$1" seconds="${2:-60}"
bin="${PG_BIN_DIR:-$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -1)}"
for _ in $(seq $((seconds * 10))); do
  "$bin/pg_isready" -q -h "$socket" -U school_call -d postgres && break
  sleep 0.1
done
"$bin/pg_isready" -q -h "$socket" -U school_call -d postgres || { echo "school-call-postgres: not accepting connections after $seconds s" >&2; exit 1; }
if [[ -z "$("$bin/psql" -h "$socket" -U school_call -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'school_call'")" ]]; then
  "$bin/createdb" -h "$socket" -U school_call school_call
fi
