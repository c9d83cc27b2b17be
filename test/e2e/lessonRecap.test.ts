// «Итоги урока» in the browser (#24), through the real web client and server:
// a teacher starts a video lesson from the class chat, a pupil joins from the
// ringing banner on a phone (fake camera and microphone), the teacher ends it
// with «Завершить урок для всех»; the end screen links to the lesson's page,
// the class chat gets the «Итоги урока» card, the teacher opens it and sees
// both people in the attendance table and downloads the CSV (UTF-8 with BOM,
// semicolons, Russian column names); the pupil opening the same card sees the
// page without any attendance. A lesson scheduled into the class chat is
// announced in both messengers by the reminder banner, which opens the chat
// with the lesson's join button. Screenshots: test-artifacts/screenshots/
// {laptop,phone}-recap-*, {laptop,phone}-reminder.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { layoutReport, screenshot, waitInCall } from '../helpers/callPage.js';
import { messengerScene } from '../helpers/messengerScene.js';

let chatId: string;
const teacher = { userId: 'lr-t', displayName: 'Мария Ивановна Соколова', sortName: 'Соколова Мария' };
const pupil = {
  userId: 'lr-p',
  displayName: 'Петя Васильев',
  sortName: 'Васильев Петя',
  role: 'student' as const,
};

/** The call's device check, passed by its visible button. */
async function enterLesson(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Войти в урок' }).click({ timeout: 20_000 });
  await waitInCall(page);
}

