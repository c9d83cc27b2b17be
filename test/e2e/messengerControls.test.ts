// The messenger's controls for what the server offers (#25), clicked by
// their Russian labels at 360 px and 1366 px: the pinned bar that stays over
// the messages (a pinned announcement far back in the history is named
// there and a tap brings it into view; several pins are listed), and the
// poll editor (anonymous or public, multiple choice, a quiz with its right
// answer, a deadline; the author sees results and voters, and closes it; a
// quiz's counts wait for one's own answer).
// Screenshots: test-artifacts/screenshots/{phone,laptop}-messenger-{pins,pins-list,poll-editor,poll-results}.png.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { closePages, layoutReport, openPage, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, type TestChatClient, cpb } from '../helpers/chatServer.js';
import { messengerScene } from '../helpers/messengerScene.js';
import { tusUpload } from '../helpers/tusUpload.js';

let s: ChatTestServer;
let browser: Browser;
let teacherApi: TestChatClient;
let chatId: string;
const teacher = { userId: 'ct-t', displayName: 'Ирина Павловна Котова', sortName: 'Котова Ирина' };
const mother = {
  userId: 'ct-m',
  displayName: 'Ольга Андреева',
  sortName: 'Андреева Ольга',
  role: 'parent' as const,
};
const ANNOUNCEMENT = 'Собрание родителей в четверг в 18:00, кабинет 12.';

/** Whether an element is wholly inside its scrolling list. */
const inList = (el: Element) => {
  const r = el.getBoundingClientRect();
  const list = el.closest('.messages')!.getBoundingClientRect();
  return r.top >= list.top - 0.5 && r.bottom <= list.bottom + 0.5;
};

