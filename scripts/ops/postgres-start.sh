#!/usr/bin/env bash
# The school-call-postgres unit's command: Debian's PostgreSQL with the data in
# /var/lib/school-call/postgres/data (created on the first start: initdb, owner
# school_call, local trust: only the school-call user reaches the socket's
# folder), configured by the release's scripts/postgresql.conf
# (synchronous_commit on), reachable only through a unix socket (no TCP).
#   postgres-start.sh DATA_DIR SOCKET_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data="$1" socket="$2"
bin="${PG_BIN_DIR:-$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -1)}"
[[ -x "$bin/postgres" ]] || { echo "school-call-postgres: PostgreSQL is not installed (apt-get install postgresql-15)" >&2; exit 78; }
if [[ ! -f "$data/PG_VERSION" ]]; then
  mkdir -p "$data"
  chmod 700 "$data"
  "$bin/initdb" -D "$data" -U school_call --auth=trust --encoding=UTF8 --locale=C.UTF-8 >&2
  echo "include_if_exists = 'school-call.conf'" >>"$data/postgresql.conf"
fi
cp "$here/../postgresql.conf" "$data/school-call.conf"
exec "$bin/postgres" -D "$data" -c "unix_socket_directories=$socket" -c "listen_addresses="
