// Muting a chat (#25), at 360 px and 1366 px: a mother opens the class chat,
// taps «Без звука» and «На 8 часов»; the chat says until when and offers
// «Включить звук», her chat list marks it «Без звука» with a grey unread
// count, a reload keeps it (the server holds it, and pushes nothing from it:
// test/notifications/webPush.test.ts), and «Включить звук» ends it. In
// English the choices are English.
// Screenshots: test-artifacts/screenshots/{phone,laptop}-mute-{menu,chat,list}.png, laptop-mute-en.png.
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { layoutReport, screenshot } from '../helpers/callPage.js';
import type { ChatTestServer, TestChatClient } from '../helpers/chatServer.js';
import { messengerScene } from '../helpers/messengerScene.js';

let s: ChatTestServer;
let teacherApi: TestChatClient;
const teacher = {
  userId: 'mu-t',
  displayName: 'Ирина Павловна Котова',
  sortName: 'Котова Ирина',
  role: 'teacher' as const,
};
const mother = {
  userId: 'mu-m',
  displayName: 'Ольга Андреева',
  sortName: 'Андреева Ольга',
  role: 'parent' as const,
};

describe.skipIf(!chromiumAvailable())('muting a chat in the messenger', () => {
  const scene = messengerScene(teacher, [mother]);
  beforeAll(() => {
    ({ s, teacherApi } = scene);
  });

  for (const device of ['phone', 'laptop'] as const) {
    it(`on a ${device}: mute for 8 hours, the list shows it, a reload keeps it, and the sound comes back`, async () => {
      const title = device === 'phone' ? 'Класс 2Б' : 'Класс 9А';
      const chatId = (await teacherApi.request({ createChat: { title, members: [mother.userId] } })).chat!
        .chatId!;
      await teacherApi.send(chatId, 'Добрый день!');

      const m = await scene.open(mother, device);
      const item = m.locator(`[data-chat="${chatId}"]`);
      await item.click();
      await m.getByRole('button', { name: 'Без звука' }).click();
      await m.getByRole('menuitem', { name: 'На 8 часов' }).waitFor();
      await screenshot(m, `${device}-mute-menu`);
      await m.getByRole('menuitem', { name: 'На 8 часов' }).click();
      await m.getByText(/^Без звука до /).waitFor();
      const unmute = m.getByRole('button', { name: 'Включить звук' });
      await unmute.waitFor();
      expect((await layoutReport(m, [])).overflowX).toBe(0);
      await screenshot(m, `${device}-mute-chat`);

      // Back in the list: the chat is marked, and a new message's count is grey.
      if (device === 'phone') await m.getByRole('button', { name: 'К списку чатов' }).click();
      else await m.locator(`[data-chat]:not([data-chat="${chatId}"])`).first().click();
      await teacherApi.send(chatId, 'Фотографии с утренника в альбоме');
      await item.getByRole('img', { name: 'Без звука' }).waitFor();
      await item.locator('.badge.muted').waitFor();
      await screenshot(m, `${device}-mute-list`);

      // The server holds it: after a reload it is still muted.
      await m.reload();
      await item.getByRole('img', { name: 'Без звука' }).waitFor();
      const prefs = (await (await s.client(mother)).request({ getPrefs: {} })).prefs!;
      const muted = prefs.mutedChats?.find((x) => x.chatId === chatId);
      expect(muted?.until).toBeGreaterThan(Date.now() + 7.9 * 3600_000);

      await item.click();
      await m.getByRole('button', { name: 'Включить звук' }).click();
      await m.getByRole('button', { name: 'Без звука' }).waitFor();
      await expect.poll(() => item.getByRole('img', { name: 'Без звука' }).count()).toBe(0);
    });
  }

  it('in English the choices are English', async () => {
    const chatId = (await teacherApi.request({ createChat: { title: 'Class 1A', members: [mother.userId] } }))
      .chat!.chatId!;
    const m = await scene.open(mother, 'laptop', undefined, { english: true });
    await m.locator(`[data-chat="${chatId}"]`).click();
    await m.getByRole('button', { name: 'Muted' }).click();
    await m.getByRole('menuitem', { name: 'For good' }).click();
    await m.getByRole('button', { name: 'Unmute' }).waitFor();
    await m.locator(`[data-chat="${chatId}"]`).getByRole('img', { name: 'Muted' }).waitFor();
    await screenshot(m, 'laptop-mute-en');
  });
});
