// Signing in through a school's single sign-on, in Chromium, against a real
// OpenID Connect provider (oidc-provider in its own process on loopback):
// a teacher goes through the provider's pages and lands on their home with
// their class chats; someone the provider knows but the school's directory
// does not is refused with a Russian sentence; an answer whose state or
// nonce was tampered with is refused. Screenshots: laptop-sso-login,
// laptop-sso-teacher-home, phone-sso-other-address-home, phone-sso-unknown,
// laptop-sso-tampered.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountSchool, startAccountSchool } from '../helpers/accounts.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, openPage, screenshot } from '../helpers/callPage.js';
import { type TestProvider, startOidcProvider } from '../helpers/oidc.js';
import { freeTcpUdpPort } from '../helpers/testServer.js';

let provider: TestProvider;
let school: AccountSchool;
let browser: Browser;
let base: string;

async function throughProvider(page: import('playwright-core').Page, login: string): Promise<void> {
  await page.getByRole('link', { name: 'Войти через Госуслуги' }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('любой пароль');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

describe.skipIf(!chromiumAvailable())('single sign-on through a school’s OpenID Connect provider', () => {
  beforeAll(async () => {
    const port = await freeTcpUdpPort();
    base = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider(`${base}/auth/sso/callback`, {
      orlova: { email: 'Orlova@School.Example', email_verified: true },
      stranger: { email: 'stranger@example.org', email_verified: true },
    });
    school = await startAccountSchool({
      PORT: String(port),
      SSO_PROVIDERS_FILE: provider.providersFile({ schools: '*', match: 'email' }),
    });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await closePages();
    await browser?.close();
    await school?.s.stop();
    await provider?.stop();
  });

  it('a teacher signs in through the provider and lands on their home with the class chats', async () => {
    const page = await openPage(browser, `${base}/login`, 'laptop');
    await page.getByRole('link', { name: 'Войти через Госуслуги' }).waitFor();
    await screenshot(page, 'laptop-sso-login');
    await throughProvider(page, 'orlova');
    await page
      .getByRole('heading', { name: 'Здравствуйте, Нина Павловна Орлова' })
      .waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).origin).toBe(base);
    const chats = page.locator('[data-chat]');
    await expect.poll(() => chats.allTextContents()).toEqual(expect.arrayContaining(['5А', '5А · родители']));
    await screenshot(page, 'laptop-sso-teacher-home');
    // Signed in by the session: the messenger opens without any token in its address.
    await page.getByRole('link', { name: 'Открыть мессенджер' }).click();
    await page.waitForURL(/\/messenger$/);
    await expect.poll(() => page.locator('[data-chat]').count()).toBeGreaterThanOrEqual(3);
  });

  it('a teacher who opened the server at another address (localhost, not PUBLIC_URL) is signed in at PUBLIC_URL, not refused as a forgery', async () => {
    const other = base.replace('127.0.0.1', 'localhost');
    const page = await openPage(browser, `${other}/login`, 'phone');
    await throughProvider(page, 'orlova');
    await page
      .getByRole('heading', { name: 'Здравствуйте, Нина Павловна Орлова' })
      .waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).origin).toBe(base);
    await screenshot(page, 'phone-sso-other-address-home');
  });

  it('someone the provider knows but the school does not is refused with a clear sentence', async () => {
    const page = await openPage(browser, `${base}/login`, 'phone');
    await throughProvider(page, 'stranger');
    await page.waitForURL(/\/login\?error=unknown_person/);
    await expect
      .poll(() => page.locator('#error').textContent())
      .toContain('Школа не нашла вас в своём списке');
    await screenshot(page, 'phone-sso-unknown');
    expect((await page.request.get(`${base}/api/account/me`)).status()).toBe(401);
  });

  /**
   * Starts a sign-in the way the button does (the same browser, so it gets
   * the attempt's cookie), changes one parameter of the request that goes
   * to the provider, and goes on in the browser through the provider's pages.
   */
  async function tampered(param: 'state' | 'nonce'): Promise<import('playwright-core').Page> {
    const page = await openPage(browser, `${base}/login`, 'laptop');
    const start = await page.request.get(`${base}/auth/sso/region?next=/`, { maxRedirects: 0 });
    expect(start.status()).toBe(302);
    const url = new URL(start.headers().location!);
    expect(url.origin).toBe(provider.issuer);
    url.searchParams.set(param, `${url.searchParams.get(param)}-changed`);
    await page.goto(url.href);
    await page.locator('input[name="login"]').fill('orlova');
    await page.locator('input[name="password"]').fill('любой пароль');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/login\?error=sso_failed/);
    return page;
  }

  it('an answer whose state was changed on the way is refused', async () => {
    const page = await tampered('state');
    await expect.poll(() => page.locator('#error').textContent()).toContain('Вход через школу не удался');
    await screenshot(page, 'laptop-sso-tampered');
    expect((await page.request.get(`${base}/api/account/me`)).status()).toBe(401);
  });

  it('an ID token whose nonce is not the attempt’s is refused', async () => {
    const page = await tampered('nonce');
    expect((await page.request.get(`${base}/api/account/me`)).status()).toBe(401);
  });

  it('the same flow untouched signs in (the two refusals above are the tampering’s doing)', async () => {
    const page = await openPage(browser, `${base}/login`, 'laptop');
    const start = await page.request.get(`${base}/auth/sso/region?next=/account`, { maxRedirects: 0 });
    await page.goto(start.headers().location!);
    await page.locator('input[name="login"]').fill('orlova');
    await page.locator('input[name="password"]').fill('любой пароль');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${base}/account`);
    expect((await page.request.get(`${base}/api/account/me`)).status()).toBe(200);
  });
});
