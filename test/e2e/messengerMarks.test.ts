// One's own marks on a chat (#25), at 360 px and 1366 px: a mother marks the
// class chat unread from her chat list (a dot; a reload and a second device
// keep it: the server holds it), marks it read again, marks a chat with a new
// message read without opening it, and clears the chat's history for herself
// («Очистить историю»): her second device, with the chat open, drops the
// messages at once without a reload; «История очищена.» is a neutral status;
// it stays cleared after a reload, while the teacher keeps every message.
// In English the menu is English. A teacher's chat with a long title keeps
// the title readable in the header: on a phone the parts' actions fold into
// «⋯» (the chat's people and settings, schedule a lesson, homework, the
// class's awards), on a laptop they stay; «7 «Б» — родители» fits uncut on a
// phone for the teacher and for a parent.
// Screenshots: test-artifacts/screenshots/{phone,laptop}-marks-{menu,unread,clear,cleared,cleared-elsewhere}.png, laptop-marks-en.png,
// {phone,laptop}-chat-head-long-title.png, phone-chat-head-more.png,
// phone-chat-head-class-name-{teacher,parent}.png.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { layoutReport, screenshot } from '../helpers/callPage.js';
import type { TestChatClient } from '../helpers/chatServer.js';
import { chatAction, messengerScene } from '../helpers/messengerScene.js';

let teacherApi: TestChatClient;
const teacher = {
  userId: 'mk-t',
  displayName: 'Ирина Павловна Котова',
  sortName: 'Котова Ирина',
  role: 'teacher' as const,
};
const mother = {
  userId: 'mk-m',
  displayName: 'Ольга Андреева',
  sortName: 'Андреева Ольга',
  role: 'parent' as const,
};

const texts = async (chatId: string) =>
  ((await teacherApi.request({ getHistory: { chatId, limit: 50 } })).page!.messages ?? [])
    .filter((m) => m.text)
    .map((m) => m.text);

