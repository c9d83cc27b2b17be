import type { Browser, Page } from 'playwright-core';
// The lesson's chat inside the call, in the browser, through the real web
// client and server: a teacher on a laptop and a pupil on a phone exchange
// messages, a reply, an edit, a reaction (drawn as an icon), a pin and an
// attachment with its upload; the unread count shows on the chat button; a
// guest reads but cannot write until the teacher allows it, and sees why; a
// change the page missed is fetched again when the next one reveals the gap;
// after the call the end screen leads to the chat in the messenger.
// Screenshots: test-artifacts/screenshots/{laptop,phone}-lesson-chat-*.png.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, enterCall, layoutReport, openPage, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';
import { TestClient } from '../helpers/protocolClient.js';

let s: ChatTestServer;
let browser: Browser;
let teacher: Page;
let pupil: Page;
let guestPage: Page | undefined;
const ROOM = 'bio-6a';
const TEACHER = { userId: 'lc-t', displayName: 'Ирина Сергеевна', sortName: 'Кузнецова Ирина' };
const PUPIL = {
  userId: 'lc-p',
  displayName: 'Маша Егорова',
  sortName: 'Егорова Маша',
  role: 'student' as const,
};

async function joinUrl(
  displayName: string,
  role: string,
  userId?: string,
  sortName?: string,
): Promise<string> {
  const res = await fetch(`${s.httpUrl}/api/rooms/${ROOM}/tokens`, {
    method: 'POST',
    headers: s.adminHeaders,
    body: JSON.stringify({ displayName, role, userId, sortName }),
  });
  const { joinUrl: url } = (await res.json()) as { joinUrl: string };
  return `${s.httpUrl}${new URL(url).pathname}${new URL(url).hash}`;
}

async function openChat(page: Page): Promise<void> {
  if (!(await page.locator('#panel-chat').isVisible())) await page.locator('#chat-button').click();
  await page.locator('#panel-chat .chat-panel').waitFor();
}

const bubble = (page: Page, text: string) =>
  page.locator('#panel-chat .msg').filter({ has: page.locator('.msg-text', { hasText: text }) });

async function messageAction(page: Page, text: string, action: string): Promise<void> {
  await bubble(page, text).getByRole('button', { name: 'Действия с сообщением' }).click();
  await page.locator(`.menu [data-action="${action}"]`).click();
}

async function send(page: Page, text: string): Promise<void> {
  await page.fill('#chat-text', text);
  await page.click('#chat-send');
  await bubble(page, text).waitFor();
}

