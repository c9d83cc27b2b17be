#!/usr/bin/env bash
# school-call-restore: puts a backup (school-call-backup) back, on this
# machine or on a fresh one where scripts/install.sh --no-start has run
# (docs/operators.md#restoring).
# It stops the server and its Redis, moves what is there aside (nothing is
# deleted), restores Redis, PostgreSQL (when the backup has it), uploads,
# recordings, transcripts and the settings with their secrets, and starts
# them again. The settings come from the backup except this machine's own
# paths and addresses (REDIS_URL, CHAT_UPLOAD_DIR, RECORDINGS_DIR,
# TRANSCRIPT_DIR, DATABASE_URL, MEDIA_ANNOUNCED_IP, MEDIA_LISTEN_IP,
# TURN_URLS, HOST_ID), which stay as the install set them.
#
#   school-call-restore [--config /etc/school-call/school-call.env] [--no-systemd] ARCHIVE.tar
#
# --no-systemd: the caller has stopped the server and its Redis and starts
# them afterwards (a host without systemd; the tests).
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
CONFIG=/etc/school-call/school-call.env SYSTEMD=1 ARCHIVE=""
while (($#)); do
  case "$1" in
  --config) CONFIG="$2"; shift 2 ;;
  --no-systemd) SYSTEMD=0; shift ;;
  -h | --help) sed -n '2,17p' "${BASH_SOURCE[0]}"; exit 0 ;;
  *) ARCHIVE="$1"; shift ;;
  esac
