// No acknowledged message is ever lost, with real processes: the messenger
// is killed with SIGKILL in the middle of a burst of sends and started again;
// then redis-server (the chat bus, run with the shipped scripts/redis.conf)
// and PostgreSQL (the system of record, with the shipped
// scripts/postgresql.conf: synchronous_commit on) are killed the same way.
// Every acknowledged message is there afterwards, in order, exactly once,
// and resending what was not acknowledged duplicates nothing.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestChatClient, type cpb } from '../helpers/chatServer.js';
import { DurableRedis } from '../helpers/durableRedis.js';
import { MessengerProcess } from '../helpers/messengerProcess.js';
import { PostgresCluster } from '../helpers/postgres.js';

const SENDERS = 4;
const IN_FLIGHT = 8;

let redis: DurableRedis;
let postgres: PostgresCluster;
let messenger: MessengerProcess;
let env: Record<string, string>;
let chatId: string;
const tokens: string[] = [];

interface Sent {
  cmid: string;
  text: string;
  seq?: number;
}

async function admin(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${messenger.httpUrl}${path}`, {
    method: path.startsWith('/api/users/') && !path.endsWith('tokens') ? 'PUT' : 'POST',
    headers: { authorization: `Bearer ${env.ADMIN_SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  redis = new DurableRedis();
  await redis.start();
  postgres = new PostgresCluster();
  await postgres.start();
  env = {
    REDIS_URL: redis.url,
    DATABASE_URL: postgres.url(),
    TOKEN_SECRET: randomBytes(24).toString('base64url'),
    ADMIN_SECRET: randomBytes(24).toString('base64url'),
    // Four senders stand for a busy chat's bursts: the per-person cap is not what is tested.
    CHAT_MESSAGES_PER_MINUTE: '100000',
  };
  messenger = new MessengerProcess(env);
  await messenger.start();
  for (let i = 0; i < SENDERS; i++) {
    const r = await admin('/api/users/tokens', {
      userId: `s${i}`,
      displayName: `Отправитель ${i}`,
      role: 'teacher',
      schoolId: 'school',
    });
    tokens.push(r.token as string);
  }
  chatId = (
    await admin('/api/chats', {
      title: 'Нагрузка',
      members: Array.from({ length: SENDERS }, (_, i) => ({ userId: `s${i}` })),
    })
  ).chatId as string;
});

afterAll(async () => {
  await messenger?.kill();
  await redis?.kill();
  await postgres?.stop();
});

/** Sends continuously from every sender, IN_FLIGHT at a time, until stopped by a crash. */
async function burst(label: string, crash: () => Promise<void>, crashAfterAcks: number) {
  const clients = await Promise.all(
    tokens.map(async (t) => {
      const c = await TestChatClient.connect(messenger.wsUrl);
      await c.authenticate(t);
      return c;
    }),
  );
  const sent: Sent[][] = clients.map(() => []);
  let acked = 0;
  let crashed: Promise<void> | null = null;
  await Promise.all(
    clients.map(async (c, i) => {
      const lane = async () => {
        for (let n = 0; ; n++) {
          const item: Sent = {
            cmid: `${label}-${i}-${randomBytes(6).toString('hex')}`,
            text: `${label} ${i}`,
          };
          sent[i]!.push(item);
          try {
            const r = await c.rawRequest({
              sendMessage: { chatId, text: item.text, clientMessageId: item.cmid },
            });
            if (!r.message) return;
            item.seq = r.message.seq!;
            acked++;
            if (acked === crashAfterAcks) crashed = crash();
          } catch {
            return;
          }
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    }),
  );
  await crashed;
  for (const c of clients) c.close();
  // The crash came while sends were in flight.
  expect(sent.flat().some((s) => s.seq === undefined)).toBe(true);
  return sent.flat();
}

async function history(): Promise<cpb.IChatMessage[]> {
  const c = await TestChatClient.connect(messenger.wsUrl);
  await c.authenticate(tokens[0]!);
  const out: cpb.IChatMessage[] = [];
  let before = 0;
  for (;;) {
    const page = await c.request({ getHistory: { chatId, beforeSeq: before, limit: 100 } });
    const msgs = page.page!.messages!;
    out.unshift(...msgs);
    if (page.page!.atStart || msgs.length === 0) break;
    before = msgs[0]!.seq!;
  }
  c.close();
  return out;
}

function expectIntact(stored: cpb.IChatMessage[], sent: Sent[]) {
  const seqs = stored.map((m) => m.seq!);
  // Dense and in order: 1, 2, 3...
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  const byCmid = new Map<string, cpb.IChatMessage[]>();
  for (const m of stored) {
    if (!m.clientMessageId) continue;
    byCmid.set(m.clientMessageId, [...(byCmid.get(m.clientMessageId) ?? []), m]);
  }
  for (const list of byCmid.values()) expect(list).toHaveLength(1);
  const acked = sent.filter((s) => s.seq !== undefined);
  for (const s of acked) {
    const found = byCmid.get(s.cmid);
    expect(found, `acknowledged ${s.cmid} is missing`).toBeDefined();
    expect(found![0]!.seq).toBe(s.seq);
    expect(found![0]!.text).toBe(s.text);
  }
  return acked.length;
}

/** Resends everything not acknowledged, and some that were: nothing is stored twice. */
async function resend(sent: Sent[]) {
  const c = await TestChatClient.connect(messenger.wsUrl);
  await c.authenticate(tokens[0]!);
  const again = [
    ...sent.filter((s) => s.seq === undefined),
    ...sent.filter((s) => s.seq !== undefined).slice(0, 20),
  ];
  for (const s of again) {
    // Resends are as the same sender: client ids are per person.
    const owner = Number(s.cmid.split('-')[1]);
    if (owner !== 0) continue;
    const r = await c.request({ sendMessage: { chatId, text: s.text, clientMessageId: s.cmid } });
    if (s.seq !== undefined) expect(r.message!.seq).toBe(s.seq);
  }
  c.close();
}

describe('durability with real processes', () => {
  it('SIGKILL of the messenger during a burst loses no acknowledged message', async () => {
    const sent = await burst('server', () => messenger.kill('SIGKILL'), 150);
    await messenger.start();
    const n = expectIntact(await history(), sent);
    expect(n).toBeGreaterThanOrEqual(150);
    await resend(sent);
    expectIntact(await history(), sent);
  });

  it('SIGKILL of redis-server under the shipped configuration loses no acknowledged message', async () => {
    const before = (await history()).length;
    const sent = await burst('redis', () => redis.kill('SIGKILL'), 150);
    await redis.start();
    await messenger.ready();
    const stored = await history();
    expect(stored.length).toBeGreaterThanOrEqual(before + 150);
    const n = expectIntact(stored, sent);
    expect(n).toBeGreaterThanOrEqual(150);
    await resend(sent);
    expectIntact(await history(), sent);
  });

  it('SIGKILL of PostgreSQL under the shipped configuration loses no acknowledged message', async () => {
    const before = (await history()).length;
    const sent = await burst('postgres', () => postgres.kill('SIGKILL'), 150);
    await postgres.start();
    await messenger.ready();
    const stored = await history();
    expect(stored.length).toBeGreaterThanOrEqual(before + 150);
    const n = expectIntact(stored, sent);
    expect(n).toBeGreaterThanOrEqual(150);
    await resend(sent);
    expectIntact(await history(), sent);
  });
});
