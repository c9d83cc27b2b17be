// The layout of the data in Redis has a version (school-call:data-version;
// none at all: 0, release 0.1.0). At start, before anything else touches the
// store, the server brings older data up to this release's version, one
// migration at a time, each recorded as it completes, under a lock so that
// one host of several does it; and it refuses data newer than itself (written
// by a newer release: running old code on it could damage it). A new layout
// change adds a migration here, with a test that upgrades data made by the
// release before (test/integration/upgrade.test.ts), and a CHANGELOG line.
import { Redis } from 'ioredis';
import type { Logger } from '../common/log.js';

export const DATA_VERSION_KEY = 'school-call:data-version';
const LOCK_KEY = 'school-call:data-migration-lock';
const LOCK_MS = 10 * 60_000;

export interface Migration {
  /** The version the data has after it. */
  to: number;
  about: string;
  run(redis: Redis, log: Logger): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    to: 1,
    about: 'the data records its version (release 0.1.0 kept none); nothing else changes',
    run: async (redis, log) => {
      // 0.1.0 kept chats in Redis; this release reads them from PostgreSQL. They
      // stay as they were until the operator moves them (messaging/legacy/, verified per chat).
      const chats = await countKeys(redis, LEGACY_CHAT_PATTERN);
      if (chats > 0) {
        log.warn(
          { chats, pattern: LEGACY_CHAT_PATTERN },
          `release 0.1.0's chat history (${chats} chats) is still in Redis and not shown until it is moved into PostgreSQL: run school-call-messenger migrate (npm run messenger -- migrate) after taking a backup (docs/operators.md#upgrading)`,
        );
      }
    },
  },
];

/** A chat of release 0.1.0: its record's key (hash-tagged by chat id, no suffix). */
export const LEGACY_CHAT_PATTERN = 'school-call:chat:{*}';

async function countKeys(redis: Redis, pattern: string): Promise<number> {
  let n = 0;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    n += found.filter((k) => k.endsWith('}')).length;
    cursor = next;
  } while (cursor !== '0');
  return n;
}

/** The data version this release reads and writes. */
export const CODE_DATA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.to;

export class DataTooNewError extends Error {}

export async function dataVersion(redis: Redis): Promise<number> {
  const raw = await redis.get(DATA_VERSION_KEY);
  if (raw === null) return 0;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0)
    throw new Error(`${DATA_VERSION_KEY} holds ${JSON.stringify(raw)}, not a version`);
  return v;
}

/**
 * Brings the data to CODE_DATA_VERSION; throws DataTooNewError (with the
 * sentence to show) when it is newer. An empty store is simply marked.
 */
export async function migrateData(
  redis: Redis,
  hostId: string,
  log: Logger,
): Promise<{ from: number; to: number }> {
  for (;;) {
    const from = await dataVersion(redis);
    if (from > CODE_DATA_VERSION) {
      throw new DataTooNewError(
        `the data in Redis is version ${from}, written by a newer release; this release reads version ${CODE_DATA_VERSION} at most. Start the newer release again, or restore the backup taken before the upgrade (docs/operators.md#upgrading)`,
      );
    }
    if (from === CODE_DATA_VERSION) return { from, to: from };
    if ((await redis.set(LOCK_KEY, hostId, 'PX', LOCK_MS, 'NX')) !== 'OK') {
      // Another host is migrating: wait for it.
      log.info({ holder: await redis.get(LOCK_KEY) }, 'waiting for another host to migrate the data');
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    try {
      if ((await redis.dbsize()) === 1) {
        // Only our lock: a new, empty store.
        await redis.set(DATA_VERSION_KEY, String(CODE_DATA_VERSION));
        return { from: CODE_DATA_VERSION, to: CODE_DATA_VERSION };
      }
      let at = await dataVersion(redis);
      for (const m of MIGRATIONS) {
        if (m.to <= at) continue;
        const started = Date.now();
        await m.run(redis, log);
        await redis.set(DATA_VERSION_KEY, String(m.to));
        log.info({ from: at, to: m.to, about: m.about, ms: Date.now() - started }, 'data migrated');
        at = m.to;
      }
      return { from, to: at };
    } finally {
      await redis.del(LOCK_KEY);
    }
  }
}

/** At start: connects (waiting up to `waitMs` for a Redis that is still starting), migrates, disconnects. */
export async function migrateAtStart(
  redisUrl: string,
  hostId: string,
  log: Logger,
  waitMs = 30_000,
): Promise<{ from: number; to: number }> {
  // Commands wait in the queue while it connects; it keeps trying every second.
  const redis = new Redis(redisUrl, {
    maxRetriesPerRequest: null,
    retryStrategy: (n) => Math.min(n * 100, 1000),
  });
  redis.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      redis.once('ready', () => resolve());
      timer = setTimeout(
        () => reject(new Error(`Redis at REDIS_URL does not answer after ${waitMs / 1000} s`)),
        waitMs,
      );
    });
    return await migrateData(redis, hostId, log);
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}