describe.skipIf(!chromiumAvailable())('the messenger controls', () => {
  const scene = messengerScene(teacher, [mother], async (api) => {
    chatId = (await api.request({ createChat: { title: 'Родители 3В', members: [mother.userId] } })).chat!
      .chatId!;
    await api.send(chatId, ANNOUNCEMENT);
  });
  beforeAll(() => {
    ({ s, browser, teacherApi: teacherApi } = scene);
  });

  const open = async (person: typeof teacher, device: 'laptop' | 'phone'): Promise<Page> => {
    const page = await openPage(browser, `${s.httpUrl}/messenger#token=${await s.token(person)}`, device);
    await page.locator(`[data-chat="${chatId}"]`).click();
    return page;
  };
  const menuOf = (page: Page, text: string) =>
    page
      .locator('.msg')
      .filter({ has: page.locator('.msg-text', { hasText: text }) })
      .getByRole('button', { name: 'Действия с сообщением' });

  it('a teacher pins the announcement; far back in the history, the parent still finds it from the bar', async () => {
    const page = await open(teacher, 'laptop');
    await menuOf(page, ANNOUNCEMENT).click();
    await page.getByRole('menuitem', { name: 'Закрепить' }).click();
    await page.locator('#chat-pinned', { hasText: ANNOUNCEMENT }).waitFor();
    // Sixty messages later the announcement is two pages back.
    for (let i = 1; i <= 60; i++) await teacherApi.send(chatId, `Вопрос ${i}`);
    await page.locator('.msg-text', { hasText: 'Вопрос 60' }).waitFor();
    const bar = await page.locator('#chat-pinned').boundingBox();
    const list = await page.locator('.messages').boundingBox();
    expect(bar!.y + bar!.height).toBeLessThanOrEqual(list!.y + 1);
    await screenshot(page, 'laptop-messenger-pins');

    const phone = await open(mother, 'phone');
    await phone.locator('.msg-text', { hasText: 'Вопрос 60' }).waitFor();
    expect(await phone.locator('.msg-text', { hasText: ANNOUNCEMENT }).count()).toBe(0);
    await phone.locator('#chat-pinned', { hasText: ANNOUNCEMENT }).waitFor();
    await screenshot(phone, 'phone-messenger-pins');
    await phone
      .locator('#chat-pinned')
      .getByRole('button', { name: /Закреплено/ })
      .click();
    const announcement = phone.locator('.msg', { hasText: ANNOUNCEMENT });
    await announcement.waitFor();
    await expect.poll(() => announcement.evaluate(inList)).toBe(true);
    // The bar is still there over the messages.
    await phone.locator('#chat-pinned').waitFor();
    expect((await layoutReport(phone, [])).overflowX).toBe(0);

    // A second pin: the bar counts them, and lists them all.
    await menuOf(page, 'Вопрос 60').click();
    await page.getByRole('menuitem', { name: 'Закрепить' }).click();
    await phone.locator('#chat-pinned', { hasText: 'Закреплено · 1 из 2' }).waitFor();
    await phone.getByRole('button', { name: 'Все закреплённые сообщения' }).click();
    const dialog = phone.getByRole('dialog', { name: 'Все закреплённые сообщения' });
    await dialog.getByRole('button', { name: new RegExp(ANNOUNCEMENT) }).waitFor();
    await screenshot(phone, 'phone-messenger-pins-list');
    await dialog.getByRole('button', { name: new RegExp(ANNOUNCEMENT) }).click();
    await expect.poll(() => announcement.evaluate(inList)).toBe(true);
    const pinned = (await teacherApi.request({ listPinned: { chatId } })).page!.messages!.map((m) => m.text);
    expect(pinned).toEqual(['Вопрос 60', ANNOUNCEMENT]);
  }, 180_000);

  it('a teacher writes a public multiple-choice poll and a quiz with a deadline; results, voters and closing', async () => {
    const page = await open(teacher, 'laptop');
    await page.getByRole('button', { name: 'Опрос', exact: true }).click();
    await page.getByLabel('Вопрос', { exact: true }).fill('Какие кружки интересны ребёнку?');
    await page.getByLabel('Вариант 1', { exact: true }).fill('Шахматы');
    await page.getByLabel('Вариант 2', { exact: true }).fill('Робототехника');
    await page.getByRole('button', { name: 'Добавить вариант' }).click();
    await page.getByLabel('Вариант 3', { exact: true }).fill('Хор');
    await page.getByLabel('Анонимное голосование').uncheck();
    await page.getByLabel('Можно выбрать несколько ответов').check();
    await screenshot(page, 'laptop-messenger-poll-editor');
    await page.getByRole('button', { name: 'Отправить опрос' }).click();
    const poll = page.locator('.msg', { has: page.locator('.poll strong', { hasText: 'Какие кружки' }) });
    await poll.locator('.poll-kind', { hasText: 'Открытый опрос · несколько ответов' }).waitFor();
    // Its author sees the results before anyone votes, and may close it.
    await poll.locator('.poll-count', { hasText: '0% · 0' }).first().waitFor();
    await poll.getByRole('button', { name: 'Закрыть опрос' }).waitFor();

    const phone = await open(mother, 'phone');
    const pollThere = phone.locator('.msg', {
      has: phone.locator('.poll strong', { hasText: 'Какие кружки' }),
    });
    await pollThere.getByLabel('Шахматы').check();
    await pollThere.getByLabel('Хор').check();
    await pollThere.getByRole('button', { name: 'Проголосовать' }).click();
    await pollThere.locator('.poll-count', { hasText: '100% · 1' }).first().waitFor();
    expect(await pollThere.locator('.poll-count', { hasText: '100% · 1' }).count()).toBe(2);
    await screenshot(phone, 'phone-messenger-poll-results');
    // A public poll: the teacher sees who chose what.
    await poll.getByRole('button', { name: 'Кто выбрал «Хор»' }).click();
    await page.getByRole('dialog', { name: 'Кто выбрал «Хор»' }).getByText('Ольга Андреева').waitFor();
    await screenshot(page, 'laptop-messenger-poll-voters');
    await page.keyboard.press('Escape');
    await poll.getByRole('button', { name: 'Закрыть опрос' }).click();
    await pollThere.getByText('опрос закрыт').waitFor();

    // A quiz with a deadline, written on a phone.
    const teacherPhone = await open(teacher, 'phone');
    await teacherPhone.getByRole('button', { name: 'Опрос', exact: true }).click();
    await teacherPhone.getByLabel('Викторина (один правильный ответ)').check();
    await teacherPhone.getByLabel('Вопрос', { exact: true }).fill('Сколько будет 7 × 8?');
    await teacherPhone.getByLabel('Вариант 1', { exact: true }).fill('54');
    await teacherPhone.getByLabel('Вариант 2', { exact: true }).fill('56');
    await teacherPhone.getByLabel('Вариант 2 — правильный').check();
    const tomorrow = new Date(Date.now() + 86400_000);
    const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000)
      .toISOString()
      .slice(0, 16);
    await teacherPhone.getByLabel('Закрыть автоматически (необязательно)').fill(local);
    await screenshot(teacherPhone, 'phone-messenger-poll-editor');
    expect((await layoutReport(teacherPhone, [])).overflowX).toBe(0);
    await teacherPhone.getByRole('button', { name: 'Отправить викторину' }).click();
    // Its author sees the right answer without voting (and after a reload: the server says so).
    const ownQuiz = teacherPhone.locator('.msg', {
      has: teacherPhone.locator('.poll strong', { hasText: '7 × 8' }),
    });
    await ownQuiz.locator('.poll-option.correct', { hasText: '56' }).waitFor();
    await teacherPhone.reload();
    await teacherPhone.locator(`[data-chat="${chatId}"]`).click();
    await teacherPhone.locator('.poll-option.correct', { hasText: '56' }).waitFor();
    await screenshot(teacherPhone, 'phone-messenger-quiz-author');
    const quiz = phone.locator('.msg', { has: phone.locator('.poll strong', { hasText: '7 × 8' }) });
    await quiz.locator('.poll-kind', { hasText: /Викторина · до/ }).waitFor();
    // Report 8: no counts before one's own answer (the server sends none), a line says why.
    await quiz.getByText('Результаты появятся после ответа').waitFor();
    expect(await quiz.locator('.poll-count').count()).toBe(0);
    await screenshot(phone, 'phone-messenger-quiz-before');
    await quiz.getByRole('button', { name: '54', exact: true }).click();
    await quiz.locator('.poll-option.correct', { hasText: '56' }).waitFor();
    await quiz.locator('.poll-option.mine .poll-count', { hasText: '100% · 1' }).waitFor();
    expect(await quiz.getByText('Результаты появятся после ответа').count()).toBe(0);
    await screenshot(phone, 'phone-messenger-quiz');
    // Its author sees the answer counted, live.
    await ownQuiz.locator('.poll-count', { hasText: '100% · 1' }).waitFor();
    const h = await teacherApi.request({ getHistory: { chatId } });
    const stored = h.page!.messages!.find((m) => m.poll?.question === 'Сколько будет 7 × 8?')!.poll!;
    expect(stored.quiz).toBe(true);
    expect(Math.abs((stored.closesAt ?? 0) - tomorrow.getTime())).toBeLessThan(120_000);
    const first = h.page!.messages!.find((m) => m.poll?.question === 'Какие кружки интересны ребёнку?')!
      .poll!;
    expect([first.anonymous, first.multiple, first.closed]).toEqual([false, true, true]);
    expect(first.options!.map((o) => o.votes)).toEqual([1, 0, 1]);
  }, 180_000);

  it("a file's real extension shows apart from its name, and people's text is isolated (report 8)", async () => {
    const token = await s.token(teacher);
    const { fileId } = await tusUpload(
      s.httpUrl,
      Buffer.from('MZ not really a program'),
      { filename: 'Оценки 5А.pdf.exe', filetype: 'application/octet-stream', chatId },
      token,
    );
    await teacherApi.send(chatId, 'שלום! Список оценок во вложении', { fileIds: [fileId] });
    const phone = await open(mother, 'phone');
    const msg = phone.locator('.msg', { has: phone.locator('.file-name', { hasText: 'Оценки 5А.pdf.exe' }) });
    await msg.locator('.file-ext', { hasText: /^EXE$/ }).waitFor();
    // Every piece of people's text takes its own direction and is isolated from what is around it.
    for (const el of [
      msg.locator('.file-name'),
      msg.locator('.msg-text'),
      msg.locator('.msg-sender [dir]'),
      phone.locator(`[data-chat="${chatId}"] .chat-item-last`),
      phone.locator('.chat-head h2'),
    ]) {
      expect(await el.getAttribute('dir')).toBe('auto');
      expect(await el.evaluate((e) => getComputedStyle(e).unicodeBidi)).toBe('isolate');
    }
    await msg.scrollIntoViewIfNeeded();
    await screenshot(phone, 'phone-messenger-file-ext');
    expect((await layoutReport(phone, [])).overflowX).toBe(0);
  }, 180_000);

  /** The announcement is far back in the history (the first test): brought into view from the pinned list. */
  const reveal = async (page: Page) => {
    await page.getByRole('button', { name: 'Все закреплённые сообщения' }).click();
    await page
      .getByRole('dialog', { name: 'Все закреплённые сообщения' })
      .getByRole('button', { name: new RegExp(ANNOUNCEMENT) })
      .click();
    await page.locator('.msg', { hasText: ANNOUNCEMENT }).waitFor();
  };

  it('who reacted: the parent reacts on a phone, the teacher sees her name on a laptop', async () => {
    const phone = await open(mother, 'phone');
    await reveal(phone);
    await menuOf(phone, ANNOUNCEMENT).click();
    await phone.locator('.reaction-pick [data-emoji="👍"]').click();
    const there = phone.locator('.msg', { has: phone.locator('.msg-text', { hasText: ANNOUNCEMENT }) });
    await there.locator('.msg-reaction[data-emoji="👍"] .reaction-count', { hasText: '1' }).waitFor();
    await menuOf(phone, ANNOUNCEMENT).click();
    await phone.getByRole('menuitem', { name: 'Кто отреагировал' }).click();
    await phone.getByRole('dialog', { name: 'Кто отреагировал' }).getByText('Ольга Андреева').waitFor();
    await screenshot(phone, 'phone-messenger-reacted');
    expect((await layoutReport(phone, [])).overflowX).toBe(0);

    const page = await open(teacher, 'laptop');
    await reveal(page);
    await menuOf(page, ANNOUNCEMENT).click();
    await page.getByRole('menuitem', { name: 'Кто отреагировал' }).click();
    const dialog = page.getByRole('dialog', { name: 'Кто отреагировал' });
    await dialog.locator('.reacted-person', { hasText: 'Ольга Андреева' }).waitFor();
    expect(await dialog.locator('.reacted-person').count()).toBe(1);
    await screenshot(page, 'laptop-messenger-reacted');
  }, 180_000);
});
