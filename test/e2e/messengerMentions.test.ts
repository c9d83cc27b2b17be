// Mentions in the messenger (#25), at 360 px and 1366 px: the teacher types
// "@" and a few letters, the chat's people are offered (not herself), she
// clicks the mother's name and sends; the mother's chat list shows "@" beside
// the unread count, and the opened chat highlights the mention and says "Вас
// упомянули". In English the picker and the mark are in English.
// Screenshots: test-artifacts/screenshots/{phone,laptop}-mention-{picker,list,message}.png, laptop-mention-en.png.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { closePages, layoutReport, openPage, screenshot } from '../helpers/callPage.js';
import type { ChatTestServer, TestChatClient } from '../helpers/chatServer.js';
import { messengerScene } from '../helpers/messengerScene.js';

let s: ChatTestServer;
let browser: Browser;
let teacherApi: TestChatClient;
const teacher = { userId: 'mn-t', displayName: 'Ирина Павловна Котова', sortName: 'Котова Ирина' };
const mother = {
  userId: 'mn-m',
  displayName: 'Ольга Андреева',
  sortName: 'Андреева Ольга',
  role: 'parent' as const,
};
const father = {
  userId: 'mn-f',
  displayName: 'Олег Борисов',
  sortName: 'Борисов Олег',
  role: 'parent' as const,
};

describe.skipIf(!chromiumAvailable())('mentions in the messenger', () => {
  const scene = messengerScene(teacher, [mother, father]);
  beforeAll(() => {
    ({ s, browser, teacherApi: teacherApi } = scene);
  });

  const open = async (person: typeof teacher, device: 'laptop' | 'phone', english = false): Promise<Page> => {
    const page = await openPage(browser, `${s.httpUrl}/messenger#token=${await s.token(person)}`, device);
    if (english) {
      await page.evaluate(() => localStorage.setItem('school-call-lang', 'en'));
      await page.reload();
    }
    return page;
  };

  for (const device of ['phone', 'laptop'] as const) {
    it(`on a ${device}: "@" offers the chat's people, and the mentioned mother sees it in her list and the chat`, async () => {
      const title = device === 'phone' ? 'Родители 2А' : 'Родители 4Г';
      const chatId = (
        await teacherApi.request({ createChat: { title, members: [mother.userId, father.userId] } })
      ).chat!.chatId!;
      await teacherApi.send(chatId, 'Добрый вечер!');

      const t = await open(teacher, device);
      await t.locator(`[data-chat="${chatId}"]`).click();
      const box = t.getByRole('textbox', { name: 'Сообщение' });
      await box.click();
      await box.pressSequentially('Напоминаю, @О');
      const picker = t.getByRole('list', { name: 'Упомянуть' });
      await picker.waitFor();
      // Both parents match "О"; the teacher herself is not offered.
      await expect
        .poll(() => picker.getByRole('button').allTextContents())
        .toEqual(['Ольга Андреева', 'Олег Борисов']);
      await box.pressSequentially('ль');
      await expect.poll(() => picker.getByRole('button').allTextContents()).toEqual(['Ольга Андреева']);
      expect((await layoutReport(t, [])).overflowX).toBe(0);
      await screenshot(t, `${device}-mention-picker`);
      await picker.getByRole('button', { name: 'Ольга Андреева' }).click();
      await expect.poll(() => box.inputValue()).toBe('Напоминаю, @Ольга Андреева ');
      await box.pressSequentially('принесите справку до пятницы.');
      await box.press('Enter');
      const sent = t.locator('.msg-text', { hasText: 'принесите справку' });
      await sent.locator('mark.mention', { hasText: '@Ольга Андреева' }).waitFor();

      const m = await open(mother, device);
      const item = m.locator(`[data-chat="${chatId}"]`);
      await item.getByLabel('Вас упомянули').waitFor();
      await screenshot(m, `${device}-mention-list`);
      await item.click();
      const msg = m.locator('.msg.mentions-me', { hasText: 'принесите справку' });
      await msg.getByText('Вас упомянули').waitFor();
      await msg.locator('mark.mention', { hasText: '@Ольга Андреева' }).waitFor();
      expect((await layoutReport(m, [])).overflowX).toBe(0);
      await screenshot(m, `${device}-mention-message`);
      if (device === 'phone') await m.getByRole('button', { name: 'К списку чатов' }).click();
      // Read: the mark is gone from her list.
      await expect.poll(() => item.getByLabel('Вас упомянули').count()).toBe(0);
      // The father was not mentioned: his list has no mark.
      const f = await open(father, device);
      await f.locator(`[data-chat="${chatId}"]`).waitFor();
      expect(await f.locator(`[data-chat="${chatId}"] .mention-badge`).count()).toBe(0);
    });
  }

  it('in English the picker and the mark are in English', async () => {
    const chatId = (
      await teacherApi.request({ createChat: { title: 'Parents 1A', members: [mother.userId] } })
    ).chat!.chatId!;
    await teacherApi.send(chatId, '@Ольга Андреева, please call me', { mentions: [mother.userId] });
    const m = await open(mother, 'laptop', true);
    const item = m.locator(`[data-chat="${chatId}"]`);
    await item.getByLabel('You were mentioned').waitFor();
    await item.click();
    await m.locator('.msg.mentions-me').getByText('You were mentioned').waitFor();
    const box = m.getByRole('textbox', { name: 'Message' });
    await box.click();
    await box.pressSequentially('@Ир');
    await m
      .getByRole('list', { name: 'Mention' })
      .getByRole('button', { name: 'Ирина Павловна Котова' })
      .waitFor();
    await screenshot(m, 'laptop-mention-en');
  });
});
