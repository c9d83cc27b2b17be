// The teacher's day in the messenger (#24), in the browser at laptop and
// phone size, through the real web client and server: a teacher starts an
// audio call from a class chat's header and a parent, whose messenger is
// open on a phone, sees it ring and joins with one tap; a teacher schedules
// a weekly lesson with "Запланировать урок" and the invitation (the zone in
// words) lands in the class chat with a join button; a parent is offered no
// scheduling and the server refuses it. Screenshots: test-artifacts/
// screenshots/{laptop,phone}-teacherday-*.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { type Device, layoutReport, screenshot } from '../helpers/callPage.js';
import { type TestPerson, cpb } from '../helpers/chatServer.js';
import { chatAction, messengerScene } from '../helpers/messengerScene.js';

let chatId: string;
const teacher = { userId: 'td-t', displayName: 'Мария Ивановна Соколова', sortName: 'Соколова Мария' };
const mother = {
  userId: 'td-m',
  displayName: 'Ольга Андреева',
  sortName: 'Андреева Ольга',
  role: 'parent' as const,
};

describe.skipIf(!chromiumAvailable())("the teacher's day in the messenger", () => {
  const scene = messengerScene(teacher, [mother], async (api) => {
    chatId = (await api.request({ createChat: { title: '5А класс', members: [mother.userId] } })).chat!
      .chatId!;
    await api.send(chatId, 'Добрый день! Завтра контрольная.');
  });

  const open = (person: TestPerson, device: Device): Promise<Page> => scene.open(person, device, chatId);

  it(
    'a teacher starts an audio call from the chat; the parent’s phone rings and she joins with one tap',
    { timeout: 120_000 },
    async () => {
      const parent = await open(mother, 'phone');
      const page = await open(teacher, 'laptop');
      await page.locator(`[data-chat="${chatId}"]`).click();
      await page.getByRole('button', { name: 'Видеозвонок' }).waitFor();
      await screenshot(page, 'laptop-teacherday-chat');
      const report = await layoutReport(page, ['Мария']);
      expect(report.overflowX).toBe(0);
      expect(report.englishWords).toEqual([]);
      await page.getByRole('button', { name: 'Аудиозвонок' }).click();
      // The teacher lands on the call's device check, camera off for an audio call.
      await page.waitForURL(/\/room\/[^#]+#token=.+&audio=1$/);
      await expect.poll(() => page.locator('#camera-on').isChecked()).toBe(false);
      await screenshot(page, 'laptop-teacherday-audio-check');
      // The parent's open messenger rings; one tap joins.
      const ringing = parent.getByRole('alertdialog');
      await ringing.getByText('Аудиозвонок', { exact: false }).waitFor();
      await ringing.getByText(teacher.displayName).waitFor();
      await screenshot(parent, 'phone-teacherday-ringing');
      expect((await layoutReport(parent, [])).overflowX).toBe(0);
      await ringing.getByRole('button', { name: 'Присоединиться' }).click();
      await parent.waitForURL(/\/room\/[^#]+#token=.+&audio=1$/);
      // Both are in the same room, the parent not as its host.
      const roomOf = (p: Page) => new URL(p.url()).pathname;
      expect(roomOf(parent)).toBe(roomOf(page));
      await expect.poll(() => parent.locator('#camera-on').isChecked()).toBe(false);
      await screenshot(parent, 'phone-teacherday-audio-check');
    },
  );

  it('the ringing stops when put off, and the chat keeps the join button', { timeout: 120_000 }, async () => {
    await scene.teacherApi.request({ startCall: { chatId, title: 'Консультация', audioOnly: false } });
    const parent = await open(mother, 'phone');
    const ringing = parent.getByRole('alertdialog');
    await ringing.getByText('Видеозвонок', { exact: false }).waitFor();
    await ringing.getByRole('button', { name: 'Не сейчас' }).click();
    await expect.poll(() => ringing.count()).toBe(0);
    await parent.locator(`[data-chat="${chatId}"]`).click();
    await parent.getByRole('button', { name: 'Войти в звонок: Консультация' }).waitFor();
  });

  it(
    'a teacher schedules a weekly lesson; the invitation with the zone in words lands in the class chat',
    { timeout: 120_000 },
    async () => {
      const page = await open(teacher, 'laptop');
      await page.locator(`[data-chat="${chatId}"]`).click();
      await page.getByRole('button', { name: 'Запланировать урок' }).click();
      await page.getByLabel('Тема урока').fill('Математика: дроби');
      const year = new Date().getFullYear() + 1;
      await page.getByLabel('Дата').fill(`${year}-03-10`);
      await page.getByLabel('Начало').fill('09:30');
      await page.getByRole('button', { name: '45 мин' }).click();
      await page.getByLabel('Часовой пояс').selectOption({ label: 'Москва, UTC+3' });
      await page.getByLabel('Повторять каждую неделю').check();
      await page.getByLabel('Сколько раз').fill('8');
      await screenshot(page, 'laptop-teacherday-schedule');
      expect((await layoutReport(page, ['UTC'])).englishWords).toEqual([]);
      await page.getByRole('button', { name: 'Запланировать', exact: true }).click();
      const invitation = page.locator('#lesson-invitation');
      await invitation.waitFor();
      const text = (await invitation.textContent()) ?? '';
      expect(text).toContain('Математика: дроби');
      expect(text).toContain('09:30–10:15 (Москва, UTC+3)');
      expect(text).toContain('8 раз');
      expect(text).not.toContain('Europe/Moscow');
      await screenshot(page, 'laptop-teacherday-scheduled');
      await page.getByRole('button', { name: 'Вернуться в чат' }).click();
      await page.getByRole('button', { name: 'Войти в звонок: Математика: дроби' }).waitFor();
      // Stored as a message of the chat, with the lesson's own room; in "my lessons".
      const history = await scene.teacherApi.request({ getHistory: { chatId } });
      const posted = history.page!.messages!.find((m) => m.call?.title === 'Математика: дроби')!;
      expect(posted.text).toBe(text);
      const { lessons } = await scene.teacherApi.request({ listMyLessons: {} });
      expect(lessons!.lessons!.map((l) => [l.title, l.roomId, l.weeklyCount])).toEqual([
        ['Математика: дроби', posted.call!.roomId, 8],
      ]);
      // "Мои уроки" lists it with the zone in words.
      await page.getByRole('button', { name: 'Мои уроки' }).click();
      const item = page.locator('.lesson-item', { hasText: 'Математика: дроби' });
      await item.getByText('Москва, UTC+3').waitFor();
      await item.getByText('10 марта, 09:30', { exact: false }).waitFor();
      await item.getByText('еженедельно, 8 раз', { exact: false }).waitFor();
      await screenshot(page, 'laptop-teacherday-my-lessons');
      await item.getByRole('button', { name: 'Открыть чат: 5А класс' }).click();
      await page.getByRole('button', { name: 'Войти в звонок: Математика: дроби' }).waitFor();
      // The parent sees it in the chat on her phone.
      const parent = await open(mother, 'phone');
      await parent.locator(`[data-chat="${chatId}"]`).click();
      await parent.getByRole('button', { name: 'Войти в звонок: Математика: дроби' }).waitFor();
      await screenshot(parent, 'phone-teacherday-invitation');
    },
  );

  it(
    'on a phone the form fits the screen; a parent is offered no scheduling and the server refuses it',
    { timeout: 120_000 },
    async () => {
      const page = await open(teacher, 'phone');
      await page.locator(`[data-chat="${chatId}"]`).click();
      await chatAction(page, 'Запланировать урок');
      await page.getByLabel('Тема урока').fill('Классный час');
      const report = await layoutReport(page, ['UTC']);
      expect(report.overflowX).toBe(0);
      await screenshot(page, 'phone-teacherday-schedule');
      // Over an hour reads as hours.
      await page.getByRole('button', { name: '2 ч' }).click();
      await expect
        .poll(() => page.getByRole('button', { name: '2 ч' }).getAttribute('aria-pressed'))
        .toBe('true');

      await page.getByRole('button', { name: 'Мои уроки' }).click();
      await page.locator('.lesson-item', { hasText: 'Математика: дроби' }).waitFor();
      expect((await layoutReport(page, ['UTC'])).overflowX).toBe(0);
      await screenshot(page, 'phone-teacherday-my-lessons');
      // "Создать звонок по ссылке": link, code and password to copy, and the way in as host.
      await page.getByRole('button', { name: 'Создать звонок по ссылке' }).click();
      const code = (await page.locator('#link-call-code').textContent()) ?? '';
      expect(code).toMatch(/^\d{3}-\d{3}-\d+$/);
      expect(await page.locator('#link-call-link').textContent()).toMatch(
        new RegExp(`^https?://[^/]+/j/${code}$`),
      );
      expect((await page.locator('#link-call-password').textContent())?.length).toBeGreaterThan(3);
      await page.getByRole('button', { name: 'Скопировать: Код' }).waitFor();
      expect((await layoutReport(page, ['UTC'])).overflowX).toBe(0);
      await screenshot(page, 'phone-teacherday-link-call');
      await page.getByRole('button', { name: 'Войти в звонок', exact: true }).click();
      await page.waitForURL(/\/room\/[^#]+#token=/);

      const parent = await open(mother, 'phone');
      expect(await parent.getByRole('button', { name: 'Мои уроки' }).count()).toBe(0);
      await parent.locator(`[data-chat="${chatId}"]`).click();
      await parent.getByRole('button', { name: 'Аудиозвонок' }).waitFor();
      expect(await parent.getByRole('button', { name: 'Запланировать урок' }).count()).toBe(0);
      // Nor in the header's «⋯» menu, where a phone folds the parts' actions.
      const more = parent.getByRole('button', { name: 'Ещё действия с чатом' });
      if (await more.count()) {
        await more.click();
        expect(await parent.getByRole('menuitem', { name: 'Запланировать урок' }).count()).toBe(0);
        await parent.keyboard.press('Escape');
      }
      const parentApi = await scene.s.client(mother);
      try {
        const refused = await parentApi
          .request({
            scheduleLesson: {
              chatId,
              title: 'Не урок',
              startsAt: `${new Date().getFullYear() + 1}-03-10T09:00`,
              timeZone: 'Europe/Moscow',
              durationMinutes: 45,
            },
          })
          .then(
            () => null,
            (err: { code?: number }) => err.code,
          );
        expect(refused).toBe(cpb.ChatErrorCode.CHAT_ERROR_FORBIDDEN);
        const noLink = await parentApi.request({ createLinkCall: {} }).then(
          () => null,
          (err: { code?: number }) => err.code,
        );
        expect(noLink).toBe(cpb.ChatErrorCode.CHAT_ERROR_FORBIDDEN);
        // Bad input is refused with a typed error and books nothing.
        const bad = await scene.teacherApi
          .request({
            scheduleLesson: {
              chatId,
              title: 'X',
              startsAt: '2020-01-01T09:00',
              timeZone: 'Europe/Moscow',
              durationMinutes: 45,
            },
          })
          .then(
            () => null,
            (err: { code?: number }) => err.code,
          );
        expect(bad).toBe(cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT);
        const { lessons } = await scene.teacherApi.request({ listMyLessons: {} });
        expect(lessons!.lessons!.length).toBe(1);
      } finally {
        parentApi.close();
      }
    },
  );
});
