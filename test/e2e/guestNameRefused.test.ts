// A guest who types the teacher's name on the join page (/j/<code>) while the
// teacher is in the lesson is refused with a Russian sentence saying why, on
// a phone and a laptop; guests carry a «гость» mark on their tiles and their
// lesson chat lines (issue #21, H4). The teacher is a real call participant;
// the guest uses the real pages in Chromium. Screenshots:
// test-artifacts/screenshots/{phone,laptop}-guest-{name-refused,marks,chat-marks}.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import {
  closePages,
  layoutReport,
  openPage,
  passDeviceCheck,
  screenshot,
  waitInCall,
} from '../helpers/callPage.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';
import { TestClient } from '../helpers/protocolClient.js';

let s: ChatTestServer;
let browser: Browser;
let teacher: TestClient;
let room: { id: string; code: string; password: string };
const TEACHER = 'Анна Петровна Волкова';

describe.skipIf(!chromiumAvailable())("a guest under the teacher's name", () => {
  beforeAll(async () => {
    s = await startChatServer();
    const res = await fetch(`${s.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({ id: 'gn-7a', title: 'Физика 7А' }),
    });
    room = (await res.json()) as typeof room;
    const tokenRes = await fetch(`${s.httpUrl}/api/rooms/${room.id}/tokens`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({ displayName: TEACHER, role: 'host', userId: 'gn-teacher' }),
    });
    const { token } = (await tokenRes.json()) as { token: string };
    teacher = await TestClient.connect(s.server.wsUrl);
    await teacher.request({ join: { roomId: room.id, token } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await closePages();
    await browser?.close();
    teacher?.close();
    await s?.stop();
  });

  for (const device of ['phone', 'laptop'] as const) {
    it(`is refused on a ${device} with a sentence in Russian`, { timeout: 60_000 }, async () => {
      const page = await openPage(browser, `${s.httpUrl}/j/${room.code}`, device);
      await page.getByLabel('Ваше имя и фамилия').fill('анна петровна  волкова');
      await page.getByLabel('Пароль').fill(room.password);
      await page.getByRole('button', { name: 'Продолжить' }).click();
      const alert = page.getByRole('alert');
      await alert.getByText('Это имя уже у одного из участников урока').waitFor();
      expect(page.url()).toContain(`/j/${room.code}`);
      await screenshot(page, `${device}-guest-name-refused`);
      expect((await layoutReport(page, [])).overflowX).toBe(0);
      // With something added to the name the guest gets in.
      await page.getByLabel('Ваше имя и фамилия').fill('Анна Петровна Волкова, мама Коли');
      await page.getByRole('button', { name: 'Продолжить' }).click();
      await page.waitForURL(/\/room\//);
    });
  }

  for (const device of ['phone', 'laptop'] as const) {
    it(
      `guests are marked «гость» on tiles and lesson chat lines (${device})`,
      { timeout: 90_000 },
      async () => {
        const id = `gn-marks-${device}`;
        const made = await fetch(`${s.httpUrl}/api/rooms`, {
          method: 'POST',
          headers: s.adminHeaders,
          body: JSON.stringify({ id, title: 'Родительское собрание', settings: { waitingRoom: 'off' } }),
        });
        const marks = (await made.json()) as typeof room;
        const tokenFor = async (displayName: string, role: string, userId?: string) => {
          const res = await fetch(`${s.httpUrl}/api/rooms/${id}/tokens`, {
            method: 'POST',
            headers: s.adminHeaders,
            body: JSON.stringify({ displayName, role, userId }),
          });
          return ((await res.json()) as { token: string }).token;
        };
        const host = await TestClient.connect(s.server.wsUrl);
        await host.request({ join: { roomId: id, token: await tokenFor(TEACHER, 'host', 'gn-teacher') } });
        await host.request({ chatSettings: { settings: { guestsMayWrite: true } } });
        let other: TestClient | null = null;
        try {
          const page = await openPage(browser, `${s.httpUrl}/j/${marks.code}`, device);
          await page.getByLabel('Ваше имя и фамилия').fill('Ирина Смирнова');
          await page.getByLabel('Пароль').fill(marks.password);
          await page.getByRole('button', { name: 'Продолжить' }).click();
          await page.waitForURL(/\/room\//);
          await passDeviceCheck(page);
          await waitInCall(page);
          // Connected just before joining: a socket that does not join within the deadline is closed.
          const token = await tokenFor('Папа Пети', 'guest');
          other = await TestClient.connect(s.server.wsUrl);
          await other.request({ join: { roomId: id, token } });
          const otherTile = page.locator('.tile', { has: page.locator('.name', { hasText: 'Папа Пети' }) });
          await otherTile.locator('.guest-mark', { hasText: 'гость' }).waitFor({ timeout: 20_000 });
          await page.locator('.tile.self .guest-mark', { hasText: 'гость' }).waitFor();
          const teacherTile = page.locator('.tile', { has: page.locator('.name', { hasText: TEACHER }) });
          expect(await teacherTile.locator('.guest-mark').count()).toBe(0);
          await screenshot(page, `${device}-guest-marks`);

          await other.request({
            chatSend: { text: 'Здравствуйте, я папа Пети', clientMessageId: `gm-${device}` },
          });
          await host.request({
            chatSend: { text: 'Добрый вечер, начинаем', clientMessageId: `hm-${device}` },
          });
          if (!(await page.locator('#panel-chat').isVisible())) await page.locator('#chat-button').click();
          const line = (text: string) =>
            page.locator('#panel-chat .msg').filter({ has: page.locator('.msg-text', { hasText: text }) });
          await line('Здравствуйте, я папа Пети')
            .locator('.msg-sender .guest-mark', { hasText: 'гость' })
            .waitFor();
          await line('Добрый вечер, начинаем').waitFor();
          expect(await line('Добрый вечер, начинаем').locator('.guest-mark').count()).toBe(0);
          await screenshot(page, `${device}-guest-chat-marks`);
          expect((await layoutReport(page, [])).overflowX).toBe(0);
        } finally {
          other?.close();
          host.close();
        }
      },
    );
  }
});
