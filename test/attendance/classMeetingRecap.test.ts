// Attack report 6, item 4h: a class's lesson that the school's system
// announced (POST /api/meetings with a class target, as the e-journal and the
// demo school do) had no class chat behind it once it ended: no «Итоги урока»
// card, and the class could not open its page from the chat. The lesson's class
// chat now comes from the meeting's class target too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountSchool, startAccountSchool } from '../helpers/accounts.js';
import type { TestChatClient } from '../helpers/chatServer.js';
import { TestClient } from '../helpers/protocolClient.js';

let school: AccountSchool;
const clients: { close(): void }[] = [];

beforeAll(async () => {
  school = await startAccountSchool();
}, 90_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await school?.s.stop();
});

async function enterCall(api: TestChatClient, chatId: string, seq: number): Promise<TestClient> {
  const link = (await api.request({ joinCall: { chatId, seq } })).call!;
  const token = new URLSearchParams(new URL(link.joinUrl!).hash.slice(1)).get('token')!;
  const c = await TestClient.connect(school.s.server.wsUrl);
  clients.push(c);
  await c.request({ join: { roomId: link.roomId!, token } });
  return c;
}

describe('a class lesson announced by the school’s system', () => {
  it('posts its «Итоги урока» card in the class chat when it ends, where the class opens its page', async () => {
    const s = school.s;
    const start = new Date(Date.now() + 5 * 60_000).toLocaleString('sv-SE', { timeZone: 'Europe/Moscow' });
    const made = await fetch(`${s.httpUrl}/api/meetings`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({
        title: 'Английский язык 5А',
        startsAt: start.slice(0, 16).replace(' ', 'T'),
        timeZone: 'Europe/Moscow',
        durationMinutes: 45,
        class: { schoolId: school.schoolId, classId: '5А', audience: 'class' },
      }),
    });
    expect(made.status).toBe(201);
    const person = (userId: string, displayName: string, role: 'teacher' | 'student') =>
      s.client({ userId, displayName, role, schoolId: school.schoolId });
    const teacher = await person('t-orlova', 'Нина Павловна Орлова', 'teacher');
    const pupil = await person('p-ivan', 'Иван Иванов', 'student');
    clients.push(teacher, pupil);
    const classChat = (await teacher.request({ listChats: {} })).chats!.chats!.find((c) => c.title === '5А')!;
    const chatId = classChat.chatId!;
    const invitation = (await teacher.request({ getHistory: { chatId } })).page!.messages!.find(
      (m) => m.call,
    )!;

    const host = await enterCall(teacher, chatId, invitation.seq!);
    const came = await enterCall(pupil, chatId, invitation.seq!);
    await came.request({ chatSend: { text: 'Здравствуйте', clientMessageId: 'cm-1' } });
    await host.request({ endCall: {} });

    const cards = async (api: TestChatClient) =>
      ((await api.request({ getHistory: { chatId } })).page!.messages ?? []).filter((m) => m.recap);
    await expect.poll(() => cards(teacher).then((c) => c.length), { timeout: 15_000 }).toBe(1);
    const [card] = await cards(pupil);
    expect(card!.recap!.title).toBe('Английский язык 5А');
    // The pupil opens the lesson's page from the card; it belongs to the class chat.
    const page = (await pupil.request({ getLessonRecap: { lessonId: card!.recap!.lessonId! } })).lessonRecap!;
    expect(page.lesson!.title).toBe('Английский язык 5А');
    expect(page.chatId).toBe(chatId);
  });
});
