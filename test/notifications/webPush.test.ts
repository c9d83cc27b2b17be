// Notifications through a real push service on loopback: a parent's browser
// subscribes over the messenger socket, the teacher writes, and the push
// service receives a VAPID-signed, aes128gcm-encrypted notification that the
// browser's keys decrypt to the message. Authors, quiet hours, muted chats,
// gone browsers, and subscriptions a server must refuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, cpb, startChatServer } from '../helpers/chatServer.js';
import { type LocalPushService, startPushService } from '../helpers/pushService.js';

let push: LocalPushService;
let s: ChatTestServer;
const anna = { userId: 'anna', displayName: 'Анна Сергеевна', role: 'teacher' as const };
const vera = { userId: 'vera', displayName: 'Вера Смирнова', role: 'parent' as const };
const oleg = { userId: 'oleg', displayName: 'Олег Петров', role: 'parent' as const };

beforeAll(async () => {
  push = await startPushService();
  s = await startChatServer({ PUSH_SERVICE_HOSTS: push.host }, { extras: { pushAgent: push.agent } });
  for (const p of [anna, vera, oleg]) await s.token(p);
});
afterAll(async () => {
  await s?.stop();
  await push?.close();
});

async function pushCount(result: string): Promise<number> {
  const m = await s.server.metrics.registry.getSingleMetric('school_call_push_notifications_total')?.get();
  return m?.values.find((v) => v.labels.result === result)?.value ?? 0;
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('notifications (Web Push)', () => {
  it('tells a parent of the teacher’s message, encrypted to their browser, and never the author', async () => {
    const teacher = await s.client(anna);
    const parent = await s.client(vera);
    const key = (await parent.request({ getPushKey: {} })).pushKey!.publicKey!;
    expect(Buffer.from(key, 'base64url').length).toBe(65);

    const phone = push.browser('vera-phone');
    const laptop = push.browser('anna-laptop');
    await parent.request({
      savePushSubscription: { endpoint: phone.endpoint, p256dh: phone.p256dh, auth: phone.auth },
    });
    await teacher.request({
      savePushSubscription: { endpoint: laptop.endpoint, p256dh: laptop.p256dh, auth: laptop.auth },
    });

    const chatId = (await teacher.request({ createChat: { title: 'Родители 5А', members: ['vera'] } })).chat!
      .chatId!;
    const sent = await teacher.send(chatId, 'Собрание в четверг в 18:00, кабинет 12');
    await until(() => phone.received().length === 1, 'the parent’s notification');
    const got = phone.received()[0]!;
    expect(got.payload).toMatchObject({
      v: 1,
      kind: 'message',
      chat: chatId,
      seq: sent.seq,
      chatTitle: 'Родители 5А',
      author: 'Анна Сергеевна',
      text: 'Собрание в четверг в 18:00, кабинет 12',
      url: `/messenger#chat=${encodeURIComponent(chatId)}`,
      mention: false,
    });
    // Signed with the key the browser subscribed with; kept a day; a chat's newer news replaces older.
    expect(got.headers.authorization).toContain(`k=${key}`);
    expect(got.headers['content-encoding']).toBe('aes128gcm');
    expect(got.headers.ttl).toBe('86400');
    expect(got.headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // An edit is not news, and the author is never told of their own message.
    await teacher.request({ editMessage: { chatId, seq: sent.seq, text: 'Собрание в пятницу в 18:00' } });
    await teacher.send(chatId, 'Не забудьте сменную обувь');
    await until(() => phone.received().length === 2, 'the second notification');
    expect((phone.received()[1]!.payload as { text: string }).text).toBe('Не забудьте сменную обувь');
    expect(laptop.received()).toEqual([]);
    // A message that mentions her says so (only in her own notification).
    await teacher.request({
      sendMessage: {
        chatId,
        clientMessageId: 'mention-1',
        text: '@Вера Смирнова, подпишите',
        mentions: ['vera'],
      },
    });
    await until(() => phone.received().length === 3, 'the mention');
    expect(phone.received()[2]!.payload).toMatchObject({ text: '@Вера Смирнова, подпишите', mention: true });
  });

  it('keeps quiet in the person’s quiet hours, and drops a browser its push service says is gone', async () => {
    const teacher = await s.client(anna);
    const parent = await s.client(oleg);
    const gone = push.browser('oleg-old-phone', { gone: true });
    await parent.request({
      savePushSubscription: { endpoint: gone.endpoint, p256dh: gone.p256dh, auth: gone.auth },
    });
    const chatId = (await teacher.request({ createChat: { title: '5А', members: ['oleg'] } })).chat!.chatId!;
    const goneBefore = await pushCount('gone');
    await teacher.send(chatId, 'Завтра экскурсия');
    await until(async () => (await pushCount('gone')) === goneBefore + 1, 'the gone browser');

    const phone = push.browser('oleg-phone');
    await parent.request({
      savePushSubscription: { endpoint: phone.endpoint, p256dh: phone.p256dh, auth: phone.auth },
    });
    // Quiet hours around now (UTC): nothing reaches the phone.
    const hh = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    const now = new Date().getUTCHours();
    await parent.request({
      setQuietHours: { quietHours: { from: hh(now - 1), to: hh(now + 2), timeZone: 'UTC' } },
    });
    const quietBefore = await pushCount('quiet');
    const sentBefore = push.all.length;
    await teacher.send(chatId, 'Поздний вопрос про экскурсию');
    await until(async () => (await pushCount('quiet')) === quietBefore + 1, 'the quiet-hours hold');
    // The gone browser was dropped: the server did not try it again.
    expect(await pushCount('gone')).toBe(goneBefore + 1);
    expect(push.all.length).toBe(sentBefore);
    expect(phone.received()).toEqual([]);
    // Out of quiet hours the next one arrives.
    await parent.request({ setQuietHours: { quietHours: {} } });
    await teacher.send(chatId, 'Сбор в 9:00');
    await until(() => phone.received().length === 1, 'the notification after quiet hours');
  });

  it('pushes nothing from a chat the person muted, until they turn its sound back on', async () => {
    const teacher = await s.client(anna);
    const parent = await s.client(vera);
    const phone = push.browser('vera-phone-mute');
    await parent.request({
      savePushSubscription: { endpoint: phone.endpoint, p256dh: phone.p256dh, auth: phone.auth },
    });
    const chatId = (await teacher.request({ createChat: { title: '7В', members: ['vera'] } })).chat!.chatId!;
    const other = (await teacher.request({ createChat: { title: '7Г', members: ['vera'] } })).chat!.chatId!;
    const prefs = (
      await parent.request({ muteChat: { chatId, muted: true, until: Date.now() + 8 * 3600_000 } })
    ).prefs!;
    expect(prefs.mutedChats?.map((m) => m.chatId)).toEqual([chatId]);
    const mutedBefore = await pushCount('muted');
    await teacher.send(chatId, 'Фото с праздника в папке');
    await until(async () => (await pushCount('muted')) === mutedBefore + 1, 'the muted chat held back');
    // The other chat still reaches her, and it is the only one that did.
    await teacher.send(other, 'Родительское собрание завтра');
    await until(() => phone.received().length === 1, 'the other chat’s notification');
    expect((phone.received()[0]!.payload as { chat: string }).chat).toBe(other);
    // For good, then sound on again: the next message arrives.
    await parent.request({ muteChat: { chatId, muted: true, until: 0 } });
    expect((await parent.request({ getPrefs: {} })).prefs!.mutedChats).toEqual([{ chatId, until: 0 }]);
    await parent.request({ muteChat: { chatId, muted: false } });
    await teacher.send(chatId, 'Сбор у школы в 8:30');
    await until(() => phone.received().length === 2, 'the notification after unmuting');
    expect((phone.received()[1]!.payload as { chat: string }).chat).toBe(chatId);
    // A time in the past, or a chat not hers, is refused and changes nothing.
    const refused = (body: Record<string, unknown>) => parent.request({ muteChat: body }).catch((e) => e);
    expect(await refused({ chatId, muted: true, until: Date.now() - 1000 })).toBeInstanceOf(Error);
    expect(await refused({ chatId: 'g.nosuchchat', muted: true })).toBeInstanceOf(Error);
    expect((await parent.request({ getPrefs: {} })).prefs!.mutedChats ?? []).toEqual([]);
  });

  it('refuses subscriptions the server must not post to, with typed errors, saving nothing', async () => {
    const parent = await s.client(vera);
    const ok = push.browser('vera-tablet');
    const offCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url');
    const bad: cpb.ISavePushSubscriptionRequest[] = [
      { ...ok, endpoint: ok.endpoint.replace('https:', 'http:') },
      { ...ok, endpoint: 'https://10.0.0.7/internal-admin' },
      { ...ok, endpoint: 'https://user:pw@127.0.0.1/x' },
      { ...ok, endpoint: 'not a url' },
      { ...ok, endpoint: `https://127.0.0.1/${'a'.repeat(2000)}` },
      { ...ok, p256dh: ok.p256dh.slice(4) },
      // 65 bytes, but not a point on P-256: every notification to it would fail (attack 6, 4c).
      { ...ok, p256dh: offCurve },
      // The allowed host on a port the operator did not name.
      { ...ok, endpoint: ok.endpoint.replace(/:\d+\//, ':8443/') },
      { ...ok, endpoint: ok.endpoint.replace(/:\d+\//, '/') },
      { ...ok, auth: `${ok.auth}!!` },
      {},
    ];
    const before = await s.rejected('invalid_argument');
    for (const b of bad) {
      await expect(parent.request({ savePushSubscription: b })).rejects.toMatchObject({
        code: cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT,
      });
    }
    expect(await s.rejected('invalid_argument')).toBe(before + bad.length);
    const stored = await s.server.database!.query(
      "SELECT endpoint FROM notifications.subscription WHERE endpoint NOT LIKE 'https://127.0.0.1:%/push/%'",
    );
    expect(stored.rows).toEqual([]);
    const offCurveKept = await s.server.database!.query(
      'SELECT 1 FROM notifications.subscription WHERE p256dh = $1',
      [offCurve],
    );
    expect(offCurveKept.rows).toEqual([]);
  });
});