done
[[ -f "$ARCHIVE" ]] || { echo "school-call-restore: give the backup archive (.tar)" >&2; exit 64; }
[[ -f "$CONFIG" ]] || { echo "school-call-restore: $CONFIG is missing: run scripts/install.sh first" >&2; exit 64; }
[[ -d /run/systemd/system ]] || SYSTEMD=0
ETC="$(dirname "$CONFIG")"
log() { printf '[restore] %s\n' "$*" >&2; }
MACHINE=(REDIS_URL CHAT_UPLOAD_DIR RECORDINGS_DIR TRANSCRIPT_DIR DATABASE_URL MEDIA_ANNOUNCED_IP MEDIA_LISTEN_IP TURN_URLS HOST_ID)
eval "$(node "$HERE/envfile.mjs" "$CONFIG" "${MACHINE[@]}")"
[[ "$REDIS_URL" == /* ]] || { echo "school-call-restore: REDIS_URL must be the install's unix socket" >&2; exit 78; }
DATA="$(dirname "$CHAT_UPLOAD_DIR")"
REDIS_DIR="$DATA/redis"
AT="$(date -u +%Y%m%dT%H%M%SZ)"

WORK="$(mktemp -d "$DATA/.restore-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
tar -C "$WORK" -xf "$ARCHIVE"
SRC="$(find "$WORK" -mindepth 1 -maxdepth 1 -type d | head -1)"
[[ -f "$SRC/backup.json" && -f "$SRC/redis/dump.rdb" ]] || { echo "school-call-restore: $ARCHIVE is not a school-call backup" >&2; exit 1; }
want_keys="$(node -p "require('$SRC/backup.json').redisKeys")"
expiring="$(node -p "require('$SRC/backup.json').redisKeysExpiring ?? 0")"
redis-check-rdb "$SRC/redis/dump.rdb" >"$WORK/check.log" 2>&1 || {
  cat "$WORK/check.log" >&2
  echo "school-call-restore: the Redis snapshot in $ARCHIVE is damaged" >&2
  exit 1
}
log "backup $(node -p "require('$SRC/backup.json').name"), taken $(node -p "require('$SRC/backup.json').takenAt")"

# 1. Stop what uses the data.
if ((SYSTEMD)); then
  systemctl stop school-call.service school-call-redis.service
  # PostgreSQL stays up: the dump is loaded through it.
  systemctl start school-call-postgres.service
elif redis-cli -s "$REDIS_URL" ping >/dev/null 2>&1; then
  echo "school-call-restore: Redis still answers at $REDIS_URL: stop the server and its Redis first" >&2
  exit 1
fi

# 2. Settings: the backup's, with this machine's paths and addresses.
cp "$ETC/school-call.env" "$ETC/school-call.env.before-restore-$AT"
node - "$SRC/etc/school-call.env" "$CONFIG" "${MACHINE[@]}" >"$WORK/school-call.env" <<'JS'
const { readFileSync } = require('node:fs');
const { parseEnv } = require('node:util');
const [backup, current, ...machine] = process.argv.slice(2);
const here = parseEnv(readFileSync(current, 'utf8'));
const lines = readFileSync(backup, 'utf8').split('\n');
const out = lines.filter((l) => !machine.some((n) => l.startsWith(`${n}=`)));
for (const n of machine) if (here[n] !== undefined) out.push(`${n}=${here[n]}`);
process.stdout.write(`${out.join('\n').replace(/\n*$/, '\n')}`);
JS
cat "$WORK/school-call.env" >"$CONFIG"
for f in "$SRC"/etc/*; do
  case "$(basename "$f")" in
  school-call.env | redis.conf | *.example | *.before-restore-*) ;;
  *) cp -a "$f" "$ETC/" ;;
  esac
done

# 3. Redis: the snapshot loaded once without the append-only file, which is
# then written from it, so the unit's Redis (appendonly yes) starts from it.
if [[ -n "$(ls -A "$REDIS_DIR" 2>/dev/null)" ]]; then
  mv "$REDIS_DIR" "$REDIS_DIR.before-restore-$AT"
  mkdir -p "$REDIS_DIR"
  log "the Redis data that was here is in $REDIS_DIR.before-restore-$AT"
fi
cp "$SRC/redis/dump.rdb" "$REDIS_DIR/dump.rdb"
sock="$WORK/redis.sock"
redis-server --port 0 --unixsocket "$sock" --dir "$REDIS_DIR" --dbfilename dump.rdb --appendonly no \
  --save '' --daemonize no --logfile "$WORK/redis.log" &
rpid=$!
for _ in $(seq 200); do redis-cli -s "$sock" ping >/dev/null 2>&1 && break; sleep 0.1; done
loaded="$(redis-cli -s "$sock" dbsize)"
redis-cli -s "$sock" config set appendonly yes >/dev/null
for _ in $(seq 600); do
  info="$(redis-cli -s "$sock" info persistence)"
  grep -q 'aof_rewrite_in_progress:0' <<<"$info" && grep -q 'aof_rewrite_scheduled:0' <<<"$info" &&
    grep -q 'aof_enabled:1' <<<"$info" && break
  sleep 0.1
done
redis-cli -s "$sock" shutdown >/dev/null 2>&1 || true
wait "$rpid" || true
# Keys with a time to live (presence, rate limits) may have lapsed since.
if ((loaded < want_keys - expiring || loaded > want_keys)); then
  echo "school-call-restore: Redis loaded $loaded keys, the backup had $want_keys ($expiring expiring)" >&2
  exit 1
fi
log "Redis: $loaded keys (the backup had $want_keys, $expiring of them expiring)"

# 4. PostgreSQL.
if [[ -f "$SRC/postgres/school-call.dump" ]]; then
  [[ -n "$DATABASE_URL" ]] || { echo "school-call-restore: the backup has PostgreSQL but DATABASE_URL is not set" >&2; exit 1; }
  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" "$SRC/postgres/school-call.dump"
  log "PostgreSQL restored"
fi

# 5. Files.
restore_tree() { # NAME TARGET_DIR
  [[ -d "$SRC/files/$1" && -n "$2" ]] || return 0
  if [[ -n "$(ls -A "$2" 2>/dev/null)" ]]; then
    mv "$2" "$2.before-restore-$AT"
    log "what was in $2 is in $2.before-restore-$AT"
  fi
  rm -rf "$2"
  mkdir -p "$(dirname "$2")"
  mv "$SRC/files/$1" "$2"
}
restore_tree uploads "$CHAT_UPLOAD_DIR"
restore_tree recordings "$RECORDINGS_DIR"
restore_tree transcripts "$TRANSCRIPT_DIR"
log "files: $(find "$CHAT_UPLOAD_DIR" "$RECORDINGS_DIR" -type f 2>/dev/null | wc -l) (the backup had $(node -p "require('$SRC/backup.json').files"))"

if id school-call >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
  chown -R school-call:school-call "$REDIS_DIR" "$CHAT_UPLOAD_DIR" "$RECORDINGS_DIR"
  [[ -n "$TRANSCRIPT_DIR" ]] && chown -R school-call:school-call "$TRANSCRIPT_DIR"
  chown root:school-call "$CONFIG"
  chmod 0640 "$CONFIG"
fi

# 6. Start again (data migrations run as the server starts: docs/operators.md#upgrading).
if ((SYSTEMD)); then
  systemctl start school-call-redis.service school-call-turn.service school-call.service
  log "started; systemctl status school-call"
else
  log "restored; start the server's Redis and the server now"
fi
