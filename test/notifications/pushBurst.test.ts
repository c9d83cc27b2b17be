import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// A burst of pushes through a real push service on loopback: one message to a
// chat of 200 subscribed members reaches every browser exactly once, and the
// connected members have it on their sockets before the pushes are all out
// (the pushes wait in a queue behind socket delivery). Then the queue's
// bounds: a browser's waiting push is replaced by the chat's newer one, a
// full queue refuses and counts, and nothing is lost without being counted.
import webpush from 'web-push';
import { PushQueue, type QueueOutcome } from '../../notifications/pushQueue.js';
import { type PushOutcome, PushSender } from '../../notifications/pushSender.js';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';
import { type LocalPushService, type PushBrowser, startPushService } from '../helpers/pushService.js';

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

async function pushCount(result: string): Promise<number> {
  const m = await s.server.metrics.registry.getSingleMetric('school_call_push_notifications_total')?.get();
  return m?.values.find((v) => v.labels.result === result)?.value ?? 0;
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const clock = () => performance.timeOrigin + performance.now();

describe('a burst of pushes', () => {
  it('tells each of 200 members’ browsers once, after the connected members have it on their sockets', async () => {
    const teacher = await s.client({
      userId: 'burst-teacher',
      displayName: 'Анна Сергеевна',
      role: 'teacher',
    });
    const people = Array.from({ length: 200 }, (_, i) => ({
      userId: `burst-${i}`,
      displayName: `Ученик ${i}`,
      role: 'student' as const,
    }));
    const browsers = new Map<string, PushBrowser>();
    const connected: TestChatClient[] = [];
    for (const [i, p] of people.entries()) {
      const c = await s.client(p);
      const b = push.browser(p.userId);
      browsers.set(b.path, b);
      await c.request({ savePushSubscription: { endpoint: b.endpoint, p256dh: b.p256dh, auth: b.auth } });
      // Three stay in the messenger; the others are away, reached only by push.
      if (i < 3) connected.push(c);
      else c.close();
    }
    const chatId = (
      await teacher.request({ createChat: { title: 'Вся параллель', members: people.map((p) => p.userId) } })
    ).chat!.chatId!;
    const arrived: number[] = [];
    const seen = connected.map((c, i) => {
      const was = c.onEvent;
      c.onEvent = (e) => {
        if (e.message?.chatId === chatId && e.message.text === 'Завтра сокращённые уроки')
          arrived[i] = clock();
        was?.(e);
      };
      return c.waitForMessage((m) => m.chatId === chatId && m.text === 'Завтра сокращённые уроки', 30_000);
    });
    const before = push.all.length;
    const sent = await teacher.send(chatId, 'Завтра сокращённые уроки');
    await Promise.all(seen);
    await until(async () => (await pushCount('sent')) >= 200, '200 pushes sent');
    // Anything more would have come by now: the counter says the queue sent 200.
    const got = push.all.slice(before);
    expect(got.length).toBe(200);
    const paths = new Set(got.map((p) => p.path));
    expect(paths.size).toBe(200);
    expect([...paths].sort()).toEqual([...browsers.keys()].sort());
    for (const p of got) {
      expect(browsers.get(p.path)!.decrypt(p.body)).toMatchObject({
        chat: chatId,
        seq: sent.seq,
        text: 'Завтра сокращённые уроки',
      });
    }
    expect(await pushCount('failed')).toBe(0);
    expect(await pushCount('dropped')).toBe(0);
    // Socket delivery did not wait behind the pushes: each connected member had it first.
    const lastPush = Math.max(...got.map((p) => p.at));
    expect(arrived.length).toBe(3);
    for (const at of arrived) expect(at).toBeLessThan(lastPush);
    teacher.close();
    for (const c of connected) c.close();
  });

  it('keeps one waiting push per browser and chat, refuses beyond its bound, and counts every push', async () => {
    const sender = new PushSender(webpush.generateVAPIDKeys(), 'mailto:test@example.org', push.agent);
    const outcomes: PushOutcome[] = [];
    const queue = new PushQueue({
      send: async ({ to, message }) => {
        outcomes.push(await sender.send(to, message));
      },
      max: 50,
      parallel: 4,
    });
    const browsers = Array.from({ length: 100 }, (_, i) => push.browser(`bound-${i}`));
    const message = (text: string) => ({
      ttlSeconds: 60,
      urgency: 'normal' as const,
      topic: 'chat-of-the-bound-test',
      payload: JSON.stringify({ text }),
    });
    const tally = (texts: string[]) => {
      const t: Record<QueueOutcome, number> = { queued: 0, replaced: 0, dropped: 0 };
      for (const text of texts) {
        for (const b of browsers)
          t[
            queue.add({ endpoint: b.endpoint, userId: b.path, p256dh: b.p256dh, auth: b.auth }, message(text))
          ]++;
      }
      return t;
    };
    // Added in one turn of the event loop: the first 4 are taken to be sent,
    // the next 50 wait, the other 46 are refused. The second message replaces
    // the 50 waiting ones; for the 4 on their way and the 46 refused it is refused.
    expect(tally(['первое', 'второе'])).toEqual({ queued: 54, replaced: 50, dropped: 96 });
    await queue.idle();
    expect(outcomes).toEqual(Array(54).fill('sent'));
    const texts = browsers.map((b) => b.received().map((r) => (r.payload as { text: string }).text));
    expect(texts.slice(0, 4)).toEqual(Array(4).fill(['первое']));
    expect(texts.slice(4, 54)).toEqual(Array(50).fill(['второе']));
    expect(texts.slice(54)).toEqual(Array(46).fill([]));
    // Once sent, a browser's next push waits again.
    expect(tally(['третье'])).toEqual({ queued: 54, replaced: 0, dropped: 46 });
    await queue.idle();
    expect(outcomes.length).toBe(108);
  });
});
