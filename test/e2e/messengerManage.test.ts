// The messenger's own screens in the browser: a teacher on a laptop creates
// a group chat (people found through the members lists of her chats), sets
// its rules, appoints an admin, adds and removes people; a parent on a phone
// opens a direct chat with the teacher, writes with emoji, and reads a
// refusal as a translated sentence. Screenshots:
// test-artifacts/screenshots/{laptop,phone}-messenger-{new-chat,info,direct,error}.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, layoutReport, openPage, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { chatAction } from '../helpers/messengerScene.js';

let s: ChatTestServer;
let browser: Browser;
let teacherApi: TestChatClient;
const teacher = { userId: 'mg-t', displayName: 'Елена Викторовна Орлова', sortName: 'Орлова Елена' };
const colleague = { userId: 'mg-c', displayName: 'Пётр Ильич Зуев', sortName: 'Зуев Пётр' };
const mother = {
  userId: 'mg-m',
  displayName: 'Ольга Андреева',
  sortName: 'Андреева Ольга',
  role: 'parent' as const,
};
const father = {
  userId: 'mg-f',
  displayName: 'Игорь Белов',
  sortName: 'Белов Игорь',
  role: 'parent' as const,
};
const names = [teacher, colleague, mother, father].map((p) => p.displayName).join(' ');

describe.skipIf(!chromiumAvailable())('creating and running chats in the messenger', () => {
  beforeAll(async () => {
    s = await startChatServer();
    for (const p of [colleague, mother, father]) await s.token(p);
    teacherApi = await s.client(teacher);
    // People are found through the chats one is already in.
    await teacherApi.request({ createChat: { title: 'Учительская', members: [colleague.userId] } });
    await teacherApi.request({
      createChat: { title: 'Родители 5Б', members: [mother.userId, father.userId] },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await closePages();
    await browser?.close();
    teacherApi?.close();
    await s?.stop();
  });

  const open = async (person: typeof teacher, device: 'laptop' | 'phone'): Promise<Page> => {
    const page = await openPage(browser, `${s.httpUrl}/messenger#token=${await s.token(person)}`, device);
    await page.locator('.chat-item').first().waitFor();
    return page;
  };

  it('a teacher creates a group, sets its rules, appoints an admin, adds and removes people', async () => {
    const page = await open(teacher, 'laptop');
    await page.click('#new-chat-button');
    await page.fill('#new-chat-title-input', 'Экскурсия в музей');
    await page.fill('#people-search', 'андр');
    await page.locator(`.person-pick[data-user="${mother.userId}"]`).click();
    await page.fill('#people-search', 'зуев');
    await page.locator(`.person-pick[data-user="${colleague.userId}"]`).click();
    await page.selectOption('#set-whoMayWrite', String(cpb.Permission.PERMISSION_ADMINS));
    await page.locator('#set-history').uncheck();
    await screenshot(page, 'laptop-messenger-new-chat');
    await page.click('#new-chat-create');
    await page.locator('.chat-head h2', { hasText: 'Экскурсия в музей' }).waitFor();
    const chatId = await page.locator('.chat-item.active').getAttribute('data-chat');
    const created = (await teacherApi.request({ listChats: {} })).chats!.chats!.find(
      (c) => c.chatId === chatId,
    )!;
    expect(created.memberCount).toBe(3);
    expect(created.settings!.whoMayWrite).toBe(cpb.Permission.PERMISSION_ADMINS);
    expect(created.settings!.newMembersSeeHistory).toBe(false);
    await page.fill('#composer-text', 'Встречаемся в 9:00 у школы 🚌🏛️');
    await page.click('#composer-send');
    await page.locator('.msg-text', { hasText: 'Встречаемся в 9:00' }).waitFor();
    // People and rules: the colleague becomes an admin, the father is added, the colleague removed.
    await chatAction(page, /^Участники и настройки/);
    const row = (id: string) => page.locator(`#members .member[data-user="${id}"]`);
    await row(colleague.userId).waitFor();
    await row(colleague.userId).locator('[data-menu]').click();
    await page.locator('.menu [data-action="admin"]').click();
    await row(colleague.userId).locator('.member-role', { hasText: 'администратор' }).waitFor();
    await page.click('#add-people');
    await page.fill('#people-search', 'белов');
    await page.locator(`.person-pick[data-user="${father.userId}"]`).click();
    await page.click('#add-people-confirm');
    await row(father.userId).waitFor();
    await page.selectOption('#set-whoMayInvite', String(cpb.Permission.PERMISSION_EVERYONE));
    await expect
      .poll(async () => {
        const c = (await teacherApi.request({ listChats: {} })).chats!.chats!.find(
          (x) => x.chatId === chatId,
        );
        return c?.settings?.whoMayInvite;
      })
      .toBe(cpb.Permission.PERMISSION_EVERYONE);
    await screenshot(page, 'laptop-messenger-info');
    await row(colleague.userId).locator('[data-menu]').click();
    await page.locator('.menu [data-action="remove"]').click();
    await expect.poll(() => row(colleague.userId).count()).toBe(0);
    const members = await teacherApi.request({ listMembers: { chatId } });
    expect(members.members!.members!.map((m) => m.user!.userId).sort()).toEqual(
      [father.userId, mother.userId, teacher.userId].sort(),
    );
    // The mother, a plain member, reads that the chat is read-only and has no composer.
    const parent = await open(mother, 'phone');
    await parent.locator(`[data-chat="${chatId}"]`).click();
    await parent.locator('.msg-text', { hasText: 'Встречаемся в 9:00' }).waitFor();
    await parent.locator('.read-only').waitFor();
    expect(await parent.locator('#composer-text').count()).toBe(0);
    await screenshot(parent, 'phone-messenger-read-only');
  });

  it('a parent on a phone opens a direct chat with the teacher; a refusal reads as a sentence', async () => {
    const page = await open(mother, 'phone');
    await screenshot(page, 'phone-messenger-list');
    await page.click('#new-chat-button');
    await page.click('#kind-direct');
    await page.fill('#people-search', 'орлова');
    await page.locator(`.person-pick[data-user="${teacher.userId}"]`).click();
    await screenshot(page, 'phone-messenger-new-chat');
    await page.click('#new-chat-create');
    await page.locator('.chat-head h2', { hasText: teacher.displayName }).waitFor();
    await page.fill('#composer-text', 'Здравствуйте! Спасибо за экскурсию 🎉👍');
    await page.click('#composer-send');
    await page.locator('.msg-text', { hasText: 'Спасибо за экскурсию' }).waitFor();
    await teacherApi.waitFor((e) => e.message?.text === 'Здравствуйте! Спасибо за экскурсию 🎉👍');
    await screenshot(page, 'phone-messenger-direct');
    const layout = await layoutReport(page, names.split(' '));
    expect(layout.overflowX).toBe(0);
    expect(layout.englishWords).toEqual([]);
    // Too long: the server refuses; the page says why in Russian and keeps the text.
    const long = 'а'.repeat(4200);
    await page.fill('#composer-text', long);
    await page.click('#composer-send');
    await page.locator('#msgr-notice', { hasText: 'Сообщение слишком длинное.' }).waitFor();
    expect(await page.inputValue('#composer-text')).toBe(long);
    await screenshot(page, 'phone-messenger-error');
    await page.locator('[data-lang-switch]').click();
    await page.fill('#composer-text', `${long}!`);
    await page.click('#composer-send');
    await page.locator('#msgr-notice', { hasText: 'The message is too long.' }).waitFor();
  });
});
