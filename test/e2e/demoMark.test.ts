// "The demo stays a demo … every demo page says «Демо» plainly" (#23): on a
// server started as run.sh --demo starts it (DEMO_SCHOOL=1, DEMO_ROOM=demo),
// a newcomer goes from the home page to the demo school, enters as a pupil,
// opens the messenger, joins the announced lesson (its entry page and the
// call), opens the page for joining by code and a broadcast's viewer page:
// each shows the «Демо» mark, on top of everything at its place, at 360 px
// and 1366 px; in English it says "Demo". (A server without the demo has no
// mark: cookieAndExpiry.test.ts.) Screenshots: {phone,laptop}-demo-mark-{home,
// school,messenger,entry,call,join,viewer}, phone-demo-mark-english.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, openPage, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let browser: Browser;
let viewerUrl: string;

/** The mark is there, says `word`, is at the top of the window, and nothing covers it. */
async function marked(page: Page, word = 'Демо'): Promise<void> {
  const mark = page.locator('[data-demo-mark]');
  await mark.waitFor({ state: 'visible', timeout: 15_000 });
  // What the eye reads (innerText leaves out the other language's hidden words).
  await expect.poll(() => mark.evaluate((e) => (e as HTMLElement).innerText)).toBe(word);
  expect(await mark.getAttribute('role')).toBe('note');
  const box = (await mark.boundingBox())!;
  expect(box.y).toBe(0);
  expect(box.width).toBeGreaterThan(20);
  const onTop = await page.evaluate(
    // Clicks go through the mark; for the hit test it takes them for a moment.
    ([x, y]) => {
      const m = document.querySelector<HTMLElement>('[data-demo-mark]')!;
      m.style.pointerEvents = 'auto';
      const hit = Boolean(document.elementFromPoint(x!, y!)?.closest('[data-demo-mark]'));
      m.style.pointerEvents = '';
      return hit;
    },
    [box.x + box.width / 2, box.y + box.height / 2],
  );
  expect(onTop, 'something covers the mark').toBe(true);
  // And the mark covers nothing one can use: the page made room for it at its
  // top (a page scrolled down passes under it, as under any fixed header).
  await page.evaluate(() => window.scrollTo(0, 0));
  const under = await page.evaluate((m) => {
    const hit: string[] = [];
    for (const e of document.querySelectorAll<HTMLElement>(
      'a, button, input, textarea, h1, [role="button"]',
    )) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(e).visibility === 'hidden') continue;
      if (r.top < m.y + m.height - 0.5 && r.bottom > m.y && r.left < m.x + m.width && r.right > m.x) {
        hit.push(e.getAttribute('aria-label') ?? e.textContent?.trim() ?? e.tagName);
      }
    }
    return hit;
  }, box);
  expect(under, 'under the mark').toEqual([]);
}

describe.skipIf(!chromiumAvailable())('«Демо» on every page of a demo server', () => {
  beforeAll(async () => {
    s = await startChatServer({ DEMO_SCHOOL: '1', DEMO_ROOM: 'demo' });
    const start = new Date(Date.now() + 3600_000).toLocaleString('sv-SE', { timeZone: 'Europe/Moscow' });
    const meeting = await fetch(`${s.httpUrl}/api/meetings`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({
        title: 'Открытый урок',
        startsAt: start.slice(0, 16).replace(' ', 'T'),
        timeZone: 'Europe/Moscow',
        durationMinutes: 45,
        broadcast: true,
      }),
    });
    expect(meeting.status).toBe(201);
    const url = new URL(((await meeting.json()) as { broadcastUrl: string }).broadcastUrl);
    viewerUrl = `${s.httpUrl}${url.pathname}`;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await closePages();
    await browser?.close();
    await s?.stop();
  });

  for (const device of ['phone', 'laptop'] as const) {
    it(`${device}: home, demo school, messenger, the lesson's entry and call, join by code, a broadcast`, async () => {
      const page = await openPage(browser, `${s.httpUrl}/`, device);
      await marked(page);
      await screenshot(page, `${device}-demo-mark-home`);

      await page.getByRole('link', { name: 'Демо: войти как учитель, ученик или родитель' }).click();
      await page.getByRole('heading', { name: 'Класс 5А' }).waitFor();
      await marked(page);
      await screenshot(page, `${device}-demo-mark-school`);

      await page.locator('[data-class="5a"] [data-person="demo-p1"]').click();
      await page.waitForURL(/\/messenger/);
      await page.locator('[data-chat]', { hasText: /^5А/ }).first().click();
      const join = page.getByRole('button', { name: /^Войти в звонок: Урок: / });
      await join.waitFor();
      await marked(page);
      await screenshot(page, `${device}-demo-mark-messenger`);

      await join.click();
      await page.waitForURL(/\/room\//);
      const enter = page.getByRole('button', { name: 'Войти в урок' });
      await enter.waitFor();
      await marked(page);
      await screenshot(page, `${device}-demo-mark-entry`);
      await enter.click();
      await page.locator('.call').waitFor();
      await marked(page);
      await screenshot(page, `${device}-demo-mark-call`);

      const byCode = await openPage(browser, `${s.httpUrl}/`, device);
      await byCode.getByRole('link', { name: 'Войти в урок по коду встречи' }).click();
      await byCode.waitForURL(/\/j$/);
      await marked(byCode);
      await screenshot(byCode, `${device}-demo-mark-join`);

      const viewer = await openPage(browser, viewerUrl, device);
      await viewer.getByRole('heading', { name: 'Открытый урок' }).waitFor();
      await marked(viewer);
      await screenshot(viewer, `${device}-demo-mark-viewer`);
    }, 180_000);
  }

  it('in English the mark says Demo', async () => {
    const page = await openPage(browser, `${s.httpUrl}/`, 'phone');
    await marked(page);
    await page.getByRole('button', { name: /English/ }).click();
    await marked(page, 'Demo');
    expect(await page.getByText('Демо', { exact: true }).isVisible()).toBe(false);
    await screenshot(page, 'phone-demo-mark-english');
  });
});
