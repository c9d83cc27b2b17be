// The school's single sign-on finds the person by each field a provider may
// be configured to match (issue #23): the person's directory id (the `sub`
// claim), their phone (`phone_number`, written another way than in the
// school's file) and their hashed document number (`document_number`, the
// digits of a СНИЛС: only its hash is in the directory). One server with
// three providers on the sign-in page, all backed by the same real OpenID
// Connect provider process; the e-mail match is accountsSso.test.ts's.
// For each field, someone whose claim is not in the directory is refused
// with the Russian sentence saying whom to ask, and is not signed in. The
// pupil also sees his class teacher's «Подтверждённый учитель» mark.
// Screenshots: laptop-sso-by-id-home, phone-sso-by-phone-home,
// laptop-sso-by-document-home, phone-sso-by-document-unknown.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountSchool, SCHOOL_CSV, accountRefusals, startAccountSchool } from '../helpers/accounts.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, openPage, screenshot } from '../helpers/callPage.js';
import { type TestProvider, startOidcProvider } from '../helpers/oidc.js';
import { freeTcpUdpPort } from '../helpers/testServer.js';

/**
 * SCHOOL_CSV with a СНИЛС column (only Пётр Петров has one), and Пётр's
 * father on the family phone that his class teacher Белов also gave (two
 * people of the school under one number).
 */
const CSV_WITH_DOCUMENTS = SCHOOL_CSV.split('\n')
  .map((line) => (line.startsWith('родитель;f-petrov;') ? line.replace(/;;$/, ';+7 916 000-00-01;') : line))
  .map(
    (line, i) => `${line};${i === 0 ? 'СНИЛС' : line.startsWith('ученик;p-petr;') ? '123-456-789 01' : ''}`,
  )
  .join('\n');

const BY_ID = 'Электронный журнал';
const BY_PHONE = 'Госуслуги';
const BY_DOCUMENT = 'Региональный вход';

let provider: TestProvider;
let school: AccountSchool;
let browser: Browser;
let base: string;

