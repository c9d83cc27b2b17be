// A channel's settings after creation (#25), at 360 px and 1366 px: its
// creator opens «Участники и настройки», renames it, turns comments on, hides
// the earlier history from newcomers but lets them see the last 250
// messages, asks for approval of joins by link; a mother follows the link,
// her request is accepted on the same screen and she reads the earlier post;
// then the channel is archived and nobody posts any more. The server holds
// every change (the teacher's API reads them back). In English the labels
// are English.
// Screenshots: test-artifacts/screenshots/{phone,laptop}-settings-{screen,request,archived}.png, laptop-settings-en.png.
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { layoutReport, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, type TestChatClient, cpb } from '../helpers/chatServer.js';
import { chatAction, messengerScene } from '../helpers/messengerScene.js';

let s: ChatTestServer;
let teacherApi: TestChatClient;
const teacher = {
  userId: 'st-t',
  displayName: 'Марина Сергеевна Лебедева',
  sortName: 'Лебедева Марина',
  role: 'teacher' as const,
};
const mothers = {
  phone: {
    userId: 'st-m1',
    displayName: 'Ольга Андреева',
    sortName: 'Андреева Ольга',
    role: 'parent' as const,
  },
  laptop: { userId: 'st-m2', displayName: 'Анна Белова', sortName: 'Белова Анна', role: 'parent' as const },
};

describe.skipIf(!chromiumAvailable())('a channel’s settings after creation', () => {
  const scene = messengerScene(teacher, Object.values(mothers));
  beforeAll(() => {
    ({ s, teacherApi } = scene);
  });
  const settingsOf = async (chatId: string) =>
    (await teacherApi.request({ listChats: {} })).chats!.chats!.find((c) => c.chatId === chatId)!;

  for (const device of ['phone', 'laptop'] as const) {
    it(`on a ${device}: rename, comments, last 250 for newcomers, join approval, archive`, async () => {
      const mother = mothers[device];
      const { chat } = await teacherApi.request({
        createChannel: { title: `Новости ${device === 'phone' ? '5А' : '6Б'}`, comments: false },
      });
      const chatId = chat!.chatId!;
      await teacherApi.send(chatId, 'Собрание родителей в четверг в 18:00.');

      const page = await scene.open(teacher, device, chatId);
      await page.locator(`[data-chat="${chatId}"]`).click();
      await chatAction(page, /^Участники и настройки/);
      const title = device === 'phone' ? 'Новости 5А класса' : 'Новости 6Б класса';
      await page.getByLabel('Название', { exact: true }).fill(title);
      await page.getByRole('button', { name: 'Сохранить' }).click();
      await page.getByLabel('Комментарии под записями', { exact: true }).check();
      await page.getByLabel('Новые участники видят прежнюю переписку').uncheck();
      await page.getByLabel('Но последние 250 сообщений видны новичкам').check();
      await page.getByLabel('Вступление по ссылке только с одобрения администратора').check();
      await expect
        .poll(
          async () => {
            const c = await settingsOf(chatId);
            return [
              c.title,
              c.settings?.comments,
              c.settings?.newMembersSeeHistory,
              c.settings?.newcomersSeeRecent,
              c.settings?.joinApproval,
            ];
          },
          { timeout: 15_000 },
        )
        .toEqual([title, cpb.CommentsMode.COMMENTS_MODE_ON, false, true, true]);
      expect((await layoutReport(page, [])).overflowX).toBe(0);
      expect((await layoutReport(page, [])).englishWords).toEqual([]);
      await screenshot(page, `${device}-settings-screen`);

      // A mother follows the invitation link: the chat asks the admin first.
      const { invite } = await teacherApi.request({ createInvite: { chatId } });
      const m = await scene.open(mother, device);
      await m.goto('about:blank');
      await m.goto(`${s.httpUrl}/messenger#invite=${invite!.code}`);
      await m.getByText('Заявка отправлена').waitFor();
      // The request shows on the settings screen (opened afresh), accepted there.
      await page.getByRole('button', { name: 'Назад к чату' }).click();
      await chatAction(page, /^Участники и настройки/);
      const request = page.locator(`[data-request="${mother.userId}"]`);
      await request.getByText(mother.displayName).waitFor();
      expect((await layoutReport(page, [])).overflowX).toBe(0);
      await screenshot(page, `${device}-settings-request`);
      await request.getByRole('button', { name: 'Принять' }).click();
      await expect.poll(() => request.count(), { timeout: 15_000 }).toBe(0);
      // She joined after the post, and still reads it: the last 250 are hers.
      await m.reload();
      await m.locator(`[data-chat="${chatId}"]`).click();
      await m.getByText('Собрание родителей в четверг в 18:00.').waitFor();

      // Archived: nobody posts, the teacher's composer gives way to a sentence.
      await page.getByLabel(/^Канал в архиве/).check();
      await expect
        .poll(async () => (await settingsOf(chatId)).settings?.archived, { timeout: 15_000 })
        .toBe(true);
      await page.getByRole('button', { name: 'Назад к чату' }).click();
      await page.getByText('Канал в архиве: новых записей нет.').waitFor();
      expect(await page.locator('#composer-text').count()).toBe(0);
      await expect(teacherApi.send(chatId, 'Ещё одна запись')).rejects.toThrow();
      await screenshot(page, `${device}-settings-archived`);
    }, 120_000);
  }

  it('in English the settings are English', async () => {
    const { chat } = await teacherApi.request({ createChannel: { title: 'News 7C', comments: false } });
    const page = await scene.open(teacher, 'laptop', chat!.chatId!, { english: true });
    await page.locator(`[data-chat="${chat!.chatId}"]`).click();
    await page.getByRole('button', { name: /^People and settings/ }).click();
    await page.getByLabel('Comments under posts').check();
    await page.getByLabel('New members see the earlier messages').uncheck();
    await page.getByLabel('But newcomers see the last 250 messages').waitFor();
    await page.getByLabel("Joining by link needs an admin's approval").waitFor();
    await expect
      .poll(async () => (await settingsOf(chat!.chatId!)).settings?.comments, { timeout: 15_000 })
      .toBe(cpb.CommentsMode.COMMENTS_MODE_ON);
    await screenshot(page, 'laptop-settings-en');
  });
});
