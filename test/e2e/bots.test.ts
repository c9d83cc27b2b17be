// Bots of the school's systems in Chromium, as the people who use them: the
// school admin opens «Боты» on a laptop, makes «Расписание» for 5А's class
// chat, sees its token once and sets its webhook (a local HTTP server, the
// school's system); the test then posts as the bot with that token; a pupil
// on a 360 px phone sees the message marked «бот» with its button, presses
// it by its label, reads that the bot got it, and the signed webhook
// arrives. Screenshots: laptop-bots-token, laptop-bots-created, phone-bots-admin,
// phone-bot-message.
import { createHmac } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountSchool, startAccountSchool } from '../helpers/accounts.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, openPage, screenshot } from '../helpers/callPage.js';

let school: AccountSchool;
let browser: Browser;
let hook: Server;
let hookUrl: string;
const deliveries: { body: string; timestamp: string; signature: string }[] = [];

describe.skipIf(!chromiumAvailable())("a bot of the school's systems, made on the admin screen", () => {
  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        deliveries.push({
          body,
          timestamp: String(req.headers['x-bot-timestamp']),
          signature: String(req.headers['x-bot-signature']),
        });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    school = await startAccountSchool({ BOT_WEBHOOK_ALLOW_PRIVATE: 'true' });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await closePages();
    await browser?.close();
    await school?.s.stop();
    await new Promise((r) => hook?.close(r));
  });

  it('the admin makes it, it posts with a button, a pupil on a phone presses it', async () => {
    const admin = await openPage(browser, `${school.s.httpUrl}/login`, 'laptop');
    await admin.getByLabel('Номер телефона').fill('+7 900 000-00-00');
    await admin.getByLabel('Пароль').fill('директор-пароль');
    await admin.getByRole('button', { name: 'Войти', exact: true }).click();
    await admin.getByRole('link', { name: 'Управление школой' }).click();
    await admin.getByRole('tab', { name: 'Боты' }).click();
    await admin.getByText('Ботов пока нет.').waitFor();
    await admin.getByLabel('Название бота').fill('Расписание');
    await admin.getByLabel('5А', { exact: true }).check();
    await admin.getByRole('button', { name: 'Создать бота' }).click();
    await admin
      .getByText('Бот «Расписание» создан. Сохраните токен и секрет: больше они не покажутся.')
      .waitFor();
    const token = await admin.getByLabel('Токен бота').inputValue();
    const secret = await admin.getByLabel('Секрет подписи вебхука').inputValue();
    expect(token).toMatch(/^bot-/);
    await admin.getByLabel('Токен бота').scrollIntoViewIfNeeded();
    await screenshot(admin, 'laptop-bots-token');
    const card = admin.getByRole('listitem', { name: 'Расписание' });
    await card.getByText('5А', { exact: true }).waitFor();
    await card.getByLabel('Адрес вебхука (https://…)').fill(hookUrl);
    await card.getByRole('button', { name: 'Сохранить адрес' }).click();
    await admin.getByText('Адрес сохранён.').waitFor();
    await screenshot(admin, 'laptop-bots-created');

    // The school's system: what the bot may see, then a post with a button.
    const api = (path: string, body?: unknown) =>
      fetch(`${school.s.httpUrl}/api/bot/${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
    const me = (await (await api('me')).json()) as { chats: { id: string; title: string }[] };
    const classChat = me.chats.find((c) => c.title === '5А')!.id;
    const sent = await api('messages', {
      chatId: classChat,
      text: 'Завтра в 5А: 1. Математика 2. Русский язык 3. Физкультура',
      buttons: [{ label: 'Понятно', data: 'ack' }],
    });
    expect(sent.status).toBe(201);

    const pupilToken = await school.s.token({
      userId: 'p-ivan',
      displayName: 'Иван Иванов',
      sortName: 'Иванов Иван',
      role: 'student',
      schoolId: school.schoolId,
    });
    const phone = await openPage(browser, `${school.s.httpUrl}/messenger#token=${pupilToken}`, 'phone');
    expect(phone.viewportSize()!.width).toBe(360);
    await phone.locator(`[data-chat="${classChat}"]`).click();
    const message = phone.locator('li.msg', { hasText: 'Завтра в 5А' });
    await message.getByText('бот', { exact: true }).waitFor();
    const button = message.getByRole('button', { name: 'Понятно' });
    const box = (await button.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    await button.click();
    await message.getByText('Бот получил нажатие «Понятно»').waitFor();
    await screenshot(phone, 'phone-bot-message');

    await expect.poll(() => deliveries.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const d = deliveries[0]!;
    expect(d.signature).toBe(
      `sha256=${createHmac('sha256', secret).update(`${d.timestamp}.${d.body}`).digest('hex')}`,
    );
    expect(JSON.parse(d.body)).toMatchObject({
      type: 'button',
      chatId: classChat,
      button: { label: 'Понятно', data: 'ack' },
      from: { id: 'p-ivan' },
    });

    // The admin's screen on a phone: the bot listed, its webhook kept.
    const adminPhone = await openPage(browser, `${school.s.httpUrl}/login`, 'phone');
    await adminPhone.getByLabel('Номер телефона').fill('+7 900 000-00-00');
    await adminPhone.getByLabel('Пароль').fill('директор-пароль');
    await adminPhone.getByRole('button', { name: 'Войти', exact: true }).click();
    await adminPhone.getByRole('link', { name: 'Управление школой' }).click();
    await adminPhone.getByRole('tab', { name: 'Боты' }).click();
    const phoneCard = adminPhone.getByRole('listitem', { name: 'Расписание' });
    expect(await phoneCard.getByLabel('Адрес вебхука (https://…)').inputValue()).toBe(hookUrl);
    const width = await adminPhone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
    await phoneCard.scrollIntoViewIfNeeded();
    await screenshot(adminPhone, 'phone-bots-admin');
  });
});
