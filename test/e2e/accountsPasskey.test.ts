// Passkeys in Chromium, with its virtual authenticator (the DevTools
// protocol's WebAuthn domain standing in for a phone's fingerprint reader or
// a laptop's Windows Hello): a teacher on a laptop (1366×768) and a parent on
// a phone (360×740) sign in with their password, add a passkey under «Мои
// устройства», sign out, and sign in again with «Войти с ключом доступа»,
// typing nothing. A passkey the person removed no longer lets anyone in. The
// server is opened as http://localhost (what a first run on one machine
// offers) while its public URL says 127.0.0.1: the key belongs to the name
// the browser shows. A pupil who has only the code from the sheet takes the
// passkey at activation instead of a password («Войти без пароля, с ключом
// доступа этого устройства»), signs out and comes back with it. Screenshots:
// <device>-passkey-added, <device>-passkey-login, <device>-passkey-home,
// phone-passkey-removed, phone-passkey-activate, phone-passkey-activated-home.
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountSchool, asTyped, startAccountSchool } from '../helpers/accounts.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, openPage, screenshot } from '../helpers/callPage.js';

let school: AccountSchool;
let browser: Browser;
let base: string;

/** A platform authenticator that holds discoverable keys and says the person was verified. */
async function withAuthenticator(page: Page): Promise<{ cdp: CDPSession; id: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, id: authenticatorId };
}

const people = [
  { device: 'laptop', id: 't-orlova', name: 'Нина Павловна Орлова', login: 'orlova.nina' },
  { device: 'phone', id: 'm-ivanova', name: 'Елена Петровна Иванова', login: '+7 916 111-22-33' },
] as const;
const pages = new Map<string, { page: Page; cdp: CDPSession; id: string }>();

describe.skipIf(!chromiumAvailable())('passkeys: add one under «Мои устройства», sign in with it', () => {
  beforeAll(async () => {
    school = await startAccountSchool();
    // The server's public URL is http://127.0.0.1:<port>; the browser opens it by name.
    base = school.s.httpUrl.replace('127.0.0.1', 'localhost');
    browser = await launchChromium();
    for (const p of people) await school.person(p.id, p.login, 'пароль для ключа');
  }, 120_000);
  afterAll(async () => {
    await closePages();
    await browser?.close();
    await school?.s.stop();
  });

  for (const p of people) {
    it(`${p.device}: a person adds a passkey, signs out, and signs in with it, typing nothing`, async () => {
      const page = await openPage(browser, `${base}/login`, p.device);
      const auth = await withAuthenticator(page);
      pages.set(p.device, { page, ...auth });
      if (!p.login.startsWith('+')) {
        await page.getByRole('button', { name: 'Войти по логину или эл. почте' }).click();
        await page.getByLabel('Логин или эл. почта').fill(p.login);
      } else {
        await page.getByLabel('Номер телефона').fill(p.login);
      }
      await page.getByLabel('Пароль').fill('пароль для ключа');
      await page.getByRole('button', { name: 'Войти', exact: true }).click();
      await page.getByRole('heading', { name: `Здравствуйте, ${p.name}` }).waitFor();

      await page.getByRole('link', { name: 'Мои устройства' }).click();
      await page.getByRole('heading', { name: 'Ключи доступа' }).waitFor();
      await page.getByText('Ключей доступа нет').waitFor();
      await page.getByRole('button', { name: 'Добавить ключ доступа' }).click();
      await page.getByText('Ключ доступа добавлен.').waitFor();
      const keys = page.locator('section', { hasText: 'Ключи доступа' }).getByRole('button', {
        name: 'Удалить ключ',
      });
      await expect.poll(() => keys.count()).toBe(1);
      const { credentials } = await auth.cdp.send('WebAuthn.getCredentials', { authenticatorId: auth.id });
      expect(credentials).toHaveLength(1);
      expect(credentials[0]!.isResidentCredential).toBe(true);
      expect(credentials[0]!.rpId).toBe('localhost');
      await screenshot(page, `${p.device}-passkey-added`);

      await page.getByRole('link', { name: 'На главную' }).click();
      await page.getByRole('button', { name: 'Выйти', exact: true }).click();
      await page.waitForURL(/\/login$/);
      expect((await page.request.get(`${base}/api/account/me`)).status()).toBe(401);
      await screenshot(page, `${p.device}-passkey-login`);
      await page.getByRole('button', { name: 'Войти с ключом доступа' }).click();
      await page.getByRole('heading', { name: `Здравствуйте, ${p.name}` }).waitFor();
      await screenshot(page, `${p.device}-passkey-home`);
      // «Мои устройства» says how this device signed in.
      await page.getByRole('link', { name: 'Мои устройства' }).click();
      await expect
        .poll(() => page.locator('.device[data-current="yes"]').textContent())
        .toContain('с ключом доступа');
    });
  }

  it('a removed passkey lets nobody in: the device still has it, the server refuses it', async () => {
    const { page } = pages.get('phone')!;
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Удалить ключ' }).click();
    await page.getByText('Ключей доступа нет').waitFor();
    await page.getByRole('button', { name: 'Выйти на этом устройстве' }).click();
    await page.waitForURL(/\/login$/);
    await page.getByRole('button', { name: 'Войти с ключом доступа' }).click();
    await expect
      .poll(() => page.locator('#error').textContent())
      .toContain('Ключ доступа не подошёл. Войдите с паролем.');
    expect((await page.request.get(`${base}/api/account/me`)).status()).toBe(401);
    await screenshot(page, 'phone-passkey-removed');
  });

  it('phone: a pupil types the code from the sheet, takes a passkey instead of a password, signs out and back in with it', async () => {
    const code = await school.code('p-ivan');
    const page = await openPage(browser, `${base}/login`, 'phone');
    const auth = await withAuthenticator(page);
    await page.getByRole('button', { name: 'У меня есть код из школы' }).click();
    await page.getByLabel('Код с листка').fill(asTyped(code));
    await page.getByRole('button', { name: 'Дальше' }).click();
    await page.getByRole('heading', { name: 'Это вы?' }).waitFor();
    await page.getByText('Иван Иванов').first().waitFor();
    await page.getByLabel('Номер телефона (или логин)').fill('ivan.ivanov');
    await screenshot(page, 'phone-passkey-activate');
    await page.getByRole('button', { name: 'Войти без пароля, с ключом доступа этого устройства' }).click();
    await page.getByRole('heading', { name: 'Здравствуйте, Иван Иванов' }).waitFor();
    const { credentials } = await auth.cdp.send('WebAuthn.getCredentials', { authenticatorId: auth.id });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.rpId).toBe('localhost');
    // The code is spent: it does not open the account a second time.
    const again = await page.request.post(`${base}/api/account/code`, {
      data: { code },
      headers: { origin: base },
    });
    expect(await again.json()).toMatchObject({ error: 'code_used' });

    await page.getByRole('button', { name: 'Выйти', exact: true }).click();
    await page.waitForURL(/\/login$/);
    expect((await page.request.get(`${base}/api/account/me`)).status()).toBe(401);
    await page.getByRole('button', { name: 'Войти с ключом доступа' }).click();
    await page.getByRole('heading', { name: 'Здравствуйте, Иван Иванов' }).waitFor();
    await expect.poll(() => page.locator('[data-chat]').allTextContents()).toContain('5А');
    await screenshot(page, 'phone-passkey-activated-home');
    await page.getByRole('link', { name: 'Мои устройства' }).click();
    await expect
      .poll(() => page.locator('.device[data-current="yes"]').textContent())
      .toContain('с ключом доступа');
  });
});
