// A bot's webhook delivery outlives a restart (messaging/webhookQueue.ts):
// the bot's endpoint is down when a pupil writes in its chat, so the delivery
// waits in PostgreSQL for its next try; the server stops and two hosts start
// on the same Redis and database, both polling for due deliveries; the
// endpoint comes up and receives the delivery exactly once, carrying its id in
// the body and in X-Bot-Delivery, and nothing is left waiting.
import { rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountSchool, startAccountSchool } from '../helpers/accounts.js';
import { redisAvailable } from '../helpers/redis.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let school: AccountSchool;
const hosts: TestServer[] = [];
let hook: Server | null = null;
let port = 0;
const received: { header: string; body: { delivery: string; type: string; message?: { text: string } } }[] =
  [];

const waiting = async (server: TestServer) =>
  (
    await server.database!.query<{ id: string; attempts: number }>(
      'SELECT id, attempts FROM messaging.bot_delivery',
    )
  ).rows;
const delivered = async (server: TestServer) => {
  const m = await server.metrics.registry.getSingleMetric('school_call_bot_webhooks_total')?.get();
  return m?.values.find((v) => v.labels.result === 'delivered')?.value ?? 0;
};

beforeAll(async () => {
  // A port with nothing listening yet: the bot's system is down.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  school = await startAccountSchool({
    BOT_WEBHOOK_ALLOW_PRIVATE: 'true',
    BOT_WEBHOOK_FIRST_RETRY_MS: '200',
    BOT_WEBHOOK_TRIES: '30',
  });
}, 90_000);

afterAll(async () => {
  for (const h of hosts) await h.close();
  await school?.s.redis?.stop();
  if (school) rmSync(school.s.env.CHAT_UPLOAD_DIR!, { recursive: true, force: true });
  await new Promise((r) => (hook ? hook.close(r) : r(null)));
});

describe.skipIf(!redisAvailable())("a bot's webhook delivery across a restart", () => {
  it('waits in PostgreSQL while the endpoint is down and arrives once when it is up', async () => {
    const { admin, schoolId } = school;
    const chats = (await admin.get('/api/school/bots')).body.chats as { id: string; title: string }[];
    const classChat = chats.find((c) => c.title === '5А')!.id;
    const made = await admin.post('/api/school/bots', { name: 'Журнал', chats: [classChat] });
    const { bot } = made.body as { bot: { id: string } };
    const set = await admin.post(`/api/school/bots/${bot.id}`, {
      webhookUrl: `http://127.0.0.1:${port}/hook`,
    });
    expect(set.status).toBe(200);

    const pupil = await school.s.client({
      userId: 'p-ivan',
      displayName: 'Иван Иванов',
      role: 'student',
      schoolId,
    });
    await pupil.send(classChat, 'Когда контрольная?');
    // Tried and refused by the closed port at least twice: it waits for its next try.
    await expect
      .poll(async () => (await waiting(school.s.server))[0]?.attempts ?? 0, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
    const [pending] = await waiting(school.s.server);
    pupil.close();
    await school.s.server.close();

    hosts.push(await startTestServer(school.s.env), await startTestServer(school.s.env));
    const [a, b] = hosts as [TestServer, TestServer];
    expect((await waiting(a)).map((d) => d.id)).toEqual([pending!.id]);

    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ header: String(req.headers['x-bot-delivery']), body: JSON.parse(body) });
        // A slow answer: the other host must not send the same delivery meanwhile.
        setTimeout(() => res.end('ok'), 300);
      });
    });
    await new Promise<void>((r) => hook!.listen(port, '127.0.0.1', r));

    await expect.poll(() => received.length, { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await waiting(a)).length, { timeout: 5_000 }).toBe(0);
    // Both hosts keep polling a while longer: still one.
    await new Promise((r) => setTimeout(r, 1500));
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      header: pending!.id,
      body: { delivery: pending!.id, type: 'message', message: { text: 'Когда контрольная?' } },
    });
    expect((await delivered(a)) + (await delivered(b))).toBe(1);
  }, 90_000);
});