async function throughProvider(page: Page, button: string, login: string): Promise<void> {
  await page.getByRole('link', { name: `Войти через ${button}` }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('любой пароль');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

async function signedInAs(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { name: `Здравствуйте, ${name}` }).waitFor({ timeout: 15_000 });
  expect(new URL(page.url()).origin).toBe(base);
  const me = await page.request.get(`${base}/api/account/me`);
  expect(me.status()).toBe(200);
}

const UNKNOWN =
  'Школа не нашла вас в своём списке. Попросите классного руководителя или администратора школы проверить ваши данные в журнале.';

async function refused(page: Page, shot?: string, code = 'unknown_person', text = UNKNOWN): Promise<void> {
  await page.waitForURL(new RegExp(`/login\\?error=${code}`));
  await expect.poll(() => page.locator('#error').textContent()).toBe(text);
  if (shot) await screenshot(page, shot);
  expect((await page.request.get(`${base}/api/account/me`)).status()).toBe(401);
}

describe.skipIf(!chromiumAvailable())('single sign-on matches a person by id, phone or document', () => {
  beforeAll(async () => {
    const port = await freeTcpUdpPort();
    base = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider(`${base}/auth/sso/callback`, {
      // The provider's login is its `sub`: a journal that uses the school's ids.
      't-belov': {},
      't-unknown': {},
      // A regional account with the mother's phone, written as people write it.
      elena: { phone_number: '8 (916) 111-22-33', phone_number_verified: true },
      stranger: { phone_number: '+7 916 999-88-77', phone_number_verified: true },
      // The number two people of the school gave.
      family: { phone_number: '+7 (916) 000-00-01', phone_number_verified: true },
      // A gateway giving the СНИЛС digits; the directory only has their hash.
      petr: { document_number: '12345678901' },
      forged: { document_number: '12345678902' },
    });
    school = await startAccountSchool(
      {
        PORT: String(port),
        SSO_PROVIDERS_FILE: provider.providersFile([
          { id: 'journal', label: BY_ID, schools: '*', match: 'id' },
          { id: 'gosuslugi', label: BY_PHONE, schools: '*', match: 'phone' },
          { id: 'region', label: BY_DOCUMENT, schools: '*', match: 'document' },
        ]),
      },
      CSV_WITH_DOCUMENTS,
    );
    // Белов, 6А's class teacher, applies with the school's invitation and the
    // admin confirms him: his pupils see the mark (the pupil by document below).
    const invitation = await school.admin.post('/api/school/invitation');
    const belov = await school.person('t-belov', 'belov.oleg', 'пароль учителя');
    const applied = await belov.post('/api/account/verification', { invitation: invitation.body.code });
    expect(applied.status).toBe(200);
    const pending = (await school.admin.get('/api/school')).body.verifications as {
      id: string;
      personId: string;
    }[];
    const request = pending.find((r) => r.personId === 't-belov')!;
    expect((await school.admin.post(`/api/school/verifications/${request.id}/approve`)).status).toBe(200);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await closePages();
    await browser?.close();
    await school?.s.stop();
    await provider?.stop();
  });

  it('by directory id: a teacher whose journal login is the school’s id gets in', async () => {
    const page = await openPage(browser, `${base}/login`, 'laptop');
    await throughProvider(page, BY_ID, 't-belov');
    await signedInAs(page, 'Олег Ильич Белов');
    await expect.poll(() => page.locator('[data-chat]').allTextContents()).toContain('6А');
    await screenshot(page, 'laptop-sso-by-id-home');
  });

  it('by directory id: an id the school does not have is refused', async () => {
    const page = await openPage(browser, `${base}/login`, 'laptop');
    await throughProvider(page, BY_ID, 't-unknown');
    await refused(page);
  });

  it('by phone: a parent whose number is written differently gets in and sees her children’s chats', async () => {
    const page = await openPage(browser, `${base}/login`, 'phone');
    await throughProvider(page, BY_PHONE, 'elena');
    await signedInAs(page, 'Елена Петровна Иванова');
    await expect
      .poll(() => page.locator('[data-chat]').allTextContents())
      .toEqual(expect.arrayContaining(['5А · родители', '6А · родители']));
    await screenshot(page, 'phone-sso-by-phone-home');
  });

  it('by phone: a number the school does not have is refused', async () => {
    const page = await openPage(browser, `${base}/login`, 'phone');
    await throughProvider(page, BY_PHONE, 'stranger');
    await refused(page);
  });

  it('by phone: a number two people of the school gave lets neither in, and says whom to ask', async () => {
    const before = await accountRefusals(school.s.server, 'sso_ambiguous');
    const page = await openPage(browser, `${base}/login`, 'phone');
    await throughProvider(page, BY_PHONE, 'family');
    await refused(
      page,
      'phone-sso-ambiguous',
      'sso_ambiguous',
      'Под этими данными в школе несколько человек. Обратитесь к администратору школы.',
    );
    expect(await accountRefusals(school.s.server, 'sso_ambiguous')).toBe(before + 1);
  });

  it('by document: a pupil whose СНИЛС hashes to the directory’s gets in', async () => {
    const page = await openPage(browser, `${base}/login`, 'laptop');
    await throughProvider(page, BY_DOCUMENT, 'petr');
    await signedInAs(page, 'Пётр Петров');
    await expect.poll(() => page.locator('[data-chat]').allTextContents()).toContain('6А');
    // The confirmed class teacher, as his pupil sees him (#23: "a verified mark that pupils and parents see").
    const teachers = page.locator('.card', { hasText: 'Классные руководители' });
    await expect.poll(() => teachers.textContent()).toContain('Олег Ильич Белов');
    expect(await teachers.textContent()).toContain('Подтверждённый учитель');
    await screenshot(page, 'laptop-sso-by-document-home');
  });

  it('by document: one digit off is refused with what to do, in Russian', async () => {
    const page = await openPage(browser, `${base}/login`, 'phone');
    await throughProvider(page, BY_DOCUMENT, 'forged');
    await refused(page, 'phone-sso-by-document-unknown');
  });
});