describe.skipIf(!chromiumAvailable())('«Итоги урока» after a lesson', () => {
  const scene = messengerScene(teacher, [pupil], async (api) => {
    chatId = (await api.request({ createChat: { title: '5А класс', members: [pupil.userId] } })).chat!
      .chatId!;
  });

  it(
    'the teacher ends the lesson, opens the card from the class chat, sees both people and downloads the CSV; the pupil sees no attendance',
    { timeout: 180_000 },
    async () => {
      const kid = await scene.open(pupil, 'phone', chatId);
      const page = await scene.open(teacher, 'laptop', chatId);
      await page.locator(`[data-chat="${chatId}"]`).click();
      await page.getByRole('button', { name: 'Видеозвонок' }).click();
      await page.waitForURL(/\/room\//);
      await enterLesson(page);
      const ringing = kid.getByRole('alertdialog');
      await ringing.getByRole('button', { name: 'Присоединиться' }).click();
      await kid.waitForURL(/\/room\//);
      await enterLesson(kid);
      await page.locator('.tile .name', { hasText: pupil.displayName }).waitFor({ timeout: 20_000 });
      // The teacher writes in the lesson's chat: it is counted, and the page's chat log has it.
      await page.locator('#chat-button').click();
      await page.getByRole('textbox', { name: 'Сообщение' }).fill('Откройте учебник на с. 42');
      await page.getByRole('button', { name: 'Отправить' }).click();
      await page.locator('#panel-chat .msg-text', { hasText: 'Откройте учебник на с. 42' }).waitFor();

      // «Завершить урок для всех» from "Ещё", confirmed.
      await page.getByRole('button', { name: 'Ещё' }).click();
      await page.getByRole('menuitem', { name: 'Завершить урок для всех' }).click();
      await page.getByRole('button', { name: 'Завершить', exact: true }).click();
      const toRecap = page.getByRole('link', { name: 'Итоги урока' });
      await toRecap.waitFor();
      await screenshot(page, 'laptop-recap-end-screen');
      // The pupil's end screen offers no lesson page.
      await kid.locator('#end').waitFor();
      expect(await kid.getByRole('link', { name: 'Итоги урока' }).count()).toBe(0);

      // The class chat has the card; the teacher opens the lesson's page from it.
      await page.goto(page.url().replace(/\/room\/.*$/, '/messenger'));
      await page.locator(`[data-chat="${chatId}"]`).click();
      const card = page.getByRole('link', { name: 'Итоги урока: 5А класс' });
      await card.waitFor({ timeout: 15_000 });
      await screenshot(page, 'laptop-recap-card');
      await card.click();
      await page.waitForURL(/\/lessons\/[A-Za-z0-9_-]+$/);
      const table = page.locator('#recap-attendance table');
      await table.waitFor();
      await page.getByRole('heading', { name: '5А класс' }).waitFor();
      const rows = table.locator('tbody tr');
      expect(await rows.count()).toBe(2);
      await rows.filter({ hasText: teacher.displayName }).getByText('учитель').waitFor();
      await rows.filter({ hasText: pupil.displayName }).getByText('участник').waitFor();
      const report = await layoutReport(page, [teacher.displayName, pupil.displayName, 'CSV']);
      expect(report.overflowX).toBe(0);
      expect(report.englishWords).toEqual([]);
      await screenshot(page, 'laptop-recap-page');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Скачать CSV' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^Посещаемость 5А класс \d{4}-\d{2}-\d{2}\.csv$/);
      const bytes = readFileSync((await download.path())!);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'ФИО;Роль;Гость;Первый вход;Последний выход;Минут в уроке;Входов;Поднятых рук;Сообщений в чате;Ответов в опросах',
      );
      expect(lines).toHaveLength(3);
      const csv = new Map(lines.slice(1).map((l) => [l.split(';')[0], l.split(';')]));
      expect(csv.get(teacher.displayName)?.slice(1, 3)).toEqual(['учитель', 'нет']);
      expect(csv.get(pupil.displayName)?.slice(1, 3)).toEqual(['участник', 'нет']);
      expect(csv.get(pupil.displayName)?.[6]).toBe('1');
      expect(csv.get(teacher.displayName)?.[8]).toBe('1');
      expect(csv.get(pupil.displayName)?.[8]).toBe('0');
      await page.locator('#recap-chat').getByText('Откройте учебник на с. 42').waitFor();
      for (const row of csv.values()) {
        expect(row[3]).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);
        expect(row[4]).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);
      }
      // English on the same page.
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('button', { name: 'Download CSV' }).waitFor();
      await screenshot(page, 'laptop-recap-page-en');
      await page.getByRole('button', { name: 'Русский' }).click();
      const lessonUrl = page.url();

      // The teacher on a phone: the page fits the width (the table scrolls in its frame).
      const phone = await scene.open(teacher, 'phone');
      await phone.goto(lessonUrl);
      await phone.locator('#recap-attendance table').waitFor();
      expect((await layoutReport(phone, [teacher.displayName, pupil.displayName])).overflowX).toBe(0);
      await screenshot(phone, 'phone-recap-page');

      // The pupil opens the card in the class chat: the page, and no attendance anywhere in it.
      await kid.goto(kid.url().replace(/\/room\/.*$/, '/messenger'));
      await kid.locator(`[data-chat="${chatId}"]`).click();
      const kidCard = kid.getByRole('link', { name: 'Итоги урока: 5А класс' });
      await kidCard.waitFor();
      await screenshot(kid, 'phone-recap-card');
      await kidCard.click();
      await kid.getByRole('heading', { name: '5А класс' }).waitFor();
      await kid.getByRole('heading', { name: 'Чат урока' }).waitFor();
      // The lesson chat's log, which the pupil was in.
      await kid.locator('#recap-chat').getByText('Откройте учебник на с. 42').waitFor();
      expect(await kid.locator('#recap-attendance').count()).toBe(0);
      expect(await kid.getByText('Посещаемость').count()).toBe(0);
      expect((await layoutReport(kid, [])).overflowX).toBe(0);
      await screenshot(kid, 'phone-recap-page-pupil');
    },
  );

  it(
    'a lesson scheduled in ten minutes shows the reminder banner to the class and the teacher',
    { timeout: 120_000 },
    async () => {
      // Moscow wall-clock time ten minutes from now, as the form sends it (Moscow has no DST).
      const startsAt = new Date(Date.now() + 10 * 60_000 + 3 * 3600_000).toISOString().slice(0, 16);
      await scene.teacherApi.request({
        scheduleLesson: {
          chatId,
          title: 'Литература',
          startsAt,
          timeZone: 'Europe/Moscow',
          durationMinutes: 45,
        },
      });
      const kid = await scene.open(pupil, 'phone', chatId);
      const page = await scene.open(teacher, 'laptop', chatId);
      // The hosts look at the lessons every half minute.
      const banner = kid.getByRole('status').filter({ hasText: /Урок «Литература» через (9|10) минут/ });
      await banner.waitFor({ timeout: 60_000 });
      expect((await layoutReport(kid, [])).overflowX).toBe(0);
      await screenshot(kid, 'phone-reminder');
      await page
        .getByRole('status')
        .filter({ hasText: /Урок «Литература» через (9|10) минут/ })
        .waitFor();
      await screenshot(page, 'laptop-reminder');
      await banner.getByRole('button', { name: 'Открыть чат' }).click();
      await kid.getByRole('button', { name: 'Войти в звонок: Литература' }).waitFor();
      await kid.getByRole('button', { name: 'Скрыть напоминание' }).click();
      await expect.poll(() => kid.locator('#lesson-reminder').count()).toBe(0);
    },
  );
});
