// One's own archive (#25), at 360 px and 1366 px: a mother moves last year's
// club chat «В архив»; it leaves her list (a reload keeps it so), «Архив: 1»
// under the list opens the archive with the chat and its unread count, and
// «Из архива» brings it back. The teacher's list is untouched. In English
// the labels are English.
// Screenshots: test-artifacts/screenshots/{phone,laptop}-archive-{list,open}.png, laptop-archive-en.png.
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { layoutReport, screenshot } from '../helpers/callPage.js';
import type { ChatTestServer, TestChatClient } from '../helpers/chatServer.js';
import { messengerScene } from '../helpers/messengerScene.js';

let s: ChatTestServer;
let teacherApi: TestChatClient;
const teacher = {
  userId: 'ar-t',
  displayName: 'Ирина Павловна Котова',
  sortName: 'Котова Ирина',
  role: 'teacher' as const,
};
const mother = {
  userId: 'ar-m',
  displayName: 'Ольга Андреева',
  sortName: 'Андреева Ольга',
  role: 'parent' as const,
};

describe.skipIf(!chromiumAvailable())('one’s archive in the messenger', () => {
  const scene = messengerScene(teacher, [mother]);
  beforeAll(() => {
    ({ s, teacherApi } = scene);
  });

  for (const device of ['phone', 'laptop'] as const) {
    it(`on a ${device}: a chat goes into the archive, is found there, and comes back`, async () => {
      const suffix = device === 'phone' ? '2024' : '2025';
      const club = (
        await teacherApi.request({ createChat: { title: `Кружок ${suffix}`, members: [mother.userId] } })
      ).chat!.chatId!;
      const cls = (
        await teacherApi.request({ createChat: { title: `Класс ${suffix}`, members: [mother.userId] } })
      ).chat!.chatId!;
      await teacherApi.send(club, 'Итоги года');
      await teacherApi.send(cls, 'Расписание на неделю');

      const m = await scene.open(mother, device);
      const clubItem = m.locator(`[data-chat="${club}"]`);
      await clubItem.click();
      await m.getByRole('button', { name: 'В архив', exact: true }).click();
      await m.getByRole('status').filter({ hasText: 'Чат перенесён в архив' }).waitFor();
      await m.getByRole('button', { name: 'Из архива' }).waitFor();
      if (device === 'phone') await m.getByRole('button', { name: 'К списку чатов' }).click();
      await expect.poll(() => clubItem.count()).toBe(0);
      // Another chat open (on a laptop the archived one stayed open, reading what comes).
      await m.locator(`[data-chat="${cls}"]`).click();
      if (device === 'phone') await m.getByRole('button', { name: 'К списку чатов' }).click();
      // News in the archived chat: counted on the way into the archive, not put back in the list.
      await teacherApi.send(club, 'Фото с последнего занятия');
      const toggle = m.getByRole('button', { name: /^Архив: 1/ });
      await toggle.getByLabel('1 непрочитанное').waitFor();
      expect((await layoutReport(m, [])).overflowX).toBe(0);
      await screenshot(m, `${device}-archive-list`);

      // The server holds it: after a reload it is still in the archive only.
      await m.reload();
      await m.locator(`[data-chat="${cls}"]`).waitFor();
      expect(await clubItem.count()).toBe(0);
      await m.getByRole('button', { name: /^Архив: 1/ }).click();
      await m.getByRole('heading', { name: 'Архив' }).waitFor();
      await clubItem.waitFor();
      expect(await m.locator(`[data-chat="${cls}"]`).count()).toBe(0);
      await screenshot(m, `${device}-archive-open`);
      await clubItem.click();
      await m.getByRole('button', { name: 'Из архива' }).click();
      await m.getByRole('status').filter({ hasText: 'Чат возвращён из архива' }).waitFor();
      if (device === 'phone') await m.getByRole('button', { name: 'К списку чатов' }).click();
      await m.getByRole('button', { name: 'Закрыть архив' }).click();
      await clubItem.waitFor();
      await m.locator(`[data-chat="${cls}"]`).waitFor();

      // Only hers: the teacher never archived it.
      const prefs = (await teacherApi.request({ getPrefs: {} })).prefs!;
      expect(prefs.archivedChats ?? []).toEqual([]);
    });
  }

  it('in English the labels are English', async () => {
    const chatId = (await teacherApi.request({ createChat: { title: 'Old club', members: [mother.userId] } }))
      .chat!.chatId!;
    const m = await scene.open(mother, 'laptop', undefined, { english: true });
    await m.locator(`[data-chat="${chatId}"]`).click();
    await m.getByRole('button', { name: 'Archive', exact: true }).click();
    await m.getByRole('button', { name: 'Unarchive' }).waitFor();
    await m.getByRole('button', { name: /^Archive: 1/ }).waitFor();
    await screenshot(m, 'laptop-archive-en');
  });
});
