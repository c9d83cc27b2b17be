#!/usr/bin/env bash
# This host's private PostgreSQL, for scripts/run.sh when no DATABASE_URL is
# given: Debian's postgresql-15 with its own data directory, reachable only
# through a unix socket in that directory (no TCP), configured by the shipped
# scripts/postgresql.conf (synchronous_commit on). Started once: when it is
# already running this only prints its URL. It keeps running when the server
# stops (stop it: pg_ctl -D "$PG_DIR/data" stop, as the directory's owner).
# Prints the DATABASE_URL on stdout; messages go to stderr.
#
# PostgreSQL refuses to run as root, so as root it runs as Debian's postgres
# user in /var/lib/school-call-trial/postgres (root's home is closed to that
# user; not /var/lib/school-call/postgres, the installed unit's cluster; a
# trial made there by an older run.sh keeps being used while no install exists);
# otherwise in ~/.local/share/school-call/postgres. SCHOOL_CALL_PG_DIR
# overrides the directory (common/postgres/privateServer.ts reads the same).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_BIN="${PG_BIN_DIR:-$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -1)}"
if [[ -z "$PG_BIN" || ! -x "$PG_BIN/postgres" ]]; then
  echo "[postgres] PostgreSQL is not installed (run scripts/setup.sh)" >&2
  exit 1
fi
AS=()
if [[ "$(id -u)" == 0 ]]; then
  PG_DIR=/var/lib/school-call-trial/postgres
  if [[ ! -d $PG_DIR && -f /var/lib/school-call/postgres/data/PG_VERSION && ! -f /etc/school-call/school-call.env ]]; then
    PG_DIR=/var/lib/school-call/postgres
  fi
  PG_DIR="${SCHOOL_CALL_PG_DIR:-$PG_DIR}"
  AS=(runuser -u postgres --)
else
  PG_DIR="${SCHOOL_CALL_PG_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/school-call/postgres}"
fi
mkdir -p "$PG_DIR"
chmod 700 "$PG_DIR"
if ((${#AS[@]})); then
  chown postgres:postgres "$PG_DIR"
  if ! runuser -u postgres -- test -x "$PG_DIR"; then
    echo "[postgres] the postgres user cannot reach $PG_DIR (a parent directory is closed to it)" >&2
    exit 1
  fi
fi

if [[ ! -f "$PG_DIR/data/PG_VERSION" ]]; then
  "${AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U school_call --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || {
    echo "[postgres] initdb failed; see $PG_DIR/initdb.log" >&2
    exit 1
  }
  echo "include_if_exists = 'school-call.conf'" >>"$PG_DIR/data/postgresql.conf"
  echo "[postgres] created a PostgreSQL cluster in $PG_DIR/data" >&2
fi
if ! "$PG_BIN/pg_isready" -q -h "$PG_DIR"; then
  cp scripts/postgresql.conf "$PG_DIR/data/school-call.conf"
  if ((${#AS[@]})); then chown postgres:postgres "$PG_DIR/data/school-call.conf"; fi
  "${AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgresql.log" -w -t 60 \
    -o "-c unix_socket_directories=$PG_DIR" start >/dev/null || {
    echo "[postgres] PostgreSQL did not start; see $PG_DIR/postgresql.log" >&2
    exit 1
  }
  echo "[postgres] started a private PostgreSQL (unix socket in $PG_DIR, synchronous_commit on)" >&2
fi
if [[ -z "$("$PG_BIN/psql" -h "$PG_DIR" -U school_call -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'school_call'")" ]]; then
  "$PG_BIN/createdb" -h "$PG_DIR" -U school_call school_call
fi
echo "postgresql://school_call@/school_call?host=$PG_DIR"
