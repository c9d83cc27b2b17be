// «Важные» (#25), at 360 px and 1366 px: a mother marks the teacher's
// messages in two chats «Отметить как важное»; «Важные» over her chat list
// shows them both, newest first, with the chat and the sender; a tap opens
// the message in its chat; «Снять отметку» takes one off. On a laptop a long
// list comes in pages («Показать ещё»). In English the labels are English.
// Screenshots: test-artifacts/screenshots/{phone,laptop}-important-list.png, laptop-important-en.png.
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { layoutReport, screenshot } from '../helpers/callPage.js';
import type { ChatTestServer, TestChatClient } from '../helpers/chatServer.js';
import { messengerScene } from '../helpers/messengerScene.js';

let s: ChatTestServer;
let teacherApi: TestChatClient;
const teacher = {
  userId: 'im-t',
  displayName: 'Ирина Павловна Котова',
  sortName: 'Котова Ирина',
  role: 'teacher' as const,
};
// One parent per device, so each test starts with an empty list whatever ran before.
const mothers = {
  phone: {
    userId: 'im-m1',
    displayName: 'Ольга Андреева',
    sortName: 'Андреева Ольга',
    role: 'parent' as const,
  },
  laptop: { userId: 'im-m2', displayName: 'Анна Белова', sortName: 'Белова Анна', role: 'parent' as const },
};

describe.skipIf(!chromiumAvailable())('important messages across chats in the messenger', () => {
  const scene = messengerScene(teacher, [mothers.phone, mothers.laptop]);
  beforeAll(() => {
    ({ s, teacherApi } = scene);
  });

  for (const device of ['phone', 'laptop'] as const) {
    it(`on a ${device}: marked messages from two chats are listed, open where they are, and come off`, async () => {
      const mother = mothers[device];
      const suffix = device === 'phone' ? '5А' : '5Б';
      const make = async (title: string) =>
        (await teacherApi.request({ createChat: { title, members: [mother.userId] } })).chat!.chatId!;
      const cls = await make(`Родители ${suffix}`);
      const club = await make(`Кружок рисования ${suffix}`);
      let older = 0;
      if (device === 'laptop') {
        // A long list: 30 older marked messages (sent before the others) in a third chat, so the list comes in two pages.
        const old = await make('Прошлый год');
        const mom = await s.client(mother);
        for (let i = 1; i <= 30; i++) {
          const m = await teacherApi.send(old, `Старое объявление ${i}`);
          await mom.request({ markImportant: { chatId: old, seq: m.seq, important: true } });
        }
        mom.close();
        older = 30;
      }

      const meeting = `Собрание в четверг в 18:00, кабинет 12 (${suffix})`;
      const paints = `Принести краски и кисти (${suffix})`;
      await teacherApi.send(cls, meeting);
      await teacherApi.send(cls, 'Спасибо всем!');
      await teacherApi.send(club, paints);
      const m = await scene.open(mother, device);
      const mark = async (chatId: string, text: string) => {
        await m.locator(`[data-chat="${chatId}"]`).click();
        const bubble = m.locator('.msg').filter({ has: m.locator('.msg-text', { hasText: text }) });
        await bubble.getByRole('button', { name: 'Действия с сообщением' }).click();
        await m.getByRole('menuitem', { name: 'Отметить как важное' }).click();
        await bubble.getByLabel('Важное').waitFor();
        if (device === 'phone') await m.getByRole('button', { name: 'К списку чатов' }).click();
      };
      await mark(cls, meeting);
      await mark(club, paints);

      await m.getByRole('button', { name: 'Важные', exact: true }).click();
      await m.getByRole('heading', { name: 'Важные сообщения' }).waitFor();
      const items = m.locator('.important-item');
      await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(Math.min(2 + older, 30));
      // Newest first, each with its chat and sender.
      expect(await items.nth(0).innerText()).toContain(paints);
      expect(await items.nth(0).innerText()).toContain(`Кружок рисования ${suffix} · Ирина Павловна Котова`);
      expect(await items.nth(1).innerText()).toContain(meeting);
      expect(await items.filter({ hasText: 'Спасибо всем!' }).count()).toBe(0);
      expect((await layoutReport(m, [])).overflowX).toBe(0);
      await screenshot(m, `${device}-important-list`);

      if (device === 'laptop') {
        await m.getByRole('button', { name: 'Показать ещё' }).click();
        await expect.poll(() => items.count(), { timeout: 15_000 }).toBe(32);
        expect(await items.nth(31).innerText()).toContain('Старое объявление 1');
        expect(await m.getByRole('button', { name: 'Показать ещё' }).count()).toBe(0);
      }

      // A tap opens the message in its chat.
      await items
        .nth(1)
        .getByRole('button', { name: new RegExp(meeting.slice(0, 20)) })
        .click();
      await m.getByRole('heading', { name: `Родители ${suffix}` }).waitFor();
      await m.locator('.msg-text', { hasText: meeting }).waitFor();
      if (device === 'phone') await m.getByRole('button', { name: 'К списку чатов' }).click();

      // «Снять отметку»: off the list, and off the message (the server holds it).
      await m.getByRole('button', { name: 'Важные', exact: true }).click();
      await items.nth(0).getByRole('button', { name: 'Снять отметку' }).click();
      await m.getByRole('status').filter({ hasText: 'Отметка «важное» снята' }).waitFor();
      await expect.poll(() => items.filter({ hasText: paints }).count(), { timeout: 15_000 }).toBe(0);
      await m.reload();
      await m.getByRole('button', { name: 'Важные', exact: true }).click();
      await items.filter({ hasText: meeting }).waitFor();
      expect(await items.filter({ hasText: paints }).count()).toBe(0);
    });
  }

  it('in English the labels are English', async () => {
    const mother = mothers.laptop;
    const chatId = (await teacherApi.request({ createChat: { title: 'Art club', members: [mother.userId] } }))
      .chat!.chatId!;
    await teacherApi.send(chatId, 'Bring paints on Friday');
    const m = await scene.open(mother, 'laptop', chatId, { english: true });
    await m.locator(`[data-chat="${chatId}"]`).click();
    const bubble = m
      .locator('.msg')
      .filter({ has: m.locator('.msg-text', { hasText: 'Bring paints on Friday' }) });
    await bubble.getByRole('button', { name: 'Message actions' }).click();
    await m.getByRole('menuitem', { name: 'Mark as important' }).click();
    await m.getByRole('button', { name: 'Important', exact: true }).click();
    await m.getByRole('heading', { name: 'Important messages' }).waitFor();
    await m.locator('.important-item', { hasText: 'Bring paints on Friday' }).waitFor();
    await m.getByRole('button', { name: 'Unmark' }).first().waitFor();
    await screenshot(m, 'laptop-important-en');
  });
});
