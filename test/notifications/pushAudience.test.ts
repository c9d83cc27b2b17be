import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// A chat's push audience (members, mutes, quiet hours, browsers) is read once
// and kept between its messages, yet each change counts from the very next
// message: a mute, quiet hours, a new browser and a removed member, each made
// while the chat's audience is held (the cache keeps it 10 s).
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

async function metric(name: string, result: string): Promise<number> {
  const m = await s.server.metrics.registry.getSingleMetric(name)?.get();
  return m?.values.find((v) => v.labels.result === result)?.value ?? 0;
}
const pushes = (result: string) => metric('school_call_push_notifications_total', result);
const audiences = (result: string) => metric('school_call_push_audiences_total', result);

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the push audience cache', () => {
  it('keeps a chat’s audience between messages, and a mute, quiet hours, a new browser or a removal counts at once', async () => {
    const teacher = await s.client({ userId: 'aud-anna', displayName: 'Анна Сергеевна', role: 'teacher' });
    const vera = await s.client({ userId: 'aud-vera', displayName: 'Вера Смирнова', role: 'parent' });
    const oleg = await s.client({ userId: 'aud-oleg', displayName: 'Олег Петров', role: 'parent' });
    const veraPhone = push.browser('aud-vera-phone');
    await vera.request({
      savePushSubscription: { endpoint: veraPhone.endpoint, p256dh: veraPhone.p256dh, auth: veraPhone.auth },
    });
    const chatId = (
      await teacher.request({ createChat: { title: 'Родители 6В', members: ['aud-vera', 'aud-oleg'] } })
    ).chat!.chatId!;
    const texts = () => veraPhone.received().map((r) => (r.payload as { text: string }).text);

    // Three messages: the audience is read for the first and kept for the next two.
    const read = await audiences('read');
    const kept = await audiences('kept');
    for (const [i, text] of ['Первое', 'Второе', 'Третье'].entries()) {
      await teacher.send(chatId, text);
      await until(() => veraPhone.received().length === i + 1, `notification ${i + 1}`);
    }
    expect(await audiences('read')).toBe(read + 1);
    expect(await audiences('kept')).toBe(kept + 2);

    // Muted: the next message is held back, though the audience was kept a moment ago.
    const muted = await pushes('muted');
    await vera.request({ muteChat: { chatId, muted: true, until: 0 } });
    await teacher.send(chatId, 'Пока без звука');
    await until(async () => (await pushes('muted')) === muted + 1, 'the mute counted');
    await vera.request({ muteChat: { chatId, muted: false } });
    await teacher.send(chatId, 'Звук снова включён');
    await until(() => veraPhone.received().length === 4, 'the notification after the mute');

    // Quiet hours around now (UTC): held back; cleared: the next one arrives.
    const hh = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    const hour = new Date().getUTCHours();
    const quiet = await pushes('quiet');
    await vera.request({
      setQuietHours: { quietHours: { from: hh(hour - 1), to: hh(hour + 2), timeZone: 'UTC' } },
    });
    await teacher.send(chatId, 'Поздно вечером');
    await until(async () => (await pushes('quiet')) === quiet + 1, 'the quiet hours counted');
    await vera.request({ setQuietHours: { quietHours: {} } });

    // A browser turned on now gets the next message.
    const olegLaptop = push.browser('aud-oleg-laptop');
    await oleg.request({
      savePushSubscription: {
        endpoint: olegLaptop.endpoint,
        p256dh: olegLaptop.p256dh,
        auth: olegLaptop.auth,
      },
    });
    await teacher.send(chatId, 'Утром');
    await until(() => olegLaptop.received().length === 1, 'the new browser’s notification');
    await until(() => veraPhone.received().length === 5, 'the notification after quiet hours');

    // Removed from the chat: nothing more, though the audience held him.
    await teacher.request({ removeMember: { chatId, userId: 'aud-oleg' } });
    await teacher.send(chatId, 'Только для оставшихся');
    await until(() => veraPhone.received().length === 6, 'the notification after the removal');
    await s.server.notifications!.notifier.idle();
    expect(olegLaptop.received().length).toBe(1);
    expect(texts()).toEqual([
      'Первое',
      'Второе',
      'Третье',
      'Звук снова включён',
      'Утром',
      'Только для оставшихся',
    ]);
    teacher.close();
    vera.close();
    oleg.close();
  });
});
