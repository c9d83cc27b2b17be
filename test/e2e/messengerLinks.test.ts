// Links to a message (#25), at 360 px and 1366 px: the mother copies the
// link of the meeting announcement far back in the chat («Скопировать
// ссылку»); opening the link (a new tab) opens the chat scrolled to that
// message, highlighted. Someone who is not in the chat gets "Это сообщение
// вам недоступно" and nothing of it. English: "Copy link".
// Screenshots: test-artifacts/screenshots/{phone,laptop}-link-{copied,opened,refused}.png.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { closePages, layoutReport, openPage, screenshot } from '../helpers/callPage.js';
import type { ChatTestServer, TestChatClient } from '../helpers/chatServer.js';
import { messengerScene } from '../helpers/messengerScene.js';

let s: ChatTestServer;
let browser: Browser;
let teacherApi: TestChatClient;
const teacher = { userId: 'ln-t', displayName: 'Ирина Павловна Котова', sortName: 'Котова Ирина' };
const mother = {
  userId: 'ln-m',
  displayName: 'Ольга Андреева',
  sortName: 'Андреева Ольга',
  role: 'parent' as const,
};
const stranger = {
  userId: 'ln-s',
  displayName: 'Пётр Чужой',
  sortName: 'Чужой Пётр',
  role: 'parent' as const,
};
const ANNOUNCEMENT = 'Собрание родителей в четверг в 18:00, кабинет 12.';
/** More than one page (the client asks for 50). */
const LATER = 60;

/** Whether an element is wholly inside its scrolling list. */
const inList = (el: Element) => {
  const r = el.getBoundingClientRect();
  const list = el.closest('.messages')!.getBoundingClientRect();
  return r.top >= list.top - 0.5 && r.bottom <= list.bottom + 0.5;
};

describe.skipIf(!chromiumAvailable())('links to a message', () => {
  const scene = messengerScene(teacher, [mother, stranger]);
  beforeAll(() => {
    ({ s, browser, teacherApi: teacherApi } = scene);
  });

  const open = async (person: typeof teacher, device: 'laptop' | 'phone', hash = ''): Promise<Page> => {
    const page = await openPage(
      browser,
      `${s.httpUrl}/messenger#token=${await s.token(person)}${hash}`,
      device,
    );
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.httpUrl });
    return page;
  };
  const menuOf = (page: Page, text: string) =>
    page
      .locator('.msg')
      .filter({ has: page.locator('.msg-text', { hasText: text }) })
      .getByRole('button', { name: 'Действия с сообщением' });

  for (const device of ['phone', 'laptop'] as const) {
    it(`on a ${device}: the copied link opens the chat at the message, only for its readers`, async () => {
      const title = device === 'phone' ? 'Родители 1Б' : 'Родители 7В';
      const chatId = (await teacherApi.request({ createChat: { title, members: [mother.userId] } })).chat!
        .chatId!;
      await teacherApi.send(chatId, ANNOUNCEMENT);
      for (let i = 1; i <= LATER; i++) await teacherApi.send(chatId, `Сообщение ${i}`);

      const m = await open(mother, device);
      await m.locator(`[data-chat="${chatId}"]`).click();
      await m.locator('.msg-text', { hasText: `Сообщение ${LATER}` }).waitFor();
      await m.getByRole('button', { name: 'Показать более ранние' }).click();
      await menuOf(m, ANNOUNCEMENT).click();
      await m.getByRole('menuitem', { name: 'Скопировать ссылку' }).click();
      await m.getByRole('status').filter({ hasText: 'Ссылка на сообщение скопирована' }).waitFor();
      await screenshot(m, `${device}-link-copied`);
      const link = await m.evaluate(() => navigator.clipboard.readText());
      expect(link).toMatch(new RegExp(`/messenger#chat=${encodeURIComponent(chatId)}&msg=\\d+$`));
      const fragment = `&${link.split('#')[1]}`;

      // Opened in a new tab: the chat, scrolled to the announcement (one page would not hold it).
      const again = await open(mother, device, fragment);
      const msg = again.locator('.msg', { has: again.locator('.msg-text', { hasText: ANNOUNCEMENT }) });
      await msg.waitFor();
      await expect.poll(() => msg.evaluate(inList)).toBe(true);
      expect((await layoutReport(again, [])).overflowX).toBe(0);
      await screenshot(again, `${device}-link-opened`);

      // Someone outside the chat: refused, and nothing of the chat is shown.
      const other = await open(stranger, device, fragment);
      await other.getByRole('alert').filter({ hasText: 'Это сообщение вам недоступно' }).waitFor();
      expect(await other.getByText(ANNOUNCEMENT).count()).toBe(0);
      expect(await other.locator(`[data-chat="${chatId}"]`).count()).toBe(0);
      await screenshot(other, `${device}-link-refused`);
    });
  }

  it('in English the menu says "Copy link"', async () => {
    const chatId = (
      await teacherApi.request({ createChat: { title: 'Parents 2B', members: [mother.userId] } })
    ).chat!.chatId!;
    await teacherApi.send(chatId, 'Trip on Friday');
    const m = await open(mother, 'laptop');
    await m.evaluate(() => localStorage.setItem('school-call-lang', 'en'));
    await m.reload();
    await m.locator(`[data-chat="${chatId}"]`).click();
    await m
      .locator('.msg')
      .filter({ hasText: 'Trip on Friday' })
      .getByRole('button', { name: 'Message actions' })
      .click();
    await m.getByRole('menuitem', { name: 'Copy link' }).click();
    await m.getByRole('status').filter({ hasText: 'Link to the message copied' }).waitFor();
  });
});
