// The school admin sets how long the school's chats keep messages, in
// Chromium, as they would: a fresh server's setup code makes the admin, who
// opens «Хранение переписки» on the school's admin screen, reads that
// everything is kept (the default), chooses «1 год», saves and sees it, on a
// laptop; on a phone (signed in with the password) the setting is there, and
// in English after the switch. Screenshots: laptop-retention-default,
// laptop-retention-saved, phone-retention, phone-retention-english.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_CODE } from '../helpers/accounts.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, openPage, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let browser: Browser;

const policy = (page: Page) =>
  page.evaluate(
    async () =>
      (await (await fetch('/api/school/retention')).json()) as {
        days: number | null;
        chatsMayShorten: boolean;
      },
  );

describe.skipIf(!chromiumAvailable())('the school admin sets how long chats keep messages', () => {
  beforeAll(async () => {
    s = await startChatServer({ SETUP_CODE });
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await closePages();
    await browser?.close();
    await s?.stop();
  });

  it('everything is kept by default, and the admin chooses one year', async () => {
    const admin = await openPage(browser, `${s.httpUrl}/login`, 'laptop');
    await admin.getByRole('button', { name: 'У меня есть код из школы' }).click();
    await admin.getByLabel('Код с листка').fill(SETUP_CODE.toLowerCase());
    await admin.getByRole('button', { name: 'Дальше' }).click();
    await admin.getByLabel('Название школы').fill('Школа № 7');
    await admin.getByLabel('Фамилия').fill('Директорова');
    await admin.getByLabel('Имя', { exact: true }).fill('Ольга');
    await admin.getByLabel('Отчество').fill('Ивановна');
    await admin.getByLabel('Номер телефона (или логин)').fill('+7 900 000-00-00');
    await admin.getByLabel('Новый пароль').fill('пароль директора');
    await admin.getByLabel('Пароль ещё раз').fill('пароль директора');
    await admin.getByRole('button', { name: 'Создать школу' }).click();
    await admin.getByRole('heading', { name: 'Управление школой' }).waitFor();

    await admin.getByRole('tab', { name: 'Хранение переписки' }).click();
    await admin.getByText('Сейчас хранится вся переписка: ничего не удаляется.').waitFor();
    expect(await admin.getByLabel('Срок хранения').inputValue()).toBe('');
    expect(await policy(admin)).toMatchObject({ days: null, chatsMayShorten: true });
    // Chats' admins may set a shorter period of their own unless the school says no.
    const chatsMay = admin.getByLabel(/^Администраторы чатов могут включать в своих чатах автоудаление/);
    expect(await chatsMay.isChecked()).toBe(true);
    await screenshot(admin, 'laptop-retention-default');

    await admin.getByLabel('Срок хранения').selectOption({ label: '1 год' });
    await admin.getByRole('button', { name: 'Сохранить' }).click();
    await admin.getByText('Сохранено.').waitFor();
    await admin.getByText('Сейчас срок хранения — 1 год: более старые сообщения удаляются.').waitFor();
    expect(await policy(admin)).toMatchObject({ days: 365, chatsMayShorten: true });
    await chatsMay.uncheck();
    await admin.getByRole('button', { name: 'Сохранить' }).click();
    await expect.poll(() => policy(admin)).toMatchObject({ days: 365, chatsMayShorten: false });
    await chatsMay.check();
    await admin.getByRole('button', { name: 'Сохранить' }).click();
    await expect.poll(() => policy(admin)).toMatchObject({ days: 365, chatsMayShorten: true });
    await screenshot(admin, 'laptop-retention-saved');
  });

  it('on a phone the saved period is shown, in Russian and in English', async () => {
    const phone = await openPage(browser, `${s.httpUrl}/login`, 'phone');
    await phone.getByLabel('Номер телефона').fill('+7 900 000-00-00');
    await phone.getByLabel('Пароль').fill('пароль директора');
    await phone.getByRole('button', { name: 'Войти', exact: true }).click();
    await phone.getByRole('link', { name: 'Управление школой' }).click();
    const tab = phone.getByRole('tab', { name: 'Хранение переписки' });
    const box = (await tab.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(phone.viewportSize()!.width);
    await tab.click();
    await phone.getByText('Сейчас срок хранения — 1 год: более старые сообщения удаляются.').waitFor();
    expect(await phone.getByLabel('Срок хранения').inputValue()).toBe('365');
    await screenshot(phone, 'phone-retention');
    await phone.locator('[data-lang-switch]').click();
    await phone.getByRole('tab', { name: 'Chat history' }).click();
    await phone.getByText('Messages are kept for 1 year now: older ones are removed.').waitFor();
    await screenshot(phone, 'phone-retention-english');
  });
});