describe.skipIf(!chromiumAvailable())('one’s own marks on a chat', () => {
  const scene = messengerScene(teacher, [mother]);
  beforeAll(() => {
    ({ teacherApi } = scene);
  });

  for (const device of ['phone', 'laptop'] as const) {
    it(`on a ${device}: mark unread and read from the list, clear the history for oneself`, async () => {
      const title = device === 'phone' ? 'Класс 2Б' : 'Класс 9А';
      const chatId = (await teacherApi.request({ createChat: { title, members: [mother.userId] } })).chat!
        .chatId!;
      await teacherApi.send(chatId, 'Завтра контрольная по математике');
      await teacherApi.send(chatId, 'Не забудьте линейки');

      const m = await scene.open(mother, device, chatId);
      const item = m.locator(`[data-chat="${chatId}"]`);
      const menu = m.getByRole('button', { name: `Действия с чатом «${title}»` });
      await item.click();
      await m.locator('.msg-text', { hasText: 'Не забудьте линейки' }).waitFor();
      if (device === 'phone') await m.getByRole('button', { name: 'К списку чатов' }).click();
      await expect.poll(() => item.locator('.badge').count(), { timeout: 15_000 }).toBe(0);

      // Unread by hand: a dot, kept by the server across a reload.
      await menu.click();
      await screenshot(m, `${device}-marks-menu`);
      await m.getByRole('menuitem', { name: 'Отметить непрочитанным' }).click();
      const mark = item.getByRole('img', { name: 'Отмечен непрочитанным' });
      await mark.waitFor();
      await m.reload();
      await mark.waitFor();
      expect((await layoutReport(m, [])).overflowX).toBe(0);
      await screenshot(m, `${device}-marks-unread`);
      await menu.click();
      await m.getByRole('menuitem', { name: 'Отметить прочитанным' }).click();
      await expect.poll(() => mark.count(), { timeout: 15_000 }).toBe(0);

      // A new message, read from the list without opening the chat.
      if (device === 'laptop') await m.locator(`[data-chat]:not([data-chat="${chatId}"])`).first().click();
      await teacherApi.send(chatId, 'Начало в 9:00');
      await item.getByLabel(/^1 непрочитанн/).waitFor();
      await menu.click();
      await m.getByRole('menuitem', { name: 'Отметить прочитанным' }).click();
      await expect.poll(() => item.locator('.badge').count(), { timeout: 15_000 }).toBe(0);
      const listed = async () =>
        (await (await scene.s.client(mother)).request({ listChats: {} })).chats!.chats!.find(
          (c) => c.chatId === chatId,
        )!;
      expect((await listed()).unread).toBe(0);

      // Her other device has the chat open: it is told at once, without a reload.
      const otherDevice = device === 'phone' ? 'laptop' : 'phone';
      const other = await scene.open(mother, otherDevice, chatId);
      await other.locator(`[data-chat="${chatId}"]`).click();
      await other.locator('.msg-text', { hasText: 'Не забудьте линейки' }).waitFor();

      // Clear the history for herself: gone here, after a reload and on another device; the teacher keeps it.
      await item.click();
      await chatAction(m, /^Участники и настройки/);
      await m.getByRole('button', { name: 'Очистить историю' }).click();
      await m.getByText('Сообщения исчезнут только у вас').waitFor();
      await screenshot(m, `${device}-marks-clear`);
      await m.getByRole('button', { name: 'Очистить', exact: true }).click();
      // Word of what was done, not an error: a status, not in the refusals' red.
      const notice = m.getByRole('status').filter({ hasText: 'История очищена.' });
      await notice.waitFor();
      expect(await notice.evaluate((e) => getComputedStyle(e).backgroundColor)).not.toBe('rgb(90, 31, 34)');
      await expect
        .poll(() => m.locator('.msg-text', { hasText: 'Не забудьте линейки' }).count(), { timeout: 15_000 })
        .toBe(0);
      await screenshot(m, `${device}-marks-cleared`);
      await expect
        .poll(() => other.locator('.msg-text', { hasText: 'Завтра контрольная по математике' }).count(), {
          timeout: 15_000,
        })
        .toBe(0);
      expect(await other.locator('.msg-text').count()).toBe(0);
      await screenshot(other, `${otherDevice}-marks-cleared-elsewhere`);
      await m.reload();
      await item.click();
      await m.locator('#composer-text').waitFor();
      expect(await m.locator('.msg-text', { hasText: 'Начало в 9:00' }).count()).toBe(0);
      expect(await texts(chatId)).toEqual([
        'Завтра контрольная по математике',
        'Не забудьте линейки',
        'Начало в 9:00',
      ]);
      // What comes next is there as usual, on both.
      await teacherApi.send(chatId, 'Удачи всем!');
      await m.locator('.msg-text', { hasText: 'Удачи всем!' }).waitFor();
      await other.locator('.msg-text', { hasText: 'Удачи всем!' }).waitFor();
    }, 120_000);
  }

  for (const device of ['phone', 'laptop'] as const) {
    it(`on a ${device}: a long chat title stays readable in a teacher's chat header`, async () => {
      const title = 'Родители 5А класса: организационные вопросы и экскурсии';
      const chatId = (await teacherApi.request({ createChat: { title, members: [mother.userId] } })).chat!
        .chatId!;
      const page = await scene.open(teacher, device, chatId);
      await page.locator(`[data-chat="${chatId}"]`).click();
      const heading = page.locator('.chat-head h2');
      await heading.waitFor();
      await screenshot(page, `${device}-chat-head-long-title`);
      const box = await heading.evaluate((e) => ({
        width: e.getBoundingClientRect().width,
        cut: e.scrollWidth > e.clientWidth,
        title: e.getAttribute('title'),
      }));
      // A good part of the phone's width (before: the buttons left it a few letters); the full title on hover.
      expect(box.width).toBeGreaterThan(device === 'phone' ? 165 : 600);
      expect(box.title).toBe(title);
      expect(box.cut).toBe(device === 'phone');
      expect((await layoutReport(page, [])).overflowX).toBe(0);
      const more = page.getByRole('button', { name: 'Ещё действия с чатом' });
      if (device === 'phone') {
        // The secondary actions are folded into «⋯»; the calls stay in sight.
        await page.getByRole('button', { name: 'Аудиозвонок' }).waitFor();
        expect(await page.getByRole('button', { name: 'Награды класса' }).count()).toBe(0);
        await more.click();
        for (const name of [
          /^Участники и настройки/,
          'Запланировать урок',
          'Сбор файлов в этом чате',
          'Награды класса',
        ])
          await page.getByRole('menuitem', { name }).waitFor();
        await screenshot(page, 'phone-chat-head-more');
        await page.getByRole('menuitem', { name: 'Награды класса' }).click();
      } else {
        expect(await more.isVisible()).toBe(false);
        await page.getByRole('button', { name: 'Награды класса' }).click();
      }
      await page.locator('#class-awards').waitFor();
    }, 90_000);
  }

  it('on a phone: a class chat’s usual name fits in the header, for the teacher and for a parent', async () => {
    const title = '7 «Б» — родители';
    const chatId = (await teacherApi.request({ createChat: { title, members: [mother.userId] } })).chat!
      .chatId!;
    for (const [who, person] of [
      ['teacher', teacher],
      ['parent', mother],
    ] as const) {
      const page = await scene.open(person, 'phone', chatId);
      await page.locator(`[data-chat="${chatId}"]`).click();
      const heading = page.locator('.chat-head h2');
      await heading.waitFor();
      const box = await heading.evaluate((e) => ({
        width: e.getBoundingClientRect().width,
        cut: e.scrollWidth > e.clientWidth,
      }));
      await screenshot(page, `phone-chat-head-class-name-${who}`);
      // Before: the members button beside the calls and «⋯» left the title 128 px, and this name was cut.
      expect(box.width).toBeGreaterThan(165);
      expect(box.cut).toBe(false);
      // The chat's people and settings are the «⋯» menu's first item.
      await chatAction(page, /^Участники и настройки/);
      await page.locator('#chat-info').waitFor();
    }
  }, 90_000);

  it('in English the menu is English', async () => {
    const chatId = (await teacherApi.request({ createChat: { title: 'Class 1A', members: [mother.userId] } }))
      .chat!.chatId!;
    const m: Page = await scene.open(mother, 'laptop', chatId, { english: true });
    const menu = m.getByRole('button', { name: 'Actions for «Class 1A»' });
    await menu.click();
    await m.getByRole('menuitem', { name: 'Mark as read' }).click();
    await expect.poll(() => m.locator(`[data-chat="${chatId}"] .badge`).count(), { timeout: 15_000 }).toBe(0);
    await menu.click();
    await m.getByRole('menuitem', { name: 'Mark as unread' }).click();
    await m.locator(`[data-chat="${chatId}"]`).getByRole('img', { name: 'Marked unread' }).waitFor();
    await m.locator(`[data-chat="${chatId}"]`).click();
    await m.getByRole('button', { name: /^People and settings/ }).click();
    await m.getByRole('button', { name: 'Clear history' }).waitFor();
    await screenshot(m, 'laptop-marks-en');
    // Opening the chat took the mark off.
    await expect
      .poll(
        async () =>
          (await (await scene.s.client(mother)).request({ getPrefs: {} })).prefs!.markedUnread ?? [],
        {
          timeout: 15_000,
        },
      )
      .not.toContain(chatId);
  });
});
