// Scheduled posts on the screen (#25), at 360 px and 1366 px. A mother types
// a message, taps «Отправить позже», picks tomorrow evening and taps
// «Запланировать»; the chat shows «Запланированные: 1», where she changes
// the words. The teacher (the chat's admin) sees her post with «Автор: …»,
// may change only its time, and cancels another one; when a post's time
// comes it appears in the chat and leaves the list. In English the labels
// are English. Screenshots: test-artifacts/screenshots/{phone,laptop}-sched-{composer,list,edit,admin}.png,
// laptop-sched-en.png.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { layoutReport, screenshot } from '../helpers/callPage.js';
import type { ChatTestServer, TestChatClient } from '../helpers/chatServer.js';
import { messengerScene } from '../helpers/messengerScene.js';

let s: ChatTestServer;
let teacherApi: TestChatClient;
const teacher = {
  userId: 'sc-t',
  displayName: 'Ирина Павловна Котова',
  sortName: 'Котова Ирина',
  role: 'teacher' as const,
};
const mother = {
  userId: 'sc-m',
  displayName: 'Ольга Андреева',
  sortName: 'Андреева Ольга',
  role: 'parent' as const,
};

/** Tomorrow at `hh:mm` as the page's datetime-local input takes it (the page's time zone). */
const tomorrowAt = (page: Page, hhmm: string) =>
  page.evaluate((at) => {
    const d = new Date(Date.now() + 86_400_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${at}`;
  }, hhmm);

describe.skipIf(!chromiumAvailable())('scheduled posts in the messenger', () => {
  const scene = messengerScene(teacher, [mother]);
  beforeAll(() => {
    ({ s, teacherApi } = scene);
  });

  for (const device of ['phone', 'laptop'] as const) {
    it(`on a ${device}: the author schedules and edits a post; the admin moves and cancels; a due post is sent`, async () => {
      const title = device === 'phone' ? 'Родители 3В' : 'Родители 7А';
      const chatId = (await teacherApi.request({ createChat: { title, members: [mother.userId] } })).chat!
        .chatId!;

      const m = await scene.open(mother, device);
      await m.locator(`[data-chat="${chatId}"]`).click();
      const box = m.getByRole('textbox', { name: 'Сообщение' });
      await box.click();
      await box.pressSequentially('Завтра заберу Сашу в 15:00');
      await m.getByRole('button', { name: 'Отправить позже' }).click();
      await m.getByLabel('Когда отправить').fill(await tomorrowAt(m, '08:30'));
      await m.getByText('Сообщение уйдёт').waitFor();
      expect((await layoutReport(m, [])).overflowX).toBe(0);
      await screenshot(m, `${device}-sched-composer`);
      await m.getByRole('button', { name: 'Запланировать' }).click();
      await m.getByRole('status').filter({ hasText: 'Запланировано на' }).waitFor();
      // Not sent: the chat has no such message, and the box is empty again.
      expect(await m.locator('.msg-text', { hasText: 'заберу Сашу' }).count()).toBe(0);
      await expect.poll(() => box.inputValue()).toBe('');

      await m.getByRole('button', { name: 'Запланированные: 1' }).click();
      const dialog = m.getByRole('dialog', { name: 'Запланированные' });
      await dialog.getByText('Завтра заберу Сашу в 15:00').waitFor();
      await screenshot(m, `${device}-sched-list`);
      await dialog.getByRole('button', { name: 'Изменить' }).click();
      const text = dialog.getByRole('textbox', { name: 'Текст' });
      await text.fill('Завтра заберу Сашу в 14:00');
      await screenshot(m, `${device}-sched-edit`);
      await dialog.getByRole('button', { name: 'Сохранить' }).click();
      await dialog.getByText('Завтра заберу Сашу в 14:00').waitFor();
      await dialog.getByRole('button', { name: 'Закрыть' }).click();

      // The server holds the new words.
      const listed = async () =>
        ((await teacherApi.request({ listScheduled: { chatId } })).scheduledList!.posts ?? []).map(
          (p) => p.text,
        );
      expect(await listed()).toEqual(['Завтра заберу Сашу в 14:00']);

      // The teacher, the chat's admin, sees the mother's post and one more, with their author.
      const motherApi = await s.client(mother);
      await motherApi.request({
        schedulePost: { chatId, text: 'Напоминание про сменку', sendAt: Date.now() + 7200_000 },
      });
      const t = await scene.open(teacher, device);
      await t.locator(`[data-chat="${chatId}"]`).click();
      await t.getByRole('button', { name: 'Запланированные: 2' }).click();
      const list = t.getByRole('dialog', { name: 'Запланированные' });
      const first = list.locator('.scheduled-item', { hasText: 'заберу Сашу' });
      await first.getByText('Автор: Ольга Андреева').waitFor();
      await first.getByRole('button', { name: 'Изменить' }).click();
      // Someone else's words are not hers to change; the time is.
      expect(await first.getByRole('textbox', { name: 'Текст' }).count()).toBe(0);
      await first.getByText('Текст может изменить только автор').waitFor();
      await first.getByLabel('Когда отправить').fill(await tomorrowAt(t, '09:15'));
      expect((await layoutReport(t, [])).overflowX).toBe(0);
      await screenshot(t, `${device}-sched-admin`);
      await first.getByRole('button', { name: 'Сохранить' }).click();
      await first.getByText('09:15').waitFor();
      await list
        .locator('.scheduled-item', { hasText: 'сменку' })
        .getByRole('button', { name: 'Отменить отправку' })
        .click();
      await expect.poll(listed).toEqual(['Завтра заберу Сашу в 14:00']);
      await expect.poll(() => list.locator('.scheduled-item').count()).toBe(1);
      await list.getByRole('button', { name: 'Закрыть' }).click();

      // Its time comes: the post is in the chat in the mother's name, and the list is empty.
      const [post] = (await teacherApi.request({ listScheduled: { chatId } })).scheduledList!.posts ?? [];
      await motherApi.request({ updateScheduled: { chatId, id: post!.id, sendAt: Date.now() + 1500 } });
      await t
        .locator('.msg', { hasText: 'Завтра заберу Сашу в 14:00' })
        .getByText('Ольга Андреева')
        .waitFor();
      await expect.poll(() => t.getByRole('button', { name: /Запланированные/ }).count()).toBe(0);
      motherApi.close();
    });
  }

  it('in English the controls are in English', async () => {
    const chatId = (
      await teacherApi.request({ createChat: { title: 'Parents 1A', members: [mother.userId] } })
    ).chat!.chatId!;
    const m = await scene.open(mother, 'laptop', undefined, { english: true });
    await m.locator(`[data-chat="${chatId}"]`).click();
    const box = m.getByRole('textbox', { name: 'Message' });
    await box.click();
    await box.pressSequentially('See you tomorrow');
    await m.getByRole('button', { name: 'Send later' }).click();
    await m.getByLabel('When to send').fill(await tomorrowAt(m, '10:00'));
    await m.getByRole('button', { name: 'Schedule' }).click();
    await m.getByRole('button', { name: 'Scheduled: 1' }).click();
    await m
      .getByRole('dialog', { name: 'Scheduled' })
      .getByRole('button', { name: 'Cancel sending' })
      .waitFor();
    await screenshot(m, 'laptop-sched-en');
  });
});
