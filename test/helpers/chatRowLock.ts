// Holding a chat's row lock from another connection, so that sends wait in
// their statement while a test changes what they were decided on or queues
// more behind them (appendCompareAndSet, appendBatches).
import pg from 'pg';
import { expect } from 'vitest';

/** Runs `during` while another connection holds the chat's row lock. */
export async function withChatLocked(
  databaseUrl: string,
  chatId: string,
  during: (locker: pg.Client) => Promise<void>,
): Promise<void> {
  const locker = new pg.Client({ connectionString: databaseUrl });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM messaging.chat WHERE id = $1 FOR UPDATE', [chatId]);
    await during(locker);
    await locker.query('COMMIT');
  } finally {
    await locker.query('ROLLBACK').catch(() => undefined);
    await locker.end();
  }
}

/** Resolves once a statement waits on a lock. */
export async function waitingOnLock(db: pg.Client): Promise<void> {
  await expect
    .poll(
      async () =>
        (
          await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rows[0]!.n,
      { timeout: 10_000 },
    )
    .toBeGreaterThanOrEqual(1);
}

export async function chatSeq(db: pg.Client, chatId: string): Promise<number> {
  return Number((await db.query('SELECT seq FROM messaging.chat WHERE id = $1', [chatId])).rows[0].seq);
}
