// Read confirmation and read ticks (#25), at 360 px and 1366 px. The
// teacher sends an announcement «С подтверждением прочтения»; a parent who
// opens it sees that the sender will know; the teacher taps "Прочитали … из
// 3" and sees who has not read it yet. In a direct chat her message's tick
// turns from "Отправлено" to "Прочитано" when the mother reads it.
// Screenshots: test-artifacts/screenshots/{phone,laptop}-receipt-{composer,note,dialog,ticks}.png.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { closePages, layoutReport, openPage, screenshot } from '../helpers/callPage.js';
import type { ChatTestServer, TestChatClient } from '../helpers/chatServer.js';
import { messengerScene } from '../helpers/messengerScene.js';

let s: ChatTestServer;
let browser: Browser;
let motherApi: TestChatClient;
const teacher = {
  userId: 'rc-t',
  displayName: 'Ирина Павловна Котова',
  sortName: 'Котова Ирина',
  role: 'teacher' as const,
};
const mother = {
  userId: 'rc-m',
  displayName: 'Ольга Андреева',
  sortName: 'Андреева Ольга',
  role: 'parent' as const,
};
const father = {
  userId: 'rc-f',
  displayName: 'Олег Борисов',
  sortName: 'Борисов Олег',
  role: 'parent' as const,
};
const granny = {
  userId: 'rc-g',
  displayName: 'Вера Гусева',
  sortName: 'Гусева Вера',
  role: 'parent' as const,
};

describe.skipIf(!chromiumAvailable())('read confirmation and read ticks', () => {
  const scene = messengerScene(mother, [teacher, father, granny]);
  beforeAll(() => {
    ({ s, browser, teacherApi: motherApi } = scene);
  });

  const open = async (
    person: { userId: string; displayName: string },
    device: 'laptop' | 'phone',
  ): Promise<Page> => openPage(browser, `${s.httpUrl}/messenger#token=${await s.token(person)}`, device);

  for (const device of ['phone', 'laptop'] as const) {
    it(`on a ${device}: an announcement with read confirmation, who has not read it, and ticks`, async () => {
      const teacherApi = await s.client(teacher);
      const title = device === 'phone' ? 'Родители 6Б' : 'Родители 8А';
      const text = `Экскурсия в музей ${device === 'phone' ? 'в пятницу' : 'в субботу'}: нужна подпись.`;
      const chatId = (
        await teacherApi.request({
          createChat: { title, members: [mother.userId, father.userId, granny.userId] },
        })
      ).chat!.chatId!;

      const t = await open(teacher, device);
      await t.locator(`[data-chat="${chatId}"]`).click();
      await t.getByRole('button', { name: 'С подтверждением прочтения' }).click();
      await t.getByText('Отправитель увидит, кто прочитал').waitFor();
      const box = t.getByRole('textbox', { name: 'Сообщение' });
      await box.fill(text);
      expect((await layoutReport(t, [])).overflowX).toBe(0);
      await screenshot(t, `${device}-receipt-composer`);
      await box.press('Enter');
      const sent = t.locator('.msg', { has: t.locator('.msg-text', { hasText: text }) });
      await sent.getByRole('button', { name: 'Прочитали 0 из 3' }).waitFor();
      // The toggle is for one message: the next goes without.
      expect(await t.getByText('Отправитель увидит, кто прочитал').count()).toBe(0);

      // The mother reads it (another device); the father opens it here.
      const page = (await motherApi.request({ getHistory: { chatId, limit: 5 } })).page!;
      const seq = page.messages!.find((m) => m.text === text)!.seq!;
      expect(page.messages!.find((m) => m.seq === seq)!.readConfirmation).toBe(true);
      await motherApi.request({ markRead: { chatId, seq } });
      const f = await open(father, device);
      await f.locator(`[data-chat="${chatId}"]`).click();
      const seen = f.locator('.msg', { has: f.locator('.msg-text', { hasText: text }) });
      await seen.getByText('Отправитель видит, кто прочитал').waitFor();
      await screenshot(f, `${device}-receipt-note`);

      // The teacher taps the count: 2 of 3, and Вера Гусева has not read it.
      await expect
        .poll(async () => {
          await sent.locator('.read-receipt').click();
          const dialog = t.getByRole('dialog', { name: 'Кто прочитал' });
          await dialog.waitFor();
          const notRead = await dialog.locator('.not-read li').allTextContents();
          await dialog.getByRole('button', { name: 'Закрыть' }).click();
          return notRead;
        })
        .toEqual(['Вера Гусева']);
      await sent.getByRole('button', { name: 'Прочитали 2 из 3' }).click();
      const dialog = t.getByRole('dialog', { name: 'Кто прочитал' });
      await dialog.getByText('Не прочитал 1').waitFor();
      expect(await dialog.locator('.has-read li').allTextContents()).toEqual([
        'Ольга Андреева',
        'Олег Борисов',
      ]);
      await screenshot(t, `${device}-receipt-dialog`);
      await dialog.getByRole('button', { name: 'Закрыть' }).click();

      // A direct chat: the tick turns when the mother reads.
      const direct = (await teacherApi.request({ openDirectChat: { userId: mother.userId } })).chat!.chatId!;
      if (device === 'phone') await t.getByRole('button', { name: 'К списку чатов' }).click();
      await t.locator(`[data-chat="${direct}"]`).click();
      const question = `Ольга, вы сможете сопровождать? (${device})`;
      await box.fill(question);
      await box.press('Enter');
      const mine = t.locator('.msg', { has: t.locator('.msg-text', { hasText: question }) });
      await mine.getByLabel('Отправлено').waitFor();
      const q = (await motherApi.request({ getHistory: { chatId: direct, limit: 5 } })).page!.messages!.at(
        -1,
      )!;
      await motherApi.request({ markRead: { chatId: direct, seq: q.seq } });
      await mine.getByLabel('Прочитано').waitFor();
      await screenshot(t, `${device}-receipt-ticks`);
      teacherApi.close();
    });
  }

  it('in English: the toggle and the count', async () => {
    const teacherApi = await s.client(teacher);
    const chatId = (
      await teacherApi.request({ createChat: { title: 'Parents 9C', members: [mother.userId] } })
    ).chat!.chatId!;
    const t = await open(teacher, 'laptop');
    await t.evaluate(() => localStorage.setItem('school-call-lang', 'en'));
    await t.reload();
    await t.locator(`[data-chat="${chatId}"]`).click();
    await t.getByRole('button', { name: 'With read confirmation' }).click();
    const box = t.getByRole('textbox', { name: 'Message' });
    await box.fill('Sign the form, please');
    await box.press('Enter');
    await t.getByRole('button', { name: '0 of 1 read' }).waitFor();
    teacherApi.close();
  });
});
