// Changing a bot's chats on «Боты» (docs/bots.md), as the school admin: on a
// laptop she opens «Изменить чаты» on «Расписание» (made with 5А and 5А's
// parents' chat), takes the parents' chat away and gives 6А; at once the bot's
// post to the parents' chat is refused (403 chat_not_given), a parent's message
// there reaches no webhook while a pupil's in 5А does, and its post to 6А is
// taken, with the same token. On a phone (360 px) she gives the parents' chat
// back and the bot may post there again. Screenshots: laptop-bots-edit-chats,
// phone-bots-edit-chats.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountSchool, startAccountSchool } from '../helpers/accounts.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { type Device, closePages, openPage, screenshot } from '../helpers/callPage.js';
import type { TestChatClient } from '../helpers/chatServer.js';

let school: AccountSchool;
let browser: Browser;
let hook: Server;
let hookUrl: string;
const heard: { chatId: string; type: string; message?: { text?: string } }[] = [];
const clients: TestChatClient[] = [];

async function botsTab(device: Device): Promise<Page> {
  const page = await openPage(browser, `${school.s.httpUrl}/login`, device);
  await page.getByLabel('Номер телефона').fill('+7 900 000-00-00');
  await page.getByLabel('Пароль').fill('директор-пароль');
  await page.getByRole('button', { name: 'Войти', exact: true }).click();
  await page.getByRole('link', { name: 'Управление школой' }).click();
  await page.getByRole('tab', { name: 'Боты' }).click();
  return page;
}

describe.skipIf(!chromiumAvailable())("the school admin changes a bot's chats", () => {
  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        heard.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    school = await startAccountSchool({ BOT_WEBHOOK_ALLOW_PRIVATE: 'true' });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await closePages();
    await browser?.close();
    await school?.s.stop();
    await new Promise((r) => hook?.close(r));
  });

  it('takes a chat away and gives another, on a laptop and on a phone', async () => {
    const { admin, schoolId } = school;
    const chats = (await admin.get('/api/school/bots')).body.chats as { id: string; title: string }[];
    const chat = (title: string) => chats.find((c) => c.title === title)!.id;
    const [classChat, parentsChat, otherClass] = [chat('5А'), chat('5А · родители'), chat('6А')];
    const made = await admin.post('/api/school/bots', {
      name: 'Расписание',
      chats: [classChat, parentsChat],
    });
    expect(made.status).toBe(201);
    const { token, bot } = made.body as { token: string; bot: { id: string } };
    await admin.post(`/api/school/bots/${bot.id}`, { webhookUrl: hookUrl });
    const post = async (chatId: string, text: string) => {
      const res = await fetch(`${school.s.httpUrl}/api/bot/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ chatId, text }),
      });
      return { status: res.status, body: (await res.json()) as { reason?: string } };
    };
    expect((await post(parentsChat, 'Собрание в четверг')).status).toBe(201);

    const laptop = await botsTab('laptop');
    const card = laptop.getByRole('listitem', { name: 'Расписание' });
    await card.getByText('5А, 5А · родители', { exact: true }).waitFor();
    await card.getByRole('button', { name: 'Изменить чаты' }).click();
    await card.getByLabel('5А · родители', { exact: true }).uncheck();
    await card.getByLabel('6А', { exact: true }).check();
    await screenshot(laptop, 'laptop-bots-edit-chats');
    await card.getByRole('button', { name: 'Сохранить чаты' }).click();
    await laptop.getByText('Чаты бота сохранены: из убранных чатов он больше ничего не получит.').waitFor();
    await card.getByText('5А, 6А', { exact: true }).waitFor();
    expect(await card.getByRole('button', { name: 'Сохранить чаты' }).count()).toBe(0);

    // The same token: refused in the chat taken away, taken in the chat given.
    const refused = await post(parentsChat, 'Ещё одно объявление');
    expect(refused).toMatchObject({ status: 403, body: { reason: 'chat_not_given' } });
    expect((await post(otherClass, 'Завтра в 6А: математика')).status).toBe(201);

    // A parent's message in the chat taken away is not sent to the bot; a pupil's in 5А is.
    const person = async (userId: string, displayName: string, role: 'student' | 'parent') => {
      const c = await school.s.client({ userId, displayName, role, schoolId });
      clients.push(c);
      return c;
    };
    const parent = await person('m-ivanova', 'Елена Иванова', 'parent');
    const pupil = await person('p-ivan', 'Иван Иванов', 'student');
    await parent.send(parentsChat, 'Спасибо, будем');
    await pupil.send(classChat, 'А физкультура будет?');
    await expect
      .poll(() => heard.some((e) => e.type === 'message' && e.chatId === classChat), { timeout: 10_000 })
      .toBe(true);
    // The pupil wrote after the parent; give a late delivery a moment anyway.
    await new Promise((r) => setTimeout(r, 500));
    expect(heard.filter((e) => e.chatId === parentsChat)).toEqual([]);

    // On a phone: the parents' chat given back.
    const phone = await botsTab('phone');
    expect(phone.viewportSize()!.width).toBe(360);
    const phoneCard = phone.getByRole('listitem', { name: 'Расписание' });
    await phoneCard.getByRole('button', { name: 'Изменить чаты' }).click();
    await phoneCard.getByLabel('5А · родители', { exact: true }).check();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await phoneCard.getByRole('button', { name: 'Сохранить чаты' }).scrollIntoViewIfNeeded();
    await screenshot(phone, 'phone-bots-edit-chats');
    await phoneCard.getByRole('button', { name: 'Сохранить чаты' }).click();
    await phoneCard.getByText('5А, 5А · родители, 6А', { exact: true }).waitFor();
    expect((await post(parentsChat, 'Собрание переносится')).status).toBe(201);
  });
});
