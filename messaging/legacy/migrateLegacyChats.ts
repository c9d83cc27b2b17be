// `npm run messenger -- migrate`: moves release 0.1.0's chat history from
// Redis into PostgreSQL, one chat at a time:
//   1. read the chat's keys (legacyRedisChat.ts);
//   2. write it in one transaction (postgresChat.ts); a chat already there
//      (a run that died after its commit) is not written again;
//   3. read it back from PostgreSQL and compare counts and a checksum with
//      what Redis holds (chatContent.ts);
//   4. only when they agree, write the posts it had waiting to be sent later
//      (0.1.0 kept them in Redis too; the new timer sends them when due, an
//      overdue one at once), then remove its keys and theirs from Redis in
//      one MULTI.
// A crash at any point leaves each chat either untouched in Redis, or in
// both stores (the rerun verifies and removes it), or moved: a rerun
// finishes, and a run with nothing left changes nothing. A chat that
// differs keeps its keys and is reported. Afterwards the records of files
// no chat in Redis holds any more, and people's profiles and preferences,
// go the same way (inserted if absent, then removed from Redis).
// The keys are removed rather than kept: the point of the move is that
// Redis holds no history (RAM), and the backup taken before the upgrade is
// the way back.
import type { Redis } from 'ioredis';
import type { Logger } from '../../common/log.js';
import { type Postgres, inTransaction } from '../../common/postgres/connect.js';
import { type ContentCounts, checksumOf, countsOf } from './chatContent.js';
import {
  legacyChatIds,
  legacyKeys,
  legacyListedChannels,
  legacyScheduledKeys,
  readLegacyChat,
  readLegacyScheduled,
  scanKeys,
} from './legacyRedisChat.js';
import { insertChat, readPostgresChat } from './postgresChat.js';

export type ChatOutcome = 'moved' | 'verified' | 'differs' | 'failed';

export interface ChatReport {
  chat: string;
  title: string;
  /** moved: written now; verified: found in PostgreSQL from an earlier run. */
  outcome: ChatOutcome;
  redis: ContentCounts & { checksum: string };
  postgres: (ContentCounts & { checksum: string }) | null;
  missingFiles: number;
  /** Posts sent later that were waiting in 0.1.0's store, written now. */
  scheduled?: number;
  error?: string;
}

export interface MigrationReport {
  chats: ChatReport[];
  files: number;
  people: number;
  /** Chats left in Redis (differs or failed). */
  left: number;
}

/** One run at a time across hosts (a second waits for nothing: it is refused). */
const LOCK_ID = 0x5c4a7;

export async function migrateLegacyChats(
  redis: Redis,
  db: Postgres,
  log: Logger,
  hooks: {
    chatDone?: (r: ChatReport) => void;
    /** After a chat's commit, before it is read back (the tests' fault injection). */
    committed?: (chat: string) => void | Promise<void>;
  } = {},
): Promise<MigrationReport> {
  const lock = await db.connect();
  try {
    const got = await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOCK_ID]);
    if (!got.rows[0]?.ok) throw new Error('another `messenger migrate` is running on this database');
    const listed = await legacyListedChannels(redis);
    const chats: ChatReport[] = [];
    for (const id of await legacyChatIds(redis)) {
      const report = await migrateChat(redis, db, id, listed, hooks.committed).catch(
        (err: Error): ChatReport => {
          log.error({ err, chat: id }, 'chat not moved');
          return {
            chat: id,
            title: '',
            outcome: 'failed',
            redis: { ...zero(), checksum: '' },
            postgres: null,
            missingFiles: 0,
            error: err.message,
          };
        },
      );
      if (report) {
        chats.push(report);
        hooks.chatDone?.(report);
      }
    }
    const files = await migrateFileRecords(redis, db);
    const people = await migratePeople(redis, db);
    const left = chats.filter((c) => c.outcome === 'differs' || c.outcome === 'failed').length;
    log.info({ chats: chats.length, left, files, people }, 'legacy chats migrated');
    return { chats, files, people, left };
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => undefined);
    lock.release();
  }
}

const zero = (): ContentCounts => ({
  messages: 0,
  members: 0,
  reactions: 0,
  votes: 0,
  marks: 0,
  pins: 0,
  files: 0,
});

