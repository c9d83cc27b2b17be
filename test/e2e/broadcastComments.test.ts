// #24, broadcasts for an audience: viewers comment under the broadcast and
// the teacher moderates from inside the call. The teacher (laptop) starts a
// broadcast from «Запись и трансляция», opens «Комментарии» and chooses
// checking first; a viewer on a phone opens the public link, gives a name
// once and writes two comments, each "waiting for the teacher"; the teacher
// publishes one and deletes the other; the viewer sees only the published
// one, and the lesson's own chat never shows a viewer's comment. Then the
// sizes swap (teacher 360, viewer 1366) and comments go straight through,
// then off. The teacher sees the viewer count in «Запись и трансляция».
// Real server, Redis, recorder and Chromium.
// Screenshots: {laptop,phone}-comments-*.png.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import {
  type Device,
  closePages,
  enterCall,
  layoutReport,
  openPage,
  screenshot,
} from '../helpers/callPage.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';
import { redisAvailable } from '../helpers/redis.js';
import { createRoomWithToken } from '../helpers/testServer.js';

let s: ChatTestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startChatServer();
  browser = await launchChromium();
});
afterEach(() => closePages());
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const local = (url: string) => url.replace(s.server.config.publicUrl, s.httpUrl);

async function look(page: Page, device: Device, name: string, allow: string[] = []): Promise<void> {
  await screenshot(page, `${device}-comments-${name}`);
  const report = await layoutReport(page, ['Room', 'comments-ui', ...allow]);
  expect(report.overflowX, `${name}: horizontal overflow`).toBe(0);
  expect(report.englishWords, `${name}: English words`).toEqual([]);
}

/** Opens «Комментарии» from «Ещё». */
async function openComments(page: Page): Promise<void> {
  if (await page.locator('#panel-comments').isVisible()) return;
  await page.getByRole('button', { name: 'Ещё' }).click();
  await page.getByRole('menuitem', { name: /^Комментарии/ }).click();
  await page.locator('#panel-comments').waitFor();
}

const comment = (page: Page, text: string) => page.locator('#comments-list li', { hasText: text });

