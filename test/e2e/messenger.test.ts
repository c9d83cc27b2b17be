// The messenger in the browser, at laptop and phone size, through the real
// web client and the real server: the chat list with unread counts, a chat
// with its history, sending, a reply, a reaction and a poll vote from the
// page, live delivery to another person, and the English switch; the
// messenger's own actions on the shared chat components: a poll written in
// the composer, a message marked important, forwarded, and who read it.
// Screenshots go to test-artifacts/screenshots/ (laptop-messenger-*,
// phone-messenger-*).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { type Device, layoutReport, screenshot } from '../helpers/callPage.js';
import { type TestPerson, cpb } from '../helpers/chatServer.js';
import { messengerScene } from '../helpers/messengerScene.js';

let chatId: string;
const teacher = { userId: 'mt', displayName: 'Мария Ивановна Соколова', sortName: 'Соколова Мария' };
const mother = {
  userId: 'mm',
  displayName: 'Ольга Андреева',
  sortName: 'Андреева Ольга',
  role: 'parent' as const,
};

describe.skipIf(!chromiumAvailable())('the messenger in the browser', () => {
  const scene = messengerScene(teacher, [mother], async (api) => {
    chatId = (await api.request({ createChat: { title: 'Родители 5Б', members: ['mm'] } })).chat!.chatId!;
    await api.request({ createChat: { title: 'Учительская' } });
    await api.send(chatId, 'Здравствуйте! Завтра экскурсия в музей.');
    await api.send(chatId, '', {
      poll: { question: 'Кто сможет сопровождать класс?', options: ['Смогу', 'Не смогу'] },
    });
  });

  const open = (person: TestPerson, device: Device): Promise<Page> => scene.open(person, device, chatId);

  it('a parent on a phone sees the unread chat, opens it, answers, votes and reacts', async () => {
    const page = await open(mother, 'phone');
    const item = page.locator(`[data-chat="${chatId}"]`);
    await expect.poll(() => item.locator('.badge').textContent()).toBe('3');
    await screenshot(page, 'phone-messenger-list');
    await item.click();
    await page.getByText('Завтра экскурсия в музей', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Смогу', exact: true }).click();
    await page.getByText('100%').waitFor();
    await page.fill('#composer-text', 'Спасибо, я смогу!');
    await page.click('#composer-send');
    await page.locator('.msg-text', { hasText: 'Спасибо, я смогу!' }).waitFor();
    await screenshot(page, 'phone-messenger-chat');
    // The teacher's account sees it, stored and live.
    await scene.teacherApi.waitFor(
      (e) => e.message?.chatId === chatId && e.message.text === 'Спасибо, я смогу!',
    );
    const page1 = await scene.teacherApi.request({ getHistory: { chatId } });
    const poll = page1.page!.messages!.find((m) => m.kind === cpb.MessageKind.MESSAGE_KIND_POLL)!;
    expect(poll.poll!.options![0]!.votes).toBe(1);
    // The list no longer counts them as unread.
    const list = await scene.teacherApi.request({ listChats: {} });
    expect(list.chats!.chats!.find((c) => c.chatId === chatId)!.lastMessage!.text).toBe('Спасибо, я смогу!');
  });

  it('a teacher on a laptop replies, reacts, and the parent sees it live; English on request', async () => {
    const parent = await open(mother, 'phone');
    await parent.locator(`[data-chat="${chatId}"]`).click();
    const page = await open(teacher, 'laptop');
    await page.locator(`[data-chat="${chatId}"]`).click();
    const answer = page
      .locator('.msg')
      .filter({ has: page.locator('.msg-text', { hasText: /^Спасибо, я смогу!$/ }) });
    await answer.waitFor();
    await answer.getByRole('button', { name: 'Действия с сообщением' }).click();
    await page.getByRole('menuitem', { name: 'Ответить' }).click();
    await page.fill('#composer-text', 'Отлично, встречаемся в 9:00 у школы.');
    await page.click('#composer-send');
    await page.locator('.msg-reply', { hasText: 'Спасибо, я смогу!' }).waitFor();
    await answer.getByRole('button', { name: 'Действия с сообщением' }).click();
    await page.locator('.reaction-pick [data-emoji="👍"]').click();
    await answer.locator('.msg-reaction[data-emoji="👍"] .reaction-count', { hasText: '1' }).waitFor();
    await screenshot(page, 'laptop-messenger-chat');
    await parent.locator('.msg-text', { hasText: 'Отлично, встречаемся в 9:00 у школы.' }).waitFor();
    await parent
      .locator('.msg')
      .filter({ has: parent.locator('.msg-text', { hasText: /^Спасибо, я смогу!$/ }) })
      .locator('.msg-reaction[data-emoji="👍"] .reaction-count', { hasText: '1' })
      .waitFor();
    await screenshot(parent, 'phone-messenger-live');
    await page.locator('[data-lang-switch]').click();
    await page.getByRole('heading', { name: 'Messages' }).waitFor();
    await screenshot(page, 'laptop-messenger-english');
  });

  it('a teacher writes a poll, marks a message important, forwards it and sees who read it', async () => {
    const { chats } = await scene.teacherApi.request({ listChats: {} });
    const staffRoom = chats!.chats!.find((c) => c.title === 'Учительская')!.chatId!;
    const page = await open(teacher, 'laptop');
    await page.locator(`[data-chat="${chatId}"]`).click();
    // A poll, written in its window.
    await page.getByRole('button', { name: 'Опрос', exact: true }).click();
    await page.getByLabel('Вопрос', { exact: true }).fill('Во сколько удобно собрание?');
    await page.getByLabel('Вариант 1', { exact: true }).fill('18:00');
    await page.getByLabel('Вариант 2', { exact: true }).fill('19:00');
    await page.getByRole('button', { name: 'Отправить опрос' }).click();
    await page.locator('.poll strong', { hasText: 'Во сколько удобно собрание?' }).waitFor();
    const { page: history } = await scene.teacherApi.request({ getHistory: { chatId } });
    const poll = history!.messages!.find((m) => m.poll?.question === 'Во сколько удобно собрание?')!;
    expect(poll.poll!.options!.map((o) => o.text)).toEqual(['18:00', '19:00']);
    // Important, for herself: a star on the message.
    const mine = page
      .locator('.msg')
      .filter({ has: page.locator('.msg-text', { hasText: /^Отлично, встречаемся в 9:00 у школы\.$/ }) });
    await mine.getByRole('button', { name: 'Действия с сообщением' }).click();
    await page.getByRole('menuitem', { name: 'Отметить как важное' }).click();
    await mine.locator('.msg-meta [aria-label="Важное"]').waitFor();
    await expect
      .poll(async () => {
        const h = await scene.teacherApi.request({ getHistory: { chatId } });
        return h.page!.messages!.find((m) => m.text === 'Отлично, встречаемся в 9:00 у школы.')?.important;
      })
      .toBe(true);
    // Forwarded to the staff room.
    await mine.getByRole('button', { name: 'Действия с сообщением' }).click();
    await page.getByRole('menuitem', { name: 'Переслать' }).click();
    await mine.locator(`[data-forward-to="${staffRoom}"]`).check();
    await page.click('#forward-send');
    await expect
      .poll(async () => {
        const h = await scene.teacherApi.request({ getHistory: { chatId: staffRoom } });
        return h.page!.messages!.find((m) => m.forwardedFrom)?.text;
      })
      .toBe('Отлично, встречаемся в 9:00 у школы.');
    // Who read it: the parent is named, read or not yet.
    await mine.getByRole('button', { name: 'Действия с сообщением' }).click();
    await page.getByRole('menuitem', { name: 'Кто прочитал' }).click();
    await mine.locator('.read-by', { hasText: 'Ольга Андреева' }).waitFor();
    await screenshot(page, 'laptop-messenger-actions');
    await page.locator(`[data-chat="${staffRoom}"]`).click();
    await page.locator('.msg-forwarded', { hasText: 'Переслано · Мария Ивановна Соколова' }).waitFor();
    await screenshot(page, 'laptop-messenger-forwarded');
    // The parent's phone: the same message menu, placed on the screen, with the messenger's actions.
    const phone = await open(mother, 'phone');
    await phone.locator(`[data-chat="${chatId}"]`).click();
    const poll2 = phone
      .locator('.msg')
      .filter({ has: phone.locator('.poll strong', { hasText: 'собрание' }) });
    await poll2.getByRole('button', { name: '18:00', exact: true }).click();
    await poll2.getByRole('button', { name: 'Действия с сообщением' }).click();
    await phone.getByRole('menuitem', { name: 'Переслать' }).waitFor();
    await screenshot(phone, 'phone-messenger-menu');
    const layout = await layoutReport(phone, []);
    expect(layout.overflowX).toBe(0);
    expect(layout.englishWords).toEqual([]);
    await phone.keyboard.press('Escape');
  });
});
