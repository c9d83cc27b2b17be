// Notifications in the browser, as a parent on a phone and a teacher on a
// laptop: the messenger offers "Уведомления", asks the browser's permission
// and registers the service worker; a notification the server sent (read off
// a local push service, decrypted as the browser would) shows with the
// chat's name and the teacher's words when the service worker gets it, and
// not while the messenger is in front. Headless Chromium cannot reach its
// push service (FCM) here, so its subscribe step fails; the page says so
// plainly, and the server's half is tested in test/notifications/.
// Screenshots: phone-notifications-panel, laptop-notifications-panel.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushPayload } from '../../notifications/notifier.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, type TestPerson, startChatServer } from '../helpers/chatServer.js';
import { type LocalPushService, startPushService } from '../helpers/pushService.js';

let s: ChatTestServer;
let push: LocalPushService;
let browser: Browser;
const contexts: BrowserContext[] = [];
const anna = { userId: 'anna', displayName: 'Анна Сергеевна', role: 'teacher' as const };
const vera = { userId: 'vera', displayName: 'Вера Смирнова', role: 'parent' as const };

const DEVICES = {
  laptop: { viewport: { width: 1366, height: 768 } },
  phone: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true },
} as const;

async function messenger(p: TestPerson, device: keyof typeof DEVICES): Promise<Page> {
  const context = await browser.newContext(DEVICES[device]);
  contexts.push(context);
  await context.grantPermissions(['notifications'], { origin: s.httpUrl });
  const page = await context.newPage();
  await page.goto(`${s.httpUrl}/messenger#token=${await s.token(p)}`);
  await page.locator('[data-chat]').first().waitFor();
  return page;
}

describe.skipIf(!chromiumAvailable())('notifications in the browser', () => {
  beforeAll(async () => {
    push = await startPushService();
    s = await startChatServer({ PUSH_SERVICE_HOSTS: push.host }, { extras: { pushAgent: push.agent } });
    for (const p of [anna, vera]) await s.token(p);
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await s?.stop();
    await push?.close();
  });

  it('a parent turns them on from the messenger, and a teacher’s message shows as a notification', async () => {
    const teacher = await s.client(anna);
    const chatId = (await teacher.request({ createChat: { title: 'Родители 5А', members: ['vera'] } })).chat!
      .chatId!;
    // The manifest makes the messenger installable on a phone's home screen.
    const manifest = await fetch(`${s.httpUrl}/static/manifest.webmanifest`);
    expect(manifest.headers.get('content-type')).toBe('application/manifest+json');
    expect(await manifest.json()).toMatchObject({
      start_url: '/messenger',
      display: 'standalone',
      lang: 'ru',
    });

    const page = await messenger(vera, 'phone');
    await page.getByRole('button', { name: 'Уведомления' }).click();
    await page.getByText('Уведомления на этом устройстве выключены').waitFor();
    await page.getByRole('button', { name: 'Включить уведомления на этом устройстве' }).click();
    // The service worker is in place, whatever the push service answers.
    await page.waitForFunction(
      async () => Boolean(await navigator.serviceWorker.getRegistration('/')),
      null,
      {
        timeout: 15_000,
      },
    );
    // Here the browser cannot reach its push service: the page says it could not, in words.
    await page
      .getByText('Браузер не смог подключиться к своей службе уведомлений')
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'phone-notifications-panel');

    // What the server sends the parent's browsers (a browser subscribed at the local push service).
    const parentApi = await s.client(vera);
    const phone = push.browser('vera-phone');
    await parentApi.request({
      savePushSubscription: { endpoint: phone.endpoint, p256dh: phone.p256dh, auth: phone.auth },
    });
    await teacher.send(chatId, 'Собрание в четверг в 18:00');
    const deadline = Date.now() + 10_000;
    while (phone.received().length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const payload = JSON.stringify(phone.received()[0]!.payload);

    // The service worker gets it as the browser would after decrypting it.
    const cdp = await page.context().newCDPSession(page);
    const registrations = new Promise<string>((resolve) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
        const r = e.registrations.find((x) => x.scopeURL === `${s.httpUrl}/` && !x.isDeleted);
        if (r) resolve(r.registrationId);
      }),
    );
    await cdp.send('ServiceWorker.enable');
    const registrationId = await registrations;
    const shown = () =>
      page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
        })),
      );
    // While the messenger is in front, its own list shows the news: no notification.
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: s.httpUrl, registrationId, data: payload });
    await page.waitForTimeout(500);
    expect(await shown()).toEqual([]);
    // With the messenger closed (the parent is on another page of the site), it shows.
    await page.goto(`${s.httpUrl}/`);
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: s.httpUrl, registrationId, data: payload });
    await page.waitForFunction(
      async () => (await (await navigator.serviceWorker.ready).getNotifications()).length > 0,
      null,
      { timeout: 10_000 },
    );
    await expect
      .poll(shown)
      .toEqual([{ title: 'Родители 5А', body: 'Анна Сергеевна: Собрание в четверг в 18:00' }]);
    // A lesson reminder (what notifications/lessonReminders.ts sends; its server side:
    // test/notifications/lessonReminder.test.ts) says how soon, in words.
    const reminder: PushPayload = {
      v: 1,
      kind: 'lesson',
      chat: chatId,
      seq: 0,
      chatTitle: 'Родители 5А',
      direct: false,
      author: '',
      text: 'Родительское собрание',
      files: 0,
      poll: '',
      url: `/messenger#chat=${encodeURIComponent(chatId)}`,
      startsAt: Date.now() + 15 * 60_000 + 20_000,
    };
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: s.httpUrl,
      registrationId,
      data: JSON.stringify(reminder),
    });
    // Chromium's list of shown notifications is briefly empty while one is added: ask until it settles.
    await expect.poll(shown, { timeout: 10_000 }).toContainEqual({
      title: 'Урок через 15 минут',
      body: 'Родительское собрание · Родители 5А',
    });
  });

  it('a teacher on a laptop sees the same control, and that quiet hours hold notifications', async () => {
    const teacherApi = await s.client(anna);
    await teacherApi.request({
      setQuietHours: { quietHours: { from: '21:00', to: '08:00', timeZone: 'Europe/Moscow' } },
    });
    const page = await messenger(anna, 'laptop');
    await page.getByRole('button', { name: 'Уведомления' }).click();
    await page.getByRole('button', { name: 'Включить уведомления на этом устройстве' }).waitFor();
    await page.getByText('В ваши тихие часы уведомления не приходят.').waitFor();
    await screenshot(page, 'laptop-notifications-panel');
  });
});
