// Attack report 9 (#21), item 2: a chat's own auto-deletion
// (get/set_chat_retention, messaging/chatRetention.ts) from the wrong hands
// and with the wrong numbers. A pupil and a parent of the chat are refused;
// a period longer than the school keeps, a negative one (what the wire
// carries for it), a huge one and one not offered are refused typed;
// another school's administrator (not a member) neither reads nor sets it.
// After every refusal the chat keeps what it had and no note is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionStore } from '../../messaging/store/retentionStore.js';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { redisAvailable } from '../helpers/redis.js';

let s: ChatTestServer;
let teacher: TestChatClient;
let pupil: TestChatClient;
let parent: TestChatClient;
let stranger: TestChatClient;
const T = { userId: 'ra-t', displayName: 'Анна Петровна', sortName: 'Петровна Анна' };
const P = { userId: 'ra-p', displayName: 'Коля Смирнов', sortName: 'Смирнов Коля', role: 'student' as const };
const M = {
  userId: 'ra-m',
  displayName: 'Ольга Смирнова',
  sortName: 'Смирнова Ольга',
  role: 'parent' as const,
};
const X = {
  userId: 'ra-x',
  displayName: 'Завуч Чужая',
  sortName: 'Чужая',
  role: 'admin' as const,
  schoolId: 'school-2',
};
const C = cpb.ChatErrorCode;

beforeAll(async () => {
  s = await startChatServer();
  teacher = await s.client(T);
  pupil = await s.client(P);
  parent = await s.client(M);
  stranger = await s.client(X);
}, 60_000);
afterAll(async () => {
  for (const c of [teacher, pupil, parent, stranger]) c?.close();
  await s?.stop();
});

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return (err as { code?: number }).code;
  }
};

describe.skipIf(!redisAvailable())("a chat's auto-deletion from the wrong hands", () => {
  it('refuses pupils, parents, other schools and bad numbers, changing nothing', async () => {
    const chatId = (
      await teacher.request({ createChat: { title: '5Б класс', members: [P.userId, M.userId] } })
    ).chat!.chatId!;
    await teacher.request({ setChatRetention: { chatId, days: 30 } });
    await new RetentionStore(s.server.database!).setPolicy(
      'school-1',
      { days: 30, chatsMayShorten: true },
      T.userId,
      0,
    );
    const notes = async () =>
      (await teacher.request({ getHistory: { chatId } })).page!.messages!.filter(
        (m) => m.system?.type === cpb.SystemNoteType.SYSTEM_NOTE_TYPE_RETENTION,
      ).length;
    const notesBefore = await notes();

    for (const who of [pupil, parent]) {
      expect(await code(who.request({ setChatRetention: { chatId, days: 1 } }))).toBe(C.CHAT_ERROR_FORBIDDEN);
      expect(await code(who.request({ setChatRetention: { chatId, days: 0 } }))).toBe(C.CHAT_ERROR_FORBIDDEN);
      // They may read it (every member is told), but not that they may change it.
      expect((await who.request({ getChatRetention: { chatId } })).retention!.mayChange).toBe(false);
    }
    // Another school's administrator, not in the chat: no reading, no setting.
    expect(await code(stranger.request({ getChatRetention: { chatId } }))).toBe(C.CHAT_ERROR_NOT_A_MEMBER);
    expect(await code(stranger.request({ setChatRetention: { chatId, days: 1 } }))).toBe(
      C.CHAT_ERROR_NOT_A_MEMBER,
    );
    // Longer than the school keeps; not offered; negative (a uint32 wraps); huge.
    expect(await code(teacher.request({ setChatRetention: { chatId, days: 365 } }))).toBe(
      C.CHAT_ERROR_LONGER_THAN_SCHOOL,
    );
    for (const days of [2, 31, 3650, -1, -7, 0xffffffff, 2 ** 31]) {
      expect(await code(teacher.request({ setChatRetention: { chatId, days } })), String(days)).toBe(
        C.CHAT_ERROR_INVALID_ARGUMENT,
      );
    }
    // The raw answer to -30 as the wire carries it (a uint32 reads the low 32 bits of any varint).
    const raw = await teacher.rawRequest({ setChatRetention: { chatId, days: -30 >>> 0 } });
    expect(raw.error?.code).toBe(C.CHAT_ERROR_INVALID_ARGUMENT);
    // A chat id that is not one, and one of no chat.
    expect(await code(teacher.request({ setChatRetention: { chatId: '../x', days: 1 } }))).not.toBe(
      'accepted',
    );
    expect(await code(teacher.request({ setChatRetention: { chatId: 'no-such-chat', days: 1 } }))).not.toBe(
      'accepted',
    );

    const now = (await teacher.request({ getChatRetention: { chatId } })).retention!;
    expect([now.days, now.effectiveDays, now.mayChange]).toEqual([30, 30, true]);
    expect(await notes()).toBe(notesBefore);
  });
});
