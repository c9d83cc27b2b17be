#!/usr/bin/env bash
# school-call-backup: one archive of everything a school would miss, taken
# while the server runs (docs/operators.md#backups):
#   - Redis: rooms, meetings, call state, whiteboards, the directory, file
#     records: a point-in-time snapshot streamed from the running Redis
#     (redis-cli --rdb), so it is consistent in itself;
#   - PostgreSQL (chats and their history, accounts), when DATABASE_URL is
#     set (pg_dump: one snapshot, taken after Redis's);
#   - files: uploads, recordings and transcripts, linked into a staging folder
#     right after the snapshot (hard links: instant, and unaffected by later
#     deletions), so every file an acknowledged message names is in it;
#   - settings and secrets: /etc/school-call.
# The archive holds secrets: it is written 0600; encrypt copies that leave
# the host (docs/operators.md#backups).
#
#   school-call-backup [--config /etc/school-call/school-call.env] [--keep N] [DEST_DIR]
#
# Prints the archive's path. Exit status 0 only when everything went in.
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
CONFIG=/etc/school-call/school-call.env KEEP=0 DEST=""
while (($#)); do
  case "$1" in
  --config) CONFIG="$2"; shift 2 ;;
  --keep) KEEP="$2"; shift 2 ;;
  -h | --help) sed -n '2,22p' "${BASH_SOURCE[0]}"; exit 0 ;;
  *) DEST="$1"; shift ;;
  esac
done
ETC="$(dirname "$CONFIG")"
eval "$(node "$HERE/envfile.mjs" "$CONFIG" REDIS_URL CHAT_UPLOAD_DIR RECORDINGS_DIR TRANSCRIPT_DIR DATABASE_URL S3_BUCKET)"
# Attachments kept in a bucket are not on this host: the bucket is backed up by its own means.
[[ -z "${S3_BUCKET:-}" ]] || echo "school-call-backup: attachments are in the bucket $S3_BUCKET, not in this archive; back the bucket up with its own tools (docs/storage.md#files)" >&2
DEST="${DEST:-$(dirname "${CHAT_UPLOAD_DIR:-/var/lib/school-call/uploads}")/backups}"
[[ -n "$REDIS_URL" ]] || { echo "school-call-backup: REDIS_URL is not set in $CONFIG" >&2; exit 78; }
mkdir -p "$DEST"
NAME="school-call-backup-$(hostname -s)-$(date -u +%Y%m%dT%H%M%SZ)"
# Staging on the data's own file system, so files can be hard-linked.
STAGE_ROOT="$(dirname "${CHAT_UPLOAD_DIR:-$DEST}")"
STAGE="$(mktemp -d "$STAGE_ROOT/.backup-XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/$NAME"/{redis,files,etc}
OUT="$STAGE/$NAME"
started=$(date +%s)

# 1. Redis, as one snapshot.
redis_cli() {
  if [[ "$REDIS_URL" == /* ]]; then redis-cli -s "$REDIS_URL" "$@"; else redis-cli -u "$REDIS_URL" "$@"; fi
}
redis_cli --rdb "$OUT/redis/dump.rdb" >/dev/null 2>"$OUT/redis/redis-cli.log" || {
  cat "$OUT/redis/redis-cli.log" >&2
  echo "school-call-backup: cannot take a snapshot from Redis at $REDIS_URL" >&2
  exit 1
}
# Checked whole (its checksum) and counted, as the restore will count it.
check="$(redis-check-rdb "$OUT/redis/dump.rdb" 2>&1)" || {
  echo "$check" >&2
  echo "school-call-backup: the Redis snapshot does not check out" >&2
  exit 1
}
keys="$(sed -n 's/^\[info\] \([0-9]*\) keys read$/\1/p' <<<"$check")"
expires="$(sed -n 's/^\[info\] \([0-9]*\) expires$/\1/p' <<<"$check")"
data_version="$(redis_cli get school-call:data-version)"

# 2. PostgreSQL (when configured).
if [[ -n "$DATABASE_URL" ]]; then
  mkdir -p "$OUT/postgres"
  pg_dump --format=custom --file="$OUT/postgres/school-call.dump" "$DATABASE_URL"
fi

# 3. Files, linked now (copied where a link cannot be made).
link_tree() { # NAME SOURCE_DIR
  [[ -n "$2" && -d "$2" ]] || return 0
  cp -al "$2" "$OUT/files/$1" 2>/dev/null || cp -a "$2" "$OUT/files/$1"
}
link_tree uploads "$CHAT_UPLOAD_DIR"
link_tree recordings "$RECORDINGS_DIR"
if [[ -n "$TRANSCRIPT_DIR" && "$TRANSCRIPT_DIR" != "$RECORDINGS_DIR" ]]; then link_tree transcripts "$TRANSCRIPT_DIR"; fi

# 4. Settings and secrets.
cp -a "$ETC"/. "$OUT/etc/"

# What is in it, for the restore to check and print.
release="$(readlink -f "$HERE/../..")"
files="$(find "$OUT/files" -type f | wc -l)"
bytes="$(du -sb "$OUT/files" | cut -f1)"
cat >"$OUT/backup.json" <<JSON
{
  "name": "$NAME",
  "takenAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "host": "$(hostname -f 2>/dev/null || hostname)",
  "release": $(cat "$release/release.json" 2>/dev/null || echo null),
  "dataVersion": "${data_version:-0}",
  "redisKeys": $keys,
  "redisKeysExpiring": $expires,
  "files": $files,
  "fileBytes": $bytes,
  "postgres": $([[ -n "$DATABASE_URL" ]] && echo true || echo false),
  "paths": { "uploads": "$CHAT_UPLOAD_DIR", "recordings": "$RECORDINGS_DIR", "transcripts": "${TRANSCRIPT_DIR:-}" }
}
JSON

# A recording still being written grows while it is read: tar keeps the
# length it saw (fragmented MP4: a whole prefix) and says so with status 1.
umask 077
set +e
tar -C "$STAGE" -cf "$DEST/$NAME.tar.part" --warning=no-file-changed "$NAME"
status=$?
set -e
if ((status > 1)); then
  rm -f "$DEST/$NAME.tar.part"
  echo "school-call-backup: tar failed ($status)" >&2
  exit 1
fi
mv "$DEST/$NAME.tar.part" "$DEST/$NAME.tar"
if ((KEEP > 0)); then
  ls -1t "$DEST"/school-call-backup-*.tar 2>/dev/null | tail -n +$((KEEP + 1)) | xargs -r rm -f
fi
echo "school-call-backup: $keys Redis keys, $files files ($bytes bytes) in $(($(date +%s) - started)) s" >&2
echo "$DEST/$NAME.tar"
