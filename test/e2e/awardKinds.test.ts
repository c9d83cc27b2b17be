// The school's award kinds (#27) in the browser, by visible labels: the
// school's administrator opens /school → «Награды», adds «Юный химик» with the
// light bulb badge, renames it «Юный исследователь», and retires it (after
// it was given; the page's own question, kit/Confirm, is cancelled once,
// then answered «Убрать»): teachers are no longer offered it, the pupil's board keeps
// it; «Вернуть» brings it back and it is offered again (then retired once
// more, so the phone shows the retired list). On a phone too, and in English. Screenshots:
// test-artifacts/screenshots/{laptop,phone}-award-kinds*.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountSchool, startAccountSchool } from '../helpers/accounts.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { type Device, closePages, layoutReport, openPage, screenshot } from '../helpers/callPage.js';
import type { TestChatClient } from '../helpers/chatServer.js';

let school: AccountSchool;
let browser: Browser;
const clients: TestChatClient[] = [];

async function signIn(device: Device): Promise<Page> {
  const page = await openPage(browser, `${school.s.httpUrl}/login`, device);
  await page.getByLabel('Номер телефона').fill('+7 900 000-00-00');
  await page.getByLabel('Пароль').fill('директор-пароль');
  await page.getByRole('button', { name: 'Войти', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto(`${school.s.httpUrl}/school`);
  await page.getByRole('tab', { name: 'Награды' }).click();
  await page.getByRole('heading', { name: 'Награды школы' }).waitFor();
  return page;
}

describe.skipIf(!chromiumAvailable())("the school's award kinds in the browser", () => {
  beforeAll(async () => {
    school = await startAccountSchool();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await closePages();
    await browser?.close();
    await school?.s.stop();
  });

  it(
    'the admin adds, renames and retires a kind; a retired one stays on the board',
    { timeout: 150_000 },
    async () => {
      const client = async (userId: string, displayName: string, role: 'admin' | 'teacher' | 'student') => {
        const c = await school.s.client({ userId, displayName, role, schoolId: school.schoolId });
        clients.push(c);
        return c;
      };
      const teacher = await client('t-kinds', 'Нина Павловна Орлова', 'teacher');
      const deputy = await client('a-kinds', 'Ольга Сергеевна Завуч', 'admin');
      await client('p-kira', 'Кира Лебедева', 'student');
      const offered = async () =>
        (await teacher.request({ listAwardKinds: {} }))
          .awardKinds!.kinds!.filter((k) => k.school)
          .map((k) => k.name);

      const page = await signIn('laptop');
      await page.getByText('Своих наград у школы пока нет.').waitFor();
      await page.getByLabel('Название награды').fill('Юный химик');
      await page.getByText('Лампочка').click();
      await screenshot(page, 'laptop-award-kinds-add');
      await page.getByRole('button', { name: 'Добавить награду' }).click();
      await page.getByText('Награда «Юный химик» добавлена.').waitFor();
      expect(await offered()).toEqual(['Юный химик']);
      // The same name again is refused with the server's sentence.
      await page.getByLabel('Название награды').fill('юный химик');
      await page.getByRole('button', { name: 'Добавить награду' }).click();
      await page.getByText('Награда с таким названием уже есть.').waitFor();

      await page.getByRole('button', { name: 'Переименовать: Юный химик' }).click();
      await page.getByLabel('Новое название награды «Юный химик»').fill('Юный исследователь');
      await page.getByRole('button', { name: 'Сохранить' }).click();
      await page.getByText('Награда переименована: «Юный исследователь».').waitFor();
      expect(await offered()).toEqual(['Юный исследователь']);
      const kindId = (await deputy.request({ listAwardKinds: {} })).awardKinds!.kinds!.find(
        (k) => k.name === 'Юный исследователь',
      )!.kindId!;
      await deputy.request({ giveAward: { kindId, pupilIds: ['p-kira'] } });

      await page.getByRole('button', { name: 'Убрать: Юный исследователь' }).click();
      // The project's own question (kit/Confirm), not the browser's.
      const asked = page.getByRole('dialog', { name: /^Убрать награду «Юный исследователь»\?/ });
      await asked.getByRole('button', { name: 'Отмена' }).waitFor();
      await screenshot(page, 'laptop-award-kinds-retire-confirm');
      await asked.getByRole('button', { name: 'Отмена' }).click();
      expect(await offered()).toEqual(['Юный исследователь']);
      await page.getByRole('button', { name: 'Убрать: Юный исследователь' }).click();
      await asked.getByRole('button', { name: 'Убрать', exact: true }).click();
      await page.getByText('Награда «Юный исследователь» убрана: её больше не вручают.').waitFor();
      await page.getByRole('heading', { name: 'Убранные награды' }).waitFor();
      expect(await offered()).toEqual([]);
      const board = await deputy.request({ getAwardBoard: { pupilId: 'p-kira' } });
      expect(board.awardBoards!.boards![0]!.awards!.map((a) => a.kind?.name)).toEqual(['Юный исследователь']);
      await screenshot(page, 'laptop-award-kinds');
      // Brought back from the retired list: given again, the retired list gone.
      await page.getByRole('button', { name: 'Вернуть: Юный исследователь' }).click();
      await page.getByText('Награда «Юный исследователь» снова вручается.').waitFor();
      expect(await offered()).toEqual(['Юный исследователь']);
      await expect.poll(() => page.getByRole('heading', { name: 'Убранные награды' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Убрать: Юный исследователь' }).waitFor();
      await page.getByRole('button', { name: 'Убрать: Юный исследователь' }).click();
      await asked.getByRole('button', { name: 'Убрать', exact: true }).click();
      await page.getByRole('heading', { name: 'Убранные награды' }).waitFor();
      // The school's id on the admin page (random hex: its letters may spell «dad», «ad»...).
      const idWords = school.schoolId.match(/[A-Za-z][A-Za-z'’-]+/g) ?? [];
      const laptop = await layoutReport(page, idWords);
      expect(laptop.overflowX).toBe(0);
      expect(laptop.englishWords).toEqual([]);

      const phone = await signIn('phone');
      await phone.getByLabel('Название награды').fill('Лучший чтец');
      await phone.getByText('Книга', { exact: true }).click();
      await phone.getByRole('button', { name: 'Добавить награду' }).click();
      await phone.getByText('Награда «Лучший чтец» добавлена.').waitFor();
      expect(await offered()).toEqual(['Лучший чтец']);
      await screenshot(phone, 'phone-award-kinds');
      await phone.getByRole('button', { name: 'Вернуть: Юный исследователь' }).scrollIntoViewIfNeeded();
      await screenshot(phone, 'phone-award-kinds-retired');
      const small = await layoutReport(phone, idWords);
      expect(small.overflowX).toBe(0);
      expect(small.englishWords).toEqual([]);
      await phone.locator('[data-lang-switch]').first().click();
      await phone.getByRole('heading', { name: "The school's awards" }).waitFor();
      await phone.getByRole('button', { name: 'Rename: Лучший чтец' }).waitFor();
      await screenshot(phone, 'phone-award-kinds-english');
    },
  );
});
