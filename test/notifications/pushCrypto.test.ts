// The pushes' encryption runs in the pool's threads, not on the messenger's
// event loop: the pool counts each push it encrypts, a thread that ends is
// replaced and the next push still reaches the browser (decrypted by the
// browser's keys), jobs a dying thread held are done again by another, and
// beyond its line the pool refuses with a typed error.
import promClient from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { PushCryptoError, PushCryptoPool, type RequestArgs } from '../../notifications/pushCryptoPool.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';
import { type LocalPushService, startPushService } from '../helpers/pushService.js';

let push: LocalPushService;
let s: ChatTestServer;

beforeAll(async () => {
  push = await startPushService();
  s = await startChatServer({ PUSH_SERVICE_HOSTS: push.host }, { extras: { pushAgent: push.agent } });
});
afterAll(async () => {
  await s?.stop();
  await push?.close();
});

async function metric(registry: promClient.Registry, name: string, result?: string): Promise<number> {
  const m = await registry.getSingleMetric(name)?.get();
  return m?.values.find((v) => result === undefined || v.labels.result === result)?.value ?? 0;
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the push encryption pool', () => {
  it('encrypts each push in its threads, and replaces a thread that ends while pushes still arrive', async () => {
    const registry = s.server.metrics.registry;
    const jobs = () => metric(registry, 'school_call_push_crypto_jobs_total', 'done');
    const teacher = await s.client({ userId: 'pool-anna', displayName: 'Анна Сергеевна', role: 'teacher' });
    const parent = await s.client({ userId: 'pool-vera', displayName: 'Вера Смирнова', role: 'parent' });
    const phone = push.browser('pool-vera-phone');
    await parent.request({
      savePushSubscription: { endpoint: phone.endpoint, p256dh: phone.p256dh, auth: phone.auth },
    });
    const chatId = (await teacher.request({ createChat: { title: 'Родители 7Б', members: ['pool-vera'] } }))
      .chat!.chatId!;
    const before = await jobs();
    await teacher.send(chatId, 'Родительское собрание в среду');
    await until(() => phone.received().length === 1, 'the first notification');
    expect(await jobs()).toBe(before + 1);

    const pool = s.server.notifications!.crypto;
    const first = pool.threads[0]!;
    const restarts = await metric(registry, 'school_call_push_crypto_thread_restarts_total');
    await first.terminate();
    await until(
      async () => (await metric(registry, 'school_call_push_crypto_thread_restarts_total')) === restarts + 1,
      'the thread replaced',
    );
    expect(pool.threads[0]).not.toBe(first);

    await teacher.send(chatId, 'Возьмите с собой дневники');
    await until(() => phone.received().length === 2, 'the notification after the thread ended');
    expect(phone.received()[1]!.payload).toMatchObject({ chat: chatId, text: 'Возьмите с собой дневники' });
    expect(await jobs()).toBe(before + 2);
    teacher.close();
    parent.close();
  });

  it('does a dying thread’s jobs again on its replacement, and refuses beyond its line', async () => {
    const registry = new promClient.Registry();
    const pool = new PushCryptoPool({ threads: 1, waitingMax: 8, registry, log: createLogger('silent') });
    try {
      const browser = push.browser('pool-direct');
      const args = (i: number): RequestArgs => [
        { endpoint: browser.endpoint, keys: { p256dh: browser.p256dh, auth: browser.auth } },
        JSON.stringify({ i }),
        { TTL: 60 },
      ];
      // 4 handed to the thread, 8 waiting, then the line is full.
      const prepared = Array.from({ length: 12 }, (_, i) => pool.prepare(args(i)));
      const refused = await pool.prepare(args(12)).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PushCryptoError);
      expect((refused as PushCryptoError).reason).toBe('busy');
      // The thread ends with jobs in hand (it is still starting).
      await pool.threads[0]!.terminate();
      const done = await Promise.all(prepared);
      expect(done.map((p) => browser.decrypt(p.body!))).toEqual(
        Array.from({ length: 12 }, (_, i) => ({ i })),
      );
      expect(done[0]!.headers['Content-Encoding']).toBe('aes128gcm');
      expect(await metric(registry, 'school_call_push_crypto_thread_restarts_total')).toBe(1);
      expect(await metric(registry, 'school_call_push_crypto_jobs_total', 'done')).toBe(12);
      expect(await metric(registry, 'school_call_push_crypto_jobs_total', 'busy')).toBe(1);
      expect(pool.waiting).toBe(0);
    } finally {
      await pool.close();
    }
  });
});
