// The messenger's school parts in the browser, at laptop and phone size, on
// a real server with a school directory and a (random-weight) Whisper model:
// the chat list with folders and a pinned chat, a channel found and
// subscribed to, a join request sent by link and accepted, and a voice
// message recorded from the (fake) microphone, played inline with its text.
// Screenshots: laptop-messenger-folders, phone-messenger-folders,
// phone-channel, phone-join-request-sent, laptop-join-request,
// laptop-voice-message, phone-voice-message.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Directory } from '../../directory/model.js';
import { sampleSchool } from '../../directory/sampleSchool.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, openPage, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { ensureTestModel } from '../helpers/whisperModel.js';

let s: ChatTestServer;
let browser: Browser;
const d: Directory = sampleSchool({
  schoolId: 'school-1',
  schoolName: 'Школа № 9',
  grades: 1,
  lettersPerGrade: 2,
  pupilsPerClass: 3,
  parentsPerPupil: 1,
});
const teacherP = d.teachers[0]!;
const pupilP = d.pupils[0]!;
const parentP = d.parents[0]!;
const person = (p: { id: string; name: string; sort: string }, role: 'teacher' | 'student' | 'parent') => ({
  userId: p.id,
  displayName: p.name,
  sortName: p.sort,
  role,
});
const teacher = person(teacherP, 'teacher');
const pupil = person(pupilP, 'student');
const parent = person(parentP, 'parent');
let api: TestChatClient;

async function messenger(p: typeof teacher, device: 'laptop' | 'phone', hash = ''): Promise<Page> {
  const page = await openPage(browser, `${s.httpUrl}/messenger#token=${await s.token(p)}`, device);
  await page.locator('[data-chat]').first().waitFor();
  if (hash) {
    await page.goto('about:blank');
    await page.goto(`${s.httpUrl}/messenger#${hash}`);
  }
  return page;
}

