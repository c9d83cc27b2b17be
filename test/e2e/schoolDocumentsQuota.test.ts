// The school's documents quota (#27) in the browser, by visible labels: the
// school's administrator opens /school → «Документы», sees the server's
// default (50 МБ here), is told why «0» and «2000 ГБ» are not taken (nothing saved), sets
// 1 МБ; then a teacher of that school is refused an upload over 1 МБ while a
// person of another school is not. On a phone the admin sets «1,5» ГБ.
// Screenshots: test-artifacts/screenshots/{laptop,phone}-school-documents-quota*.
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountSchool, startAccountSchool } from '../helpers/accounts.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { type Device, closePages, layoutReport, openPage, screenshot } from '../helpers/callPage.js';
import type { TestChatClient, TestPerson } from '../helpers/chatServer.js';
import { tusUpload } from '../helpers/tusUpload.js';

const MB = 1024 * 1024;
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
  await page.getByRole('tab', { name: 'Документы' }).click();
  await page.getByRole('heading', { name: 'Место для документов' }).waitFor();
  return page;
}

/** Uploads into «Документы» and files it there; the upload's HTTP status when refused. */
async function keep(person: TestPerson, bytes: number): Promise<number> {
  const c = await school.s.client(person);
  clients.push(c);
  try {
    const { fileId } = await tusUpload(
      school.s.httpUrl,
      randomBytes(bytes),
      { place: 'documents', filename: 'Презентация.pdf', filetype: 'application/pdf' },
      await school.s.token(person),
    );
    await c.request({ addDocuments: { fileIds: [fileId] } });
    return 200;
  } catch (err) {
    const res = (err as { originalResponse?: { getStatus(): number } }).originalResponse;
    if (!res) throw err;
    return res.getStatus();
  }
}

describe.skipIf(!chromiumAvailable())("the school's documents quota in the browser", () => {
  beforeAll(async () => {
    school = await startAccountSchool({ DOCUMENTS_QUOTA_BYTES: String(50 * MB) });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await closePages();
    await browser?.close();
    await school?.s.stop();
  });

  it(
    'the admin sets the space per person in МБ or ГБ; the school is held to it',
    { timeout: 150_000 },
    async () => {
      const deputy = await school.s.client({
        userId: 'a-quota',
        displayName: 'Ольга Сергеевна Завуч',
        role: 'admin',
        schoolId: school.schoolId,
      });
      clients.push(deputy);
      const saved = async () => (await deputy.request({ getDocumentsQuota: {} })).documentsQuota!.quotaBytes;
      const teacher: TestPerson = {
        userId: 't-quota',
        displayName: 'Нина Павловна Орлова',
        role: 'teacher',
        schoolId: school.schoolId,
      };
      const elsewhere: TestPerson = {
        userId: 't-other',
        displayName: 'Олег Петров',
        role: 'teacher',
        schoolId: 'other',
      };

      const page = await signIn('laptop');
      await page
        .getByText('Сейчас каждому человеку школы доступно 50 МБ (столько даёт сервер по умолчанию).')
        .waitFor();
      expect(await page.getByLabel('Место на человека').inputValue()).toBe('50');
      const amount = page.getByLabel('Место на человека');
      const save = page.getByRole('button', { name: 'Сохранить' });
      await amount.fill('0');
      await save.click();
      await page.getByText('Введите положительное число, например 500 или 1,5.').waitFor();
      await amount.fill('2000');
      await page.getByLabel('Единицы').selectOption({ label: 'ГБ' });
      await save.click();
      await page.getByText('Не больше 1024 ГБ на человека.').waitFor();
      expect(await saved()).toBe(50 * MB);

      await amount.fill('1');
      await page.getByLabel('Единицы').selectOption({ label: 'МБ' });
      await screenshot(page, 'laptop-school-documents-quota-typed');
      await save.click();
      await page.getByText('Сохранено: каждому доступно 1 МБ.').waitFor();
      await page.getByText('Сейчас каждому человеку школы доступно 1 МБ.').waitFor();
      expect(await saved()).toBe(MB);
      const idWords = school.schoolId.match(/[A-Za-z][A-Za-z'’-]+/g) ?? [];
      const laptop = await layoutReport(page, idWords);
      expect(laptop.overflowX).toBe(0);
      expect(laptop.englishWords).toEqual([]);
      await screenshot(page, 'laptop-school-documents-quota');

      // A teacher of the school: 600 КБ are kept, 600 КБ more would pass 1 МБ and are refused.
      expect(await keep(teacher, 600 * 1024)).toBe(200);
      expect(await keep(teacher, 600 * 1024)).toBe(413);
      // Another school's person still has the server's 50 МБ.
      expect(await keep(elsewhere, 2 * MB)).toBe(200);

      const phone = await signIn('phone');
      await phone.getByText('Сейчас каждому человеку школы доступно 1 МБ.').waitFor();
      await phone.getByLabel('Место на человека').fill('1,5');
      await phone.getByLabel('Единицы').selectOption({ label: 'ГБ' });
      await phone.getByRole('button', { name: 'Сохранить' }).click();
      await phone.getByText('Сохранено: каждому доступно 1,5 ГБ.').waitFor();
      expect(await saved()).toBe(1.5 * 1024 * MB);
      expect(await phone.getByLabel('Место на человека').inputValue()).toBe('1,5');
      const small = await layoutReport(phone, idWords);
      expect(small.overflowX).toBe(0);
      expect(small.englishWords).toEqual([]);
      await screenshot(phone, 'phone-school-documents-quota');
      // Now the second 600 КБ fits.
      expect(await keep(teacher, 600 * 1024)).toBe(200);
    },
  );
});
