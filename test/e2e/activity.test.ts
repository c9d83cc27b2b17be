// «Активность» in the browser (#27), as its people use it: after a scripted
// week (a teacher writes 11 messages in her class's group chat, a pupil 1)
// the school's admin signs in, opens /school → «Активность» on a laptop
// (1366 px) and a phone (360 px), sees the table and the chart with the
// figures one works out by hand, and downloads the CSV, whose rows are the
// table's. A teacher gets no such tab, and the server refuses her the figures.
// A region's admin (a teacher the region names) finds «Мониторинг региона» on
// her home and sees the region's schools, not people; a teacher it does not
// name gets no link and a page that says it is not hers.
// Screenshots: laptop-/phone-activity, laptop-/phone-activity-tables, laptop-teacher-no-activity,
// laptop-/phone-region, laptop-region-not-mine.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weekOf } from '../../activity/weeks.js';
import { type AccountSchool, startAccountSchool } from '../helpers/accounts.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { type Device, closePages, openPage, screenshot } from '../helpers/callPage.js';
import type { TestChatClient } from '../helpers/chatServer.js';

let school: AccountSchool;
let browser: Browser;
const clients: TestChatClient[] = [];

async function signIn(device: Device, login: string, password: string): Promise<Page> {
  const page = await openPage(browser, `${school.s.httpUrl}/login`, device);
  const other = page.getByRole('button', { name: 'Войти по логину или эл. почте' });
  if (!login.startsWith('+')) await other.click();
  await page.getByLabel(login.startsWith('+') ? 'Номер телефона' : 'Логин или эл. почта').fill(login);
  await page.getByLabel('Пароль').fill(password);
  await page.getByRole('button', { name: 'Войти', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return page;
}

describe.skipIf(!chromiumAvailable())('activity figures in the browser', () => {
  beforeAll(async () => {
    school = await startAccountSchool();
    browser = await launchChromium();
    const person = async (userId: string, displayName: string, role: 'teacher' | 'student') => {
      const c = await school.s.client({ userId, displayName, role, schoolId: school.schoolId });
      clients.push(c);
      return c;
    };
    const orlova = await person('t-orlova', 'Нина Павловна Орлова', 'teacher');
    const ivan = await person('p-ivan', 'Иван Иванов', 'student');
    const chatId = (await orlova.request({ createChat: { title: '5А класс', members: ['p-ivan'] } })).chat!
      .chatId!;
    for (let i = 0; i < 11; i++) {
      await orlova.request({ sendMessage: { chatId, text: `Задание ${i}`, clientMessageId: `o-${i}` } });
    }
    await ivan.request({ sendMessage: { chatId, text: 'Сделал', clientMessageId: 'i-1' } });
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await closePages();
    await browser?.close();
    await school?.s.stop();
  });

  it('the school’s admin sees the table and the chart and downloads the CSV (laptop and phone)', async () => {
    // The counts are written in batches: wait until the admin's API has them.
    await expect
      .poll(
        async () => (await school.admin.get('/api/activity/school?weeks=1')).body.weeks?.[0]?.activeUsers,
        {
          timeout: 15_000,
        },
      )
      .toBe(2);
    for (const device of ['laptop', 'phone'] as const) {
      const page = await signIn(device, '+7 900 000-00-00', 'директор-пароль');
      await page.goto(`${school.s.httpUrl}/school`);
      await page.getByRole('tab', { name: 'Активность' }).click();
      await page.getByRole('heading', { name: 'Активность школы' }).waitFor();
      // This week: 3 teachers (Орлова, Белов, Завучева); Орлова wrote 11 (>= 10): 33 %;
      // nobody was in a call; one group chat written in (0,3 per teacher); 2 active.
      const week = weekOf(Date.now());
      const row = page.locator(`#activity-weeks tr[data-week="${week}"]`);
      const cells = await row.locator('th, td').allTextContents();
      const [, m, d] = week.split('-');
      expect(cells).toEqual([`${d}.${m}`, '33 % (1 из 3)', '0 % (0 из 3)', '0,3', '2', '0', '0']);
      expect(await page.locator('#activity-weeks tbody tr').count()).toBe(8);
      // The chart: a point per week on each line, this week's at 33 % and 0 %.
      await expect
        .poll(() =>
          page.locator('.activity-chart [data-series="writing"] circle').last().getAttribute('data-value'),
        )
        .toBe('33');
      expect(await page.locator('.activity-chart [data-series="calling"] circle').count()).toBe(8);
      await expect.poll(() => page.getByRole('img', { name: 'Доля учителей по неделям' }).count()).toBe(1);
      // This week's people.
      const people = await page.locator('#activity-people tbody tr').allTextContents();
      expect(people).toEqual([
        expect.stringMatching(/^Иван Иванов1000$/),
        expect.stringMatching(/^Нина Павловна Орлова · учитель11000$/),
      ]);
      // No page is wider than the screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        device === 'phone' ? 360 : 1366,
      );
      await screenshot(page, `${device}-activity`);
      await page.locator('#activity-people').scrollIntoViewIfNeeded();
      await screenshot(page, `${device}-activity-tables`);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Скачать CSV' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`Активность Школа № 7 ${d}.${m}.${week.slice(0, 4)}.csv`);
      const text = readFileSync((await download.path())!, 'utf8');
      expect(text.startsWith('\uFEFF')).toBe(true);
      const lines = text.slice(1).trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'Неделя;Учителей;Учителей с 10+ сообщениями;Учителей с 10+ сообщениями, %;Учителей со звонком;Учителей со звонком, %;Чатов на учителя;Активных пользователей;Уроков;Средний урок, мин',
      );
      expect(lines).toHaveLength(9);
      expect(lines[1]).toBe(`${d}.${m}.${week.slice(0, 4)};3;1;33;0;0;0,3;2;0;0`);
      // Every row of the file is a row of the table, in the same order.
      const shown = await page
        .locator('#activity-weeks tbody tr')
        .evaluateAll((trs: Element[]) => trs.map((tr) => tr.getAttribute('data-week')));
      expect(lines.slice(1).map((l) => l.split(';')[0])).toEqual(
        shown.map((w: string | null) => `${w!.slice(8)}.${w!.slice(5, 7)}.${w!.slice(0, 4)}`),
      );
      await page.context().close();
    }
  });

  it('a teacher gets no «Активность» and the server refuses her the figures', async () => {
    const teacher = await school.person('t-orlova', 'orlova@school.example', 'пароль-учителя');
    expect((await teacher.get('/api/activity/school')).status).toBe(403);
    const page = await signIn('laptop', 'orlova@school.example', 'пароль-учителя');
    await page.goto(`${school.s.httpUrl}/school`);
    await page.getByRole('heading').first().waitFor();
    expect(await page.getByRole('tab', { name: 'Активность' }).count()).toBe(0);
    expect(await page.getByText('Активность школы').count()).toBe(0);
    const status = await page.evaluate(async () => (await fetch('/api/activity/school')).status);
    expect(status).toBe(403);
    await screenshot(page, 'laptop-teacher-no-activity');
  });

  it('a region’s admin opens «Мониторинг региона» from her home and sees its schools (laptop and phone)', async () => {
    const put = await fetch(`${school.s.httpUrl}/api/regions/north`, {
      method: 'PUT',
      headers: school.s.adminHeaders,
      body: JSON.stringify({
        name: 'Северный округ',
        schools: [school.schoolId, 'school-quiet'],
        admins: [{ school: school.schoolId, person: 't-belov' }],
      }),
    });
    expect(put.status).toBe(200);
    await school.person('t-belov', 'belov@school.example', 'пароль-учителя');
    await expect
      .poll(
        async () => (await school.admin.get('/api/activity/school?weeks=1')).body.weeks?.[0]?.activeUsers,
        { timeout: 15_000 },
      )
      .toBe(2);
    const week = weekOf(Date.now());
    const [, m, d] = week.split('-');
    for (const device of ['laptop', 'phone'] as const) {
      const page = await signIn(device, 'belov@school.example', 'пароль-учителя');
      await page.getByRole('link', { name: 'Мониторинг региона' }).click();
      await page.waitForURL((u) => u.pathname === '/region');
      await page.getByRole('heading', { name: 'Северный округ' }).waitFor();
      await page.getByText('Активных школ на этой неделе: 1 из 2').waitFor();
      // This week's row of Школа № 7: Орлова wrote 11 of the 3 teachers' messages; two active people.
      const row = page.locator('.region-schools tr[data-school]').filter({ hasText: 'Школа № 7' });
      expect(await row.locator('th, td').allTextContents()).toEqual([
        'Школа № 7',
        '33 % (1 из 3)',
        '0 % (0 из 3)',
        '0,3',
        '2',
        '0',
        'да',
      ]);
      // The quiet school (no directory, nothing counted) is listed, inactive; no person is named anywhere.
      const quiet = page.locator('.region-schools tr[data-school="school-quiet"]');
      expect(await quiet.locator('td').last().textContent()).toBe('нет');
      const shown = (await page.locator('main').textContent()) ?? '';
      for (const who of ['Орлова', 'Иванов', 'Белов']) expect(shown).not.toContain(who);
      // The region's chart is this week's share over both schools.
      await expect
        .poll(() =>
          page.locator('.activity-chart [data-series="writing"] circle').last().getAttribute('data-value'),
        )
        .toBe('33');
      // An earlier week: nobody was counted then.
      await page.getByLabel('Показать неделю').selectOption({ index: 0 });
      expect(await row.locator('td').last().textContent()).toBe('нет');
      await page.getByLabel('Показать неделю').selectOption({ label: `${d}.${m} (эта неделя)` });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        device === 'phone' ? 360 : 1366,
      );
      await screenshot(page, `${device}-region`);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Скачать CSV' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(
        `Мониторинг Северный округ ${d}.${m}.${week.slice(0, 4)}.csv`,
      );
      const lines = readFileSync((await download.path())!, 'utf8')
        .slice(1)
        .trimEnd()
        .split('\r\n');
      expect(lines[0]!.startsWith('Школа;Неделя;Учителей;')).toBe(true);
      expect(lines[0]!.endsWith(';Активна')).toBe(true);
      // 8 weeks for each of the two schools; this week of Школа № 7 as the table shows it.
      expect(lines).toHaveLength(17);
      expect(lines).toContain(`Школа № 7;${d}.${m}.${week.slice(0, 4)};3;1;33;0;0;0,3;2;0;0;да`);
      await page.context().close();
    }
    // Орлова (activated by the test above) is no region's admin: no link on her home, and /region says so.
    const page = await signIn('laptop', 'orlova@school.example', 'пароль-учителя');
    await page.getByRole('link', { name: 'Мои устройства' }).waitFor();
    expect(await page.getByRole('link', { name: 'Мониторинг региона' }).count()).toBe(0);
    await page.goto(`${school.s.httpUrl}/region`);
    await page.getByText('Эта страница для администраторов региона').waitFor();
    expect(await page.locator('.region-schools').count()).toBe(0);
    await screenshot(page, 'laptop-region-not-mine');
    await page.context().close();
  });
});
