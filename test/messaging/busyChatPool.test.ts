// One busy chat does not take the messenger's whole PostgreSQL pool. While a
// chat's row lock is held (here by another connection, as another host's
// transaction or a slow lock holder would), this host's sends to that chat
// queue without a pooled connection each (messaging/store/chatTransaction.ts),
// so a sign-in still gets one; the sends are stored in the order they came
// once the lock is free. Without the queue every waiting send held a
// connection, the sign-in waited for one and was answered "unavailable".
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';

const POOL = 3;
const SENDS = POOL + 1;

let s: ChatTestServer;
let teacher: TestChatClient;
let chatId: string;

beforeAll(async () => {
  s = await startChatServer({ DATABASE_POOL_SIZE: String(POOL) });
  teacher = await s.client({ userId: 't1', displayName: 'Анна Петровна' });
  const res = await fetch(`${s.httpUrl}/api/chats`, {
    method: 'POST',
    headers: s.adminHeaders,
    body: JSON.stringify({ title: 'Вся школа', members: [{ userId: 't1' }] }),
  });
  expect(res.status).toBe(201);
  chatId = ((await res.json()) as { chatId: string }).chatId;
});

afterAll(async () => {
  teacher?.close();
  await s?.stop();
});

async function sendRequests(): Promise<number> {
  const metric = await s.server.metrics.registry.getSingleMetric('school_call_chat_requests_total')?.get();
  return metric?.values.find((v) => v.labels.type === 'sendMessage')?.value ?? 0;
}

it('sends to a chat whose lock is held leave the pool to everyone else, and are stored in order', async () => {
  const locker = new pg.Client({ connectionString: s.server.config.databaseUrl! });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM messaging.chat WHERE id = $1 FOR UPDATE', [chatId]);

    const before = await sendRequests();
    const sends = Array.from({ length: SENDS }, (_, i) => teacher.send(chatId, `сообщение ${i + 1}`));
    for (const p of sends) p.catch(() => undefined);
    // Every send has reached the messenger, and one waits for the chat's lock.
    await expect.poll(sendRequests, { timeout: 10_000 }).toBe(before + SENDS);
    await expect
      .poll(
        async () =>
          (
            await locker.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
               WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            )
          ).rows[0]!.n,
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(1);

    // Someone else signs in meanwhile: that needs the pool.
    const pupil = await s.client({ userId: 'p1', displayName: 'Иван Смирнов', role: 'student' });
    pupil.close();

    await locker.query('COMMIT');
    const stored = await Promise.all(sends);
    const seqs = stored.map((m) => Number(m.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(SENDS);
    expect(stored.map((m) => m.text)).toEqual(sends.map((_, i) => `сообщение ${i + 1}`));
  } finally {
    await locker.query('ROLLBACK').catch(() => undefined);
    await locker.end();
  }
});
