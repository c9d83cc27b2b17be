// #24, in the call: co-hosts record and broadcast when the host allows it.
// The teacher (laptop) ticks «Соведущие могут включать запись и
// трансляцию» in «Запись и трансляция»; the co-host (phone) is told, finds
// the panel under «Ещё», starts and stops the recording and the broadcast
// (the pupil sees both badges), downloads the recording but has no
// «Удалить»; the teacher unticks it and the co-host's panel and menu item go.
// Then the other sizes and English. Screenshots: {laptop,phone}-cohost-*.png.
import type { Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, enterCall, layoutReport, screenshot } from '../helpers/callPage.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});
afterEach(() => closePages());
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const local = (url: string) => url.replace(server.config.publicUrl, server.httpUrl);

async function look(page: Page, name: string, english = false): Promise<void> {
  await screenshot(page, name);
  // The room's title and the broadcast's link are not words.
  const links = await page.locator('#broadcast-url').allTextContents();
  const report = await layoutReport(page, ['Room', 'cohost', ...links.flatMap((l) => l.split(/[^A-Za-z]+/))]);
  expect(report.overflowX, `${name}: horizontal overflow`).toBe(0);
  if (!english) expect(report.englishWords, `${name}: English words`).toEqual([]);
  expect(report.controlsInView, `${name}: control bar on screen`).toBe(true);
}

/** «Ещё» → the panel's item, by its visible name. */
async function fromMore(page: Page, item: string): Promise<void> {
  await page.getByRole('button', { name: /^(Ещё|More)/ }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

async function moreOffers(page: Page, item: string): Promise<boolean> {
  await page.getByRole('button', { name: /^(Ещё|More)/ }).click();
  await page.locator('.menu').waitFor();
  const n = await page.getByRole('menuitem', { name: item }).count();
  await page.keyboard.press('Escape');
  return n > 0;
}

describe.skipIf(!chromiumAvailable())('co-hosts record when the teacher allows it', () => {
  it('teacher on a laptop lends the recorder to a co-host on a phone, then takes it back', async () => {
    const [t, c, p] = await createRoomWithToken(server, 'cohost', [
      { displayName: 'Ольга Сидорова', role: 'host', userId: 'cohost-teacher' },
      { displayName: 'Анна Петрова', role: 'co-host', userId: 'cohost-assistant' },
      { displayName: 'Петя Иванов', role: 'participant', userId: 'cohost-pupil' },
    ]);
    const teacher = await enterCall(browser, local(t!.joinUrl), 'laptop');
    const assistant = await enterCall(browser, local(c!.joinUrl), 'phone');
    const pupil = await enterCall(browser, local(p!.joinUrl), 'phone');

    // Before the teacher allows it the co-host has no recording controls.
    expect(await moreOffers(assistant, 'Запись и трансляция')).toBe(false);

    await fromMore(teacher, 'Запись и трансляция');
    const lend = teacher.getByLabel('Соведущие могут включать запись и трансляцию');
    expect(await lend.isChecked()).toBe(false);
    await lend.check();
    await assistant
      .getByText('Учитель разрешил вам включать запись и трансляцию: «Ещё» → «Запись и трансляция».')
      .waitFor();
    await look(teacher, 'laptop-cohost-01-switch');
    await look(assistant, 'phone-cohost-02-told');

    await fromMore(assistant, 'Запись и трансляция');
    expect(await assistant.getByLabel('Соведущие могут включать запись и трансляцию').count()).toBe(0);
    await assistant.getByRole('button', { name: 'Начать запись' }).click();
    await pupil.locator('#recording-badge').waitFor({ timeout: 30_000 });
    await teacher.locator('#recording-badge').waitFor({ timeout: 10_000 });
    await assistant.getByRole('button', { name: 'Начать трансляцию' }).click();
    await assistant.getByRole('link', { name: /\/b\// }).waitFor({ timeout: 30_000 });
    await pupil.locator('#broadcast-badge').waitFor({ timeout: 10_000 });
    await look(assistant, 'phone-cohost-03-recording');

    await assistant.waitForTimeout(2000);
    await assistant.getByRole('button', { name: 'Остановить запись' }).click();
    await pupil.locator('#recording-badge').waitFor({ state: 'detached', timeout: 30_000 });
    await assistant.getByRole('button', { name: 'Остановить трансляцию' }).click();
    await pupil.locator('#broadcast-badge').waitFor({ state: 'detached', timeout: 30_000 });
    // The recording is ready for the co-host to download; deleting stays the teacher's.
    const lesson = assistant.locator('.recording-item', { hasText: 'Урок' });
    await lesson.getByRole('button', { name: 'Скачать' }).waitFor({ timeout: 90_000 });
    expect(await assistant.getByRole('button', { name: 'Удалить' }).count()).toBe(0);
    await teacher
      .locator('.recording-item', { hasText: 'Урок' })
      .getByRole('button', { name: 'Удалить' })
      .waitFor();
    await look(assistant, 'phone-cohost-04-list');

    // The teacher takes it back: the co-host is told, and the panel and its item go.
    await teacher.getByLabel('Соведущие могут включать запись и трансляцию').uncheck();
    await assistant
      .getByText('Учитель больше не разрешает соведущим включать запись и трансляцию.')
      .waitFor();
    await assistant.locator('#panel-recording').waitFor({ state: 'detached' });
    expect(await moreOffers(assistant, 'Запись и трансляция')).toBe(false);
    await look(assistant, 'phone-cohost-05-taken');

    // The other sizes: the teacher's switch on a phone, the co-host's panel on a laptop, in English.
    await teacher.setViewportSize({ width: 360, height: 740 });
    await teacher.getByLabel('Соведущие могут включать запись и трансляцию').check();
    await look(teacher, 'phone-cohost-06-switch');
    await assistant.setViewportSize({ width: 1366, height: 768 });
    await assistant.getByRole('button', { name: /^Ещё/ }).click();
    await assistant.getByRole('menuitem', { name: /English/ }).click();
    // The switch leaves the menu open (the words change in place).
    if (await assistant.locator('.menu').isVisible()) await assistant.keyboard.press('Escape');
    await fromMore(assistant, 'Recording and broadcast');
    await assistant.getByRole('button', { name: 'Start recording' }).waitFor();
    await assistant.getByRole('button', { name: 'Start broadcast' }).waitFor();
    await look(assistant, 'laptop-cohost-07-english', true);
  }, 240_000);
});
