// The demo school in the browser, as a newcomer meets it after run.sh: the
// /school-demo page lists classes and people; entering as a pupil opens their
// messenger with the class's chats and the lesson announced there, and the
// lesson's join button takes them into the call. Screenshots:
// laptop-school-demo, phone-school-demo, laptop-school-demo-pupil-chats,
// laptop-school-demo-lesson.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, openPage, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let browser: Browser;

describe.skipIf(!chromiumAvailable())('the demo school', () => {
  beforeAll(async () => {
    s = await startChatServer({ DEMO_SCHOOL: '1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await closePages();
    await browser?.close();
    await s?.stop();
  });

  it('is loaded at start: its classes, teachers, pupils and parents are listed', async () => {
    const res = await fetch(`${s.httpUrl}/api/demo/school`);
    const body = (await res.json()) as { classes: unknown[]; people: { role: string }[] };
    expect(body.classes).toHaveLength(4);
    expect(body.people.filter((p) => p.role === 'student')).toHaveLength(16);
    expect(body.people.filter((p) => p.role === 'parent')).toHaveLength(32);
    const phone = await openPage(browser, `${s.httpUrl}/school-demo`, 'phone');
    await phone.getByRole('heading', { name: 'Класс 5А' }).waitFor();
    await screenshot(phone, 'phone-school-demo');
    // Only the demo school's people can be entered as.
    const refused = await fetch(`${s.httpUrl}/api/demo/school/login`, {
      method: 'POST',
      body: JSON.stringify({ userId: 'someone-else' }),
    });
    expect(refused.status).toBe(404);
  });

  it('a pupil finds the class chats and the announced lesson, and joins the call from it', async () => {
    const page = await openPage(browser, `${s.httpUrl}/school-demo`, 'laptop');
    await page.getByRole('heading', { name: 'Класс 5А' }).waitFor();
    await screenshot(page, 'laptop-school-demo');
    await page.locator('[data-class="5a"] [data-person="demo-p1"]').click();
    await page.waitForURL(/\/messenger/);
    const chats = page.locator('[data-chat]');
    await expect.poll(() => chats.count()).toBeGreaterThanOrEqual(2);
    const titles = await chats.allTextContents();
    expect(titles.join(' ')).toContain('5А');
    expect(titles.join(' ')).not.toContain('родители');
    await page.locator('[data-chat]', { hasText: /^5А/ }).first().click();
    const join = page.getByRole('button', { name: /^Войти в звонок: Урок: / });
    await join.waitFor();
    await screenshot(page, 'laptop-school-demo-pupil-chats');
    await join.click();
    await page.waitForURL(/\/room\//);
    await page.getByRole('button', { name: 'Войти в урок' }).click();
    await page.locator('.call').waitFor();
    await screenshot(page, 'laptop-school-demo-lesson');
  });
});
