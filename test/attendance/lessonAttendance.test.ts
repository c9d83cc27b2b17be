// Attendance of a lesson started from a class chat, through the real server
// (call socket, messenger socket, PostgreSQL, Redis): who came, how often and
// for how long, hands raised and chat messages; when the host ends the call
// the class chat gets the «Итоги урока» card once; the lesson's page shows
// the attendance to its host and the school's admin only, the page without
// it to a pupil of the class, and nothing to someone outside the class.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { TestClient } from '../helpers/protocolClient.js';

let s: ChatTestServer;
const teacher = { userId: 'at-t', displayName: 'Анна Сергеевна Котова', role: 'teacher' as const };
const pupil = { userId: 'at-p', displayName: 'Петя Иванов', role: 'student' as const };
const stranger = { userId: 'at-x', displayName: 'Олег Чужой', role: 'teacher' as const };
const admin = { userId: 'at-a', displayName: 'Завуч Школы', role: 'admin' as const };
const otherAdmin = {
  userId: 'at-o',
  displayName: 'Завуч Другой',
  role: 'admin' as const,
  schoolId: 'school-2',
};
const clients: { close(): void }[] = [];

beforeAll(async () => {
  s = await startChatServer();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await s?.stop();
});

async function chat(p: typeof teacher | typeof pupil | typeof admin): Promise<TestChatClient> {
  const c = await s.client(p);
  clients.push(c);
  return c;
}

/** Into the call announced at (chatId, seq), over the call socket, with the person's own link. */
async function enterCall(api: TestChatClient, chatId: string, seq: number): Promise<TestClient> {
  const link = (await api.request({ joinCall: { chatId, seq } })).call!;
  const token = new URLSearchParams(new URL(link.joinUrl!).hash.slice(1)).get('token')!;
  const c = await TestClient.connect(s.server.wsUrl);
  clients.push(c);
  await c.request({ join: { roomId: link.roomId!, token } });
  return c;
}

const recapOf = async (api: TestChatClient, chatId: string) =>
  ((await api.request({ getHistory: { chatId } })).page!.messages ?? []).filter((m) => m.recap);

describe('attendance and the lesson page', () => {
  it('counts visits, hands and messages; posts the recap once; shows attendance by the rules', async () => {
    const t = await chat(teacher);
    const p = await chat(pupil);
    await s.token(stranger);
    const chatId = (await t.request({ createChat: { title: '7Б класс', members: [pupil.userId] } })).chat!
      .chatId!;
    const started = await t.request({ startCall: { chatId, title: 'Физика' } });
    const roomId = started.call!.roomId!;
    const seq = (await t.request({ getHistory: { chatId } })).page!.messages!.find((m) => m.call)!.seq!;

    const host = await enterCall(t, chatId, seq);
    const first = await enterCall(p, chatId, seq);
    await first.request({ raiseHand: { raised: true } });
    await first.request({ chatSend: { text: 'Я здесь', clientMessageId: 'at-1' } });
    await first.request({ leave: {} });
    first.close();
    // Back again: a second visit, another hand.
    const again = await enterCall(p, chatId, seq);
    await again.request({ raiseHand: { raised: true } });
    await host.request({ chatSend: { text: 'Начинаем', clientMessageId: 'at-2' } });
    await host.request({ endCall: {} });

    await expect.poll(() => recapOf(t, chatId).then((r) => r.length), { timeout: 10_000 }).toBe(1);
    const [card] = await recapOf(t, chatId);
    expect(card!.recap!.title).toBe('Физика');
    expect(card!.recap!.endedAt).toBeGreaterThanOrEqual(card!.recap!.startedAt!);
    const lessonId = card!.recap!.lessonId!;

    const page = (await t.request({ getLessonRecap: { lessonId } })).lessonRecap!;
    expect(page.ended).toBe(true);
    expect(page.chatId).toBe(chatId);
    expect(page.attendanceShown).toBe(true);
    const rows = new Map(page.attendance!.map((a) => [a.userId, a]));
    expect([...rows.keys()].sort()).toEqual([pupil.userId, teacher.userId].sort());
    expect(rows.get(teacher.userId)).toMatchObject({
      name: teacher.displayName,
      role: cpb.LessonRole.LESSON_ROLE_HOST,
      guest: false,
      visits: 1,
      messages: 1,
      handsRaised: 0,
    });
    expect(rows.get(pupil.userId)).toMatchObject({
      name: pupil.displayName,
      role: cpb.LessonRole.LESSON_ROLE_PARTICIPANT,
      visits: 2,
      handsRaised: 2,
      messages: 1,
    });
    expect(rows.get(pupil.userId)!.lastLeftAt).toBeGreaterThan(0);
    expect(page.chatLog!.map((m) => m.text)).toEqual(['Я здесь', 'Начинаем']);
    // The end screen asks by its room: the same lesson.
    const byRoom = (await t.request({ getLessonRecap: { roomId } })).lessonRecap!;
    expect(byRoom.lesson!.lessonId).toBe(lessonId);

    // A pupil of the class: the page, not who came.
    const seen = (await p.request({ getLessonRecap: { lessonId } })).lessonRecap!;
    expect(seen.attendanceShown).toBe(false);
    expect(seen.attendance).toEqual([]);
    expect(seen.lesson!.title).toBe('Физика');
    // The school's admin sees it all; someone outside the class or another school's admin nothing.
    expect(
      (await (await chat(admin)).request({ getLessonRecap: { lessonId } })).lessonRecap!.attendance,
    ).toHaveLength(2);
    for (const outsider of [stranger, otherAdmin]) {
      const c = await chat(outsider);
      const refused = await c.request({ getLessonRecap: { lessonId } }).then(
        () => null,
        (err: { code?: number }) => err.code,
      );
      expect(refused).toBe(cpb.ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND);
    }
    const bad = await t.request({ getLessonRecap: { lessonId: '../x' } }).then(
      () => null,
      (err: { code?: number }) => err.code,
    );
    expect(bad).toBe(cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT);
  });
});