describe.skipIf(!chromiumAvailable())('the lesson chat in the call', () => {
  beforeAll(async () => {
    s = await startChatServer();
    const created = await fetch(`${s.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({ id: ROOM, title: 'Биология 6А', settings: { waitingRoom: 'off' } }),
    });
    expect(created.status).toBe(201);
    browser = await launchChromium();
    teacher = await enterCall(
      browser,
      await joinUrl(TEACHER.displayName, 'host', TEACHER.userId, TEACHER.sortName),
    );
    pupil = await enterCall(
      browser,
      await joinUrl(PUPIL.displayName, 'participant', PUPIL.userId, PUPIL.sortName),
      'phone',
    );
  });
  afterAll(async () => {
    await closePages();
    await browser?.close();
    await s?.stop();
  });

  it('a pupil and a teacher write, reply, edit, react, pin and attach a file', async () => {
    await openChat(pupil);
    await screenshot(pupil, 'phone-lesson-chat-empty');
    await send(pupil, 'Здравствуйте! Можно вопрос про клетку?');
    // The teacher has not opened the chat: the button counts what is unread.
    await expect.poll(() => teacher.locator('#chat-button .count-badge').textContent()).toBe('1');
    await screenshot(teacher, 'laptop-lesson-chat-unread');
    await openChat(teacher);
    await expect.poll(() => teacher.locator('#chat-button .count-badge').count()).toBe(0);
    await messageAction(teacher, 'Можно вопрос про клетку?', 'reply');
    await teacher.locator('.composer-context', { hasText: 'Ответ для Маша Егорова' }).waitFor();
    await send(teacher, 'Да, конечно. Спрашивай!');
    await pupil.locator('.msg-reply', { hasText: 'Можно вопрос про клетку?' }).waitFor();
    // A reaction, drawn as an icon with its count, on both sides.
    await bubble(teacher, 'Можно вопрос про клетку?')
      .getByRole('button', { name: 'Действия с сообщением' })
      .click();
    await teacher.locator('.menu .reaction-pick [data-emoji="👍"]').click();
    for (const page of [teacher, pupil]) {
      const r = bubble(page, 'Можно вопрос про клетку?').locator('.msg-reaction[data-emoji="👍"]');
      await expect.poll(() => r.locator('.reaction-count').textContent()).toBe('1');
      expect(await r.locator('svg.reaction-icon').count()).toBe(1);
    }
    // The pupil edits their own message.
    await messageAction(pupil, 'Можно вопрос про клетку?', 'edit');
    await pupil.fill('#chat-text', 'Здравствуйте! Почему у растительной клетки есть стенка?');
    await pupil.click('#chat-send');
    await bubble(teacher, 'Почему у растительной клетки есть стенка?')
      .locator('.msg-meta', { hasText: 'изменено' })
      .waitFor();
    // An attachment: an image, uploaded with progress, previewed for the teacher.
    const image = await sharp({
      create: { width: 640, height: 400, channels: 3, background: { r: 60, g: 160, b: 90 } },
    })
      .png()
      .toBuffer();
    await pupil.setInputFiles('#chat-file', { name: 'клетка.png', mimeType: 'image/png', buffer: image });
    await teacher.locator('#panel-chat .file-name', { hasText: 'клетка.png' }).waitFor({ timeout: 20_000 });
    await teacher.locator('#panel-chat .file-preview img').waitFor({ timeout: 20_000 });
    await expect
      .poll(() =>
        teacher.locator('#panel-chat .file-preview img').evaluate((i: HTMLImageElement) => i.naturalWidth),
      )
      .toBeGreaterThan(0);
    // The teacher pins the answer; the pupil sees it on top.
    await messageAction(teacher, 'Да, конечно. Спрашивай!', 'pin');
    await pupil.locator('#chat-pinned', { hasText: 'Да, конечно' }).waitFor();
    await screenshot(teacher, 'laptop-lesson-chat');
    await screenshot(pupil, 'phone-lesson-chat');
    const phone = await layoutReport(pupil, [TEACHER.displayName, PUPIL.displayName, 'png']);
    expect(phone.overflowX).toBe(0);
    expect(phone.controlsInView).toBe(true);
    expect(phone.englishWords).toEqual([]);
    // The pupil deletes a message for everyone.
    await send(pupil, 'Ой, не туда');
    await messageAction(pupil, 'Ой, не туда', 'delete');
    await teacher.locator('#panel-chat .msg-text.deleted').waitFor();
  });

  it('a change the page missed is fetched again when the next change reveals the gap', async () => {
    // The pupil's page drops the next chat event, as if it were lost between hosts.
    await pupil.evaluate(() => {
      const chat = (window as unknown as { schoolChat: { onEvent(e: unknown): void; syncCount: number } })
        .schoolChat;
      const original = chat.onEvent.bind(chat);
      let dropped = false;
      chat.onEvent = (e: unknown) => {
        if (!dropped && (e as { chatMessage?: unknown }).chatMessage) {
          dropped = true;
          return;
        }
        original(e);
      };
    });
    const syncsBefore = await pupil.evaluate(
      () => (window as unknown as { schoolChat: { syncCount: number } }).schoolChat.syncCount,
    );
    await send(teacher, 'Клеточная стенка держит форму клетки.');
    // The lost message is not shown yet: nothing has revealed the gap.
    await teacher.waitForTimeout(300);
    expect(await bubble(pupil, 'Клеточная стенка держит форму').count()).toBe(0);
    await send(teacher, 'Запишите в тетрадь.');
    await bubble(pupil, 'Клеточная стенка держит форму').waitFor();
    await bubble(pupil, 'Запишите в тетрадь.').waitFor();
    expect(
      await pupil.evaluate(
        () => (window as unknown as { schoolChat: { syncCount: number } }).schoolChat.syncCount,
      ),
    ).toBeGreaterThan(syncsBefore);
  });

  it('a guest reads, cannot write until the teacher allows it, and sees why', async () => {
    const guest = await enterCall(browser, await joinUrl('Бабушка Маши', 'guest'), 'phone');
    await openChat(guest);
    await bubble(guest, 'Запишите в тетрадь.').waitFor();
    await guest.locator('#chat-blocked', { hasText: 'только когда учитель разрешит' }).waitFor();
    expect(await guest.locator('#chat-text').count()).toBe(0);
    await screenshot(guest, 'phone-lesson-chat-guest-read-only');
    await teacher.locator('.chat-switches summary').click();
    await teacher.locator('#chat-guests-write').check();
    await guest.locator('#chat-text').waitFor();
    await send(guest, 'Спасибо, Ирина Сергеевна!');
    await bubble(teacher, 'Спасибо, Ирина Сергеевна!').waitFor();
    // Read-only for everyone but the teachers.
    await teacher.locator('#chat-read-only').check();
    await pupil.locator('#chat-blocked', { hasText: 'только для чтения' }).waitFor();
    await screenshot(teacher, 'laptop-lesson-chat-switches');
    await teacher.locator('#chat-read-only').uncheck();
    await pupil.locator('#chat-text').waitFor();
    // Kept open to see the end screen a guest gets.
    guestPage = guest;
  });

  // 55 messages and a call to enter: slower than the default minute on a loaded machine.
  it(
    'a newcomer sees the latest page and pages back to the start of the lesson',
    { timeout: 120_000 },
    async () => {
      // The teacher's messenger account writes in the same chat (she is its admin).
      const api = await s.client(TEACHER);
      for (let i = 1; i <= 55; i++) await api.send(`room.${ROOM}`, `Вопрос ${i} к параграфу`);
      api.close();
      const late = await enterCall(
        browser,
        await joinUrl('Вова Ким', 'participant', 'lc-late', 'Ким Вова'),
        'phone',
      );
      await openChat(late);
      await bubble(late, 'Вопрос 55 к параграфу').waitFor();
      expect(await bubble(late, 'Почему у растительной клетки есть стенка?').count()).toBe(0);
      await late.click('#chat-older');
      await bubble(late, 'Почему у растительной клетки есть стенка?').waitFor();
      await expect.poll(() => late.locator('#chat-older').count()).toBe(0);
      await late.context().close();
    },
  );

  it('after the call the end screen leads to the lesson chat in the messenger', async () => {
    const host = await TestClient.connect(s.server.wsUrl);
    const token = new URL(await joinUrl(TEACHER.displayName, 'host', TEACHER.userId)).hash.slice(7);
    await host.request({ join: { roomId: ROOM, token } });
    await host.request({ endCall: {} });
    host.close();
    const link = pupil.locator('#chat-after-open');
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/messenger#chat=room.${ROOM}`);
    await screenshot(pupil, 'phone-lesson-chat-after-call');
    // A guest has no messenger: the end screen offers only to save the messages.
    const guest = guestPage!;
    await guest.locator('#chat-after-download').waitFor();
    await guest.getByText('У гостей нет школьного мессенджера', { exact: false }).waitFor();
    expect(await guest.locator('#chat-after-open').count()).toBe(0);
    await screenshot(guest, 'phone-lesson-chat-after-call-guest');
    // The pupil's messenger account (same user id) has the lesson chat with its history.
    const messenger = await openPage(
      browser,
      `${s.httpUrl}/messenger#token=${await s.token(PUPIL)}&chat=room.${ROOM}`,
      'phone',
    );
    await messenger.locator('.msg-text', { hasText: 'Вопрос 55 к параграфу' }).waitFor();
    await screenshot(messenger, 'phone-lesson-chat-in-messenger');
  });
});