describe.skipIf(!chromiumAvailable() || !redisAvailable())('viewers comment under a broadcast', () => {
  it('the teacher checks comments first, publishes one and deletes another; then straight through; then off', async () => {
    const [t] = await createRoomWithToken(s.server, 'comments-ui', [
      { displayName: 'Ольга Сидорова', role: 'host', userId: 'cm-teacher' },
    ]);
    const teacher = await enterCall(browser, local(t!.joinUrl), 'laptop');

    // No broadcast yet: no comments to moderate.
    await teacher.getByRole('button', { name: 'Ещё' }).click();
    await teacher.getByRole('menuitem').first().waitFor();
    expect(await teacher.getByRole('menuitem', { name: /^Комментарии/ }).count()).toBe(0);
    await teacher.keyboard.press('Escape');

    await teacher.getByRole('button', { name: 'Ещё' }).click();
    await teacher.getByRole('menuitem', { name: 'Запись и трансляция' }).click();
    await teacher.getByRole('button', { name: 'Начать трансляцию' }).click();
    const link = teacher.locator('#broadcast-url');
    await link.waitFor({ timeout: 60_000 });
    const url = local((await link.getAttribute('href')) ?? '');
    // The public link is on the teacher's screen: its Latin words are an address.
    const linkWords = ['http', ...(url.split('/').pop() ?? '').split(/[^a-z]+/i)];

    await openComments(teacher);
    const mode = teacher.getByLabel('Зрители трансляции могут писать');
    expect(await mode.inputValue()).toBe('off');
    await mode.selectOption({ label: 'Да, после вашей проверки' });

    const viewer = await openPage(browser, url, 'phone');
    await viewer.getByRole('heading', { name: 'Комментарии' }).waitFor();
    await viewer.getByText('Комментариев пока нет.').waitFor({ timeout: 15_000 });
    await viewer.getByText(/^Зрителей: \d+$/).waitFor();
    await viewer.getByLabel('Ваше имя').fill('Бабушка Вера');
    await viewer.getByLabel('Комментарий').fill('Молодцы, ребята!');
    await viewer.getByRole('button', { name: 'Отправить' }).click();
    await viewer.getByText('Спасибо! Комментарий появится, когда его проверит учитель.').waitFor();
    // The name is asked once.
    await viewer.getByText('Вы пишете как Бабушка Вера.').waitFor();
    expect(await viewer.getByLabel('Ваше имя').isVisible()).toBe(false);
    await viewer.getByLabel('Комментарий').fill('Реклама: купите слона');
    await viewer.getByRole('button', { name: 'Отправить' }).click();

    // The teacher sees both waiting (a count on «Ещё» items), publishes one, deletes the other.
    await comment(teacher, 'Молодцы, ребята!').getByText('ждёт проверки').waitFor();
    await comment(teacher, 'Реклама: купите слона').waitFor();
    await look(teacher, 'laptop', 'waiting');
    await comment(teacher, 'Молодцы, ребята!').getByRole('button', { name: 'Опубликовать' }).click();
    await comment(teacher, 'Молодцы, ребята!').getByText('ждёт проверки').waitFor({ state: 'detached' });
    await comment(teacher, 'Реклама: купите слона')
      .getByRole('button', { name: 'Удалить комментарий: Бабушка Вера' })
      .click();
    await comment(teacher, 'Реклама: купите слона').waitFor({ state: 'detached' });

    // The teacher sees how many watch (the viewer's page counts itself; the teacher is not counted).
    await teacher.getByRole('button', { name: 'Ещё' }).click();
    await teacher.getByRole('menuitem', { name: 'Запись и трансляция' }).click();
    await teacher.getByText('Смотрят трансляцию: 1').waitFor({ timeout: 20_000 });
    await look(teacher, 'laptop', 'viewer-count', linkWords);
    await openComments(teacher);

    const shown = viewer.locator('#comments-list li');
    await shown.filter({ hasText: 'Молодцы, ребята!' }).waitFor({ timeout: 15_000 });
    expect(await shown.allTextContents()).toEqual(['Бабушка ВераМолодцы, ребята!']);
    await look(viewer, 'phone', 'viewer');

    // The lesson's own chat is not the comments' place.
    await teacher.getByRole('button', { name: /^Чат/ }).click();
    await teacher.locator('#panel-chat').waitFor();
    await teacher.waitForTimeout(500);
    expect(await teacher.locator('#panel-chat').textContent()).not.toContain('Молодцы');

    // Sizes swap: the teacher on a phone lets comments straight through, the viewer on a laptop.
    await teacher.setViewportSize({ width: 360, height: 740 });
    await viewer.setViewportSize({ width: 1366, height: 768 });
    await teacher.getByRole('button', { name: 'Ещё' }).click();
    await teacher.getByRole('menuitem', { name: 'Запись и трансляция' }).click();
    await teacher.getByText('Смотрят трансляцию: 1').waitFor({ timeout: 20_000 });
    await look(teacher, 'phone', 'viewer-count', linkWords);
    await openComments(teacher);
    await teacher
      .getByLabel('Зрители трансляции могут писать')
      .selectOption({ label: 'Да, сразу видно всем' });
    await viewer.getByLabel('Комментарий').fill('А можно повторить последнюю задачу?');
    await viewer.getByRole('button', { name: 'Отправить' }).click();
    await viewer.getByText('Комментарий опубликован.').waitFor();
    await shown.filter({ hasText: 'А можно повторить последнюю задачу?' }).waitFor({ timeout: 15_000 });
    await comment(teacher, 'А можно повторить последнюю задачу?').waitFor();
    await look(teacher, 'phone', 'on');
    await look(viewer, 'laptop', 'viewer');

    // #21: what a viewer typed is put in as text, isolated (<bdi dir="auto">
    // for the name, dir="auto" for the comment), so a comment written right to
    // left cannot turn the name or the next comment around. (A viewer's name
    // itself is refused unless in Russian or Latin letters: displayNames.ts.)
    await viewer.getByLabel('Комментарий').fill('שלום <b>Спасибо</b> за урок');
    await viewer.getByRole('button', { name: 'Отправить' }).click();
    const rtl = shown.filter({ hasText: 'за урок' });
    await rtl.waitFor({ timeout: 15_000 });
    const shape = (el: Locator) =>
      el.evaluate((e) => [e.tagName.toLowerCase(), e.getAttribute('dir'), getComputedStyle(e).unicodeBidi]);
    expect(await shape(rtl.locator('bdi'))).toEqual(['bdi', 'auto', 'isolate']);
    expect(await rtl.locator('bdi').textContent()).toBe('Бабушка Вера');
    expect(await shape(rtl.locator('p'))).toEqual(['p', 'auto', 'isolate']);
    // The markup is shown as typed, never parsed.
    expect(await rtl.locator('p').textContent()).toBe('שלום <b>Спасибо</b> за урок');
    expect(await rtl.locator('b').count()).toBe(0);
    expect(await shape(viewer.locator('#comment-as-text bdi'))).toEqual(['bdi', 'auto', 'isolate']);
    await look(viewer, 'laptop', 'viewer-rtl', ['b']);

    // Off: the box goes, the published comments stay, a post is refused.
    await teacher
      .getByLabel('Зрители трансляции могут писать')
      .selectOption({ label: 'Нет, комментарии выключены' });
    await viewer.getByText('Комментарии к этой трансляции выключены.').waitFor({ timeout: 15_000 });
    expect(await viewer.getByRole('button', { name: 'Отправить' }).isVisible()).toBe(false);
    const refused = await fetch(`${s.httpUrl}/api/rooms/comments-ui/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Кто-то', text: 'всё равно пишу' }),
    });
    expect(refused.status).toBe(403);
  }, 240_000);
});