describe.skipIf(!chromiumAvailable())('the school messenger in the browser', () => {
  beforeAll(async () => {
    s = await startChatServer({ WHISPER_MODEL: ensureTestModel('tiny') });
    const res = await fetch(`${s.httpUrl}/api/directory/import`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify(d),
    });
    expect(res.status).toBe(200);
    api = await s.client(teacher);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await closePages();
    await browser?.close();
    api?.close();
    await s?.stop();
  });

  it('the chat list shows folders and a pinned chat, on a laptop and a phone', async () => {
    const { chats } = await api.request({ listChats: {} });
    const byTitle = (x: string) => chats!.chats!.find((c) => c.title === x)!.chatId!;
    await api.request({
      setFolders: {
        folders: [
          { id: 'classes', name: 'Классы', chatIds: [byTitle('5А'), byTitle('5А · родители')] },
          { id: 'staff', name: 'Коллеги', chatIds: [byTitle('Учительская')] },
        ],
      },
    });
    await api.request({ pinChat: { chatId: byTitle('Учительская'), pinned: true } });
    const page = await messenger(teacher, 'laptop');
    await page.locator('[data-folder="classes"]').waitFor();
    const first = page.locator('[data-chat]').first();
    await expect.poll(() => first.textContent()).toContain('Учительская');
    await page.locator('[data-folder="classes"]').click();
    await expect.poll(() => page.locator('[data-chat]').count()).toBe(2);
    await screenshot(page, 'laptop-messenger-folders');
    const phone = await messenger(teacher, 'phone');
    await phone.locator('[data-folder="classes"]').waitFor();
    await screenshot(phone, 'phone-messenger-folders');
  });

  it('a teacher makes a folder, sets quiet hours and opens Saved messages from the list', async () => {
    const page = await messenger(teacher, 'laptop');
    await page.getByRole('button', { name: 'Новая папка' }).click();
    await page.fill('#folder-name', 'Кружки');
    const { chats } = await api.request({ listChats: {} });
    const subject = chats!.chats!.find((c) => c.title?.startsWith('Математика'))!.chatId!;
    await page.locator(`[data-pick="${subject}"]`).check();
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.locator('.folder-tab', { hasText: 'Кружки' }).waitFor();
    await expect.poll(() => page.locator('[data-chat]').count()).toBe(1);
    await page.getByRole('button', { name: 'Тихие часы' }).click();
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await expect
      .poll(async () => (await api.request({ getPrefs: {} })).prefs!.quietHours?.from)
      .toBe('21:00');
    await page.getByRole('button', { name: 'Избранное' }).click();
    await page.locator('.chat-view h2', { hasText: 'Избранное' }).waitFor();
    await screenshot(page, 'laptop-messenger-organise');
  });

  it('a parent finds the school channel, subscribes, reads and may only ask the admins', async () => {
    const { chat } = await api.request({
      createChannel: { title: 'Новости школы', about: 'Объявления', listed: true, comments: true },
    });
    await api.send(chat!.chatId!, 'В пятницу короткий день: уроки до 12:30.');
    const page = await messenger(parent, 'phone');
    await page.getByRole('button', { name: 'Каналы школы' }).click();
    await page.locator(`[data-channel="${chat!.chatId}"] button`).click();
    await page.getByText('В пятницу короткий день').waitFor();
    await page.getByText('В этом чате пишут только администраторы.').waitFor();
    await page.getByRole('button', { name: 'Задать вопрос администраторам' }).waitFor();
    await screenshot(page, 'phone-channel');
    // Comments are on: a reply to the post is a comment.
    await page.locator('.msg', { hasText: 'В пятницу короткий день' }).locator('.msg-menu-button').click();
    await page.getByRole('menuitem', { name: 'Ответить' }).click();
    await page.fill('#composer-text', 'Спасибо, заберу ребёнка в 12:30.');
    await page.click('#composer-send');
    await api.waitFor(
      (e) => e.message?.chatId === chat!.chatId && e.message?.text === 'Спасибо, заберу ребёнка в 12:30.',
    );
  });

  it('a join request sent by link is accepted by the chat admin', async () => {
    const { chat } = await api.request({
      createChat: { title: 'Шахматный клуб', settings: { joinApproval: true } },
    });
    const { invite } = await api.request({ createInvite: { chatId: chat!.chatId } });
    const phone = await messenger(pupil, 'phone', `invite=${invite!.code}`);
    await phone.getByText('Заявка отправлена').waitFor();
    await screenshot(phone, 'phone-join-request-sent');
    const page = await messenger(teacher, 'laptop');
    await page.locator('[data-folder=""]').click();
    await page.locator(`[data-chat="${chat!.chatId}"]`).click();
    await page.getByText('1 заявка на вступление').waitFor();
    await screenshot(page, 'laptop-join-request');
    await page.locator(`[data-request="${pupil.userId}"] button.primary`).click();
    await expect
      .poll(async () => (await api.request({ listMembers: { chatId: chat!.chatId } })).members!.total)
      .toBe(2);
  });

  it('a voice message recorded on a laptop plays inline with its text, on the parent’s phone too', async () => {
    const { chat } = await api.request({ openDirectChat: { userId: parent.userId } });
    const chatId = chat!.chatId!;
    await api.send(chatId, 'Добрый день! Запишу голосовое про экскурсию.');
    const page = await messenger(teacher, 'laptop');
    await page.locator('[data-folder=""]').click();
    await page.locator(`[data-chat="${chatId}"]`).click();
    await page.locator('#voice-record').click();
    await page.locator('#voice-stop').waitFor();
    // Record until the recorder has produced some audio: the fake microphone's tone.
    await page.waitForFunction(() => (document.querySelector('#voice-stop') as HTMLElement | null) !== null);
    await page.locator('#voice-stop').click();
    await page.locator('.voice-note audio').waitFor();
    await page.locator('.voice-note[data-transcript="done"]').waitFor({ timeout: 60_000 });
    await screenshot(page, 'laptop-voice-message');
    const { page: history } = await api.request({ getHistory: { chatId } });
    const voice = history!.messages!.find((m) => m.voice === cpb.VoiceKind.VOICE_KIND_AUDIO)!;
    expect(voice.attachments![0]!.mimeType).toBe('audio/webm');
    expect(voice.transcriptPending).toBe(false);
    // The teacher's quiet hours now: the parent is told before answering.
    const h = new Date().getUTCHours();
    const hh = (x: number) => `${String((x + 24) % 24).padStart(2, '0')}:00`;
    await api.request({ setQuietHours: { quietHours: { from: hh(h), to: hh(h + 1), timeZone: 'UTC' } } });
    const phone = await messenger(parent, 'phone');
    await phone.locator(`[data-chat="${chatId}"]`).click();
    await phone.locator('.voice-note audio').waitFor();
    await phone.locator('.peer-quiet').waitFor();
    await screenshot(phone, 'phone-voice-message');
    await api.request({ setQuietHours: { quietHours: {} } });
  });
});