async function migrateChat(
  redis: Redis,
  db: Postgres,
  id: string,
  listed: Map<string, string[]>,
  committed?: (chat: string) => void | Promise<void>,
): Promise<ChatReport | null> {
  const legacy = await readLegacyChat(redis, id, listed);
  if (!legacy) return null;
  const { content } = legacy;
  const written = await inTransaction(db, (client) => insertChat(client, content));
  if (written) await committed?.(id);
  const stored = await readPostgresChat(db, id);
  const redisSide = { ...countsOf(content), checksum: checksumOf(content) };
  const pgSide = stored && { ...countsOf(stored), checksum: checksumOf(stored) };
  const same = pgSide !== null && pgSide.checksum === redisSide.checksum;
  let scheduled = 0;
  if (same) {
    // Posts the chat had waiting go with it (each once: a rerun finds them there), then leave Redis.
    const posts = await readLegacyScheduled(redis, id);
    for (const p of posts) {
      const r = await db.query(
        `INSERT INTO messaging.scheduled_post (id, chat_id, sender, name, text, send_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
        [p.id, id, p.from, p.name, p.text, p.at],
      );
      scheduled += r.rowCount ?? 0;
    }
    const multi = redis.multi().del(...legacy.keys);
    const waiting = await redis.smembers(legacyScheduledKeys.ofChat(id));
    if (waiting.length) {
      multi.del(legacyScheduledKeys.ofChat(id), ...waiting.map(legacyScheduledKeys.post));
      multi.zrem(legacyScheduledKeys.due, ...waiting);
    }
    for (const m of content.members) multi.srem(legacyKeys.userChats(m.user), id);
    for (const h of content.holds) multi.srem(legacyKeys.fileRefs(h.file), `${id}\n${h.seq}`);
    for (const school of content.listedIn) multi.srem(`school-call:school:${school}:channels`, id);
    const results = await multi.exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw failed?.[0] ?? new Error('Redis refused the removal');
  }
  return {
    chat: id,
    title: content.chat.title,
    outcome: same ? (written ? 'moved' : 'verified') : 'differs',
    redis: redisSide,
    postgres: pgSide,
    missingFiles: legacy.missingFiles,
    scheduled,
  };
}

/**
 * File records no chat left in Redis holds: inserted if absent (an upload
 * never sent stays unposted, so the sweep removes it as it would have),
 * then removed from Redis.
 */
async function migrateFileRecords(redis: Redis, db: Postgres): Promise<number> {
  let moved = 0;
  for (const key of await scanKeys(redis, legacyKeys.files)) {
    if (key.endsWith(':chats') || key.endsWith(':refs')) continue;
    const id = key.slice('school-call:file:'.length);
    const [record, refs, unsent] = await Promise.all([
      redis.hgetall(key),
      redis.scard(legacyKeys.fileRefs(id)),
      redis.zscore(legacyKeys.unsentFiles, id),
    ]);
    if (!record.id || refs > 0) continue;
    await db.query(
      `INSERT INTO messaging.file (id, owner, chat_id, name, type, size, state, posted, preview, width, height,
         created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING`,
      [
        id,
        record.owner ?? '',
        record.chat ?? '',
        record.name ?? '',
        record.type ?? 'application/octet-stream',
        Number(record.size ?? 0),
        record.state === 'ready' ? 'ready' : 'uploading',
        unsent === null,
        record.preview === '1',
        Number(record.width ?? 0),
        Number(record.height ?? 0),
        Number(record.createdAt ?? 0),
      ],
    );
    await redis
      .multi()
      .del(key, legacyKeys.fileChats(id), legacyKeys.fileRefs(id))
      .zrem(legacyKeys.unsentFiles, id)
      .exec();
    moved++;
  }
  return moved;
}

/** People's profiles and preferences, once none of their chats is left in Redis. */
async function migratePeople(redis: Redis, db: Postgres): Promise<number> {
  let moved = 0;
  for (const key of await scanKeys(redis, legacyKeys.users)) {
    if ((await redis.type(key)) !== 'hash') continue;
    const u = await redis.hgetall(key);
    if (!u.id || key !== legacyKeys.user(u.id)) continue;
    if ((await redis.exists(legacyKeys.userChats(u.id))) === 1) continue;
    await db.query(
      `INSERT INTO messaging.person (id, name, sort, role, school) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING`,
      [u.id, u.name ?? '', u.sort ?? u.name ?? '', u.role ?? '', u.school ?? ''],
    );
    const prefs = await redis.get(legacyKeys.userPrefs(u.id));
    if (prefs)
      await db.query(
        'INSERT INTO messaging.prefs (user_id, prefs) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING',
        [u.id, prefs],
      );
    await redis.del(key, legacyKeys.userPrefs(u.id));
    moved++;
  }
  return moved;
}

/** The report as a table, one line a chat: counts on each side, the checksums' first 12 digits. */
export function reportTable(r: MigrationReport): string {
  const head = ['chat', 'result', 'messages', 'members', 'reactions', 'votes', 'marks', 'pins', 'files'];
  const rows = r.chats.map((c) => {
    const pair = (k: keyof ContentCounts) =>
      c.postgres && c.postgres[k] === c.redis[k]
        ? String(c.redis[k])
        : `${c.redis[k]}/${c.postgres?.[k] ?? '-'}`;
    return [
      c.chat,
      c.outcome,
      pair('messages'),
      pair('members'),
      pair('reactions'),
      pair('votes'),
      pair('marks'),
      pair('pins'),
      pair('files'),
      `${c.redis.checksum.slice(0, 12)} ${c.postgres?.checksum.slice(0, 12) ?? '-'}`,
    ];
  });
  const all = [[...head, 'checksum redis postgres'], ...rows];
  const widths = all[0]!.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  const lines = all.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  const summary = `${r.chats.length} chats: ${r.chats.length - r.left} in PostgreSQL and removed from Redis, ${r.left} left in Redis; ${r.files} file records, ${r.people} people moved`;
  return [...lines, summary].join('\n');
}
