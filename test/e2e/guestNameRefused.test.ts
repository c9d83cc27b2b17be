// A guest who types the teacher's name on the join page (/j/<code>) while the
// teacher is in the lesson is refused with a Russian sentence saying why, on
// a phone and a laptop (issue #21, H4). The teacher is a real call
// participant; the guest uses the real page in Chromium. Screenshots:
// test-artifacts/screenshots/{phone,laptop}-guest-name-refused.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, layoutReport, openPage, screenshot } from '../helpers/callPage.js';
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
});
