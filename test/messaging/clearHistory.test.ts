// One's own marks on a chat (#25): «Очистить историю» hides the chat's
// messages so far from that person alone, on every device and after a
// reconnect (history, search, the chat list's last message), counts them as
// read, and the other members keep them; what comes later is read as usual.
// The person's other open devices are told at once (ChatEvent.history_cleared)
// and get nothing more of the cleared messages (not even their edits).
// «Отметить непрочитанным» is the person's own list, seen from a second
// device, and taken off again. Bad input: test/messaging/chatBadInput.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let teacher: TestChatClient;
let mother: TestChatClient;
const people = {
  teacher: { userId: 'ch-t', displayName: 'Мария Ивановна Соколова', sortName: 'Соколова Мария' },
  mother: {
    userId: 'ch-m',
    displayName: 'Ольга Андреева',
    sortName: 'Андреева Ольга',
    role: 'parent' as const,
  },
};

beforeAll(async () => {
  s = await startChatServer();
  teacher = await s.client(people.teacher);
  mother = await s.client(people.mother);
});
afterAll(async () => {
  teacher?.close();
  mother?.close();
  await s?.stop();
});

const texts = async (c: TestChatClient, chatId: string) =>
  ((await c.request({ getHistory: { chatId, limit: 50 } })).page!.messages ?? [])
    .filter((m) => m.text)
    .map((m) => m.text);

describe('clear history and mark unread, for oneself', () => {
  it('clears the history for the person only, on every device, and keeps what comes later', async () => {
    const chatId = (
      await teacher.request({ createChat: { title: 'Класс 3В', members: [people.mother.userId] } })
    ).chat!.chatId!;
    await teacher.send(chatId, 'Экскурсия в пятницу');
    await teacher.send(chatId, 'Сбор у школы в девять');
    expect(await texts(mother, chatId)).toEqual(['Экскурсия в пятницу', 'Сбор у школы в девять']);
    const search = { searchMessages: { query: 'экскурсия', chatId } };
    expect((await mother.request(search)).searchResults!.hits ?? []).toHaveLength(1);

    const { chat } = await mother.request({ clearHistory: { chatId } });
    expect(chat!.unread).toBe(0);
    expect(await texts(mother, chatId)).toEqual([]);
    // A second device (a new connection) sees none of it either, nor finds it, nor lists it.
    const phone = await s.client(people.mother);
    expect(await texts(phone, chatId)).toEqual([]);
    expect((await phone.request(search)).searchResults!.hits ?? []).toEqual([]);
    const listed = (await phone.request({ listChats: {} })).chats!.chats!.find((c) => c.chatId === chatId)!;
    expect(listed.lastMessage?.text ?? '').toBe('');
    expect(listed.unread).toBe(0);
    // The teacher keeps everything.
    expect(await texts(teacher, chatId)).toEqual(['Экскурсия в пятницу', 'Сбор у школы в девять']);
    // What comes after is read as usual.
    await teacher.send(chatId, 'Возьмите дождевики');
    expect(await texts(phone, chatId)).toEqual(['Возьмите дождевики']);
    phone.close();
  });

  it("tells the person's other open devices at once, and they get nothing of the cleared messages after", async () => {
    const chatId = (
      await teacher.request({ createChat: { title: 'Класс 2А', members: [people.mother.userId] } })
    ).chat!.chatId!;
    const phone = await s.client(people.mother);
    const first = await teacher.send(chatId, 'Родительское собрание в среду');
    await phone.waitForMessage((m) => m.seq === first.seq && m.chatId === chatId);
    const second = await teacher.send(chatId, 'Начало в семь');

    await mother.request({ clearHistory: { chatId } });
    const told = await phone.waitFor((e) => e.historyCleared?.chatId === chatId);
    expect(told.historyCleared!.visibleFrom).toBe(second.seq! + 1);
    expect(told.historyCleared!.unread ?? 0).toBe(0);
    // The teacher's own devices are not told: her history is untouched.
    expect(teacher.events.some((e) => e.historyCleared)).toBe(false);

    // An edit of a cleared message does not reach the phone; a new message does.
    await teacher.request({
      editMessage: { chatId, seq: first.seq, text: 'Собрание переносится на четверг' },
    });
    const next = await teacher.send(chatId, 'Ждём всех');
    await phone.waitForMessage((m) => m.chatId === chatId && m.seq === next.seq);
    expect(phone.messagesOf(chatId).some((m) => m.text === 'Собрание переносится на четверг')).toBe(false);
    phone.close();
  });

  it('marks a chat unread on one device, seen on another, and unmarks it', async () => {
    const chatId = (
      await teacher.request({ createChat: { title: 'Класс 4Г', members: [people.mother.userId] } })
    ).chat!.chatId!;
    const r = await mother.request({ markUnread: { chatId, unread: true } });
    expect(r.prefs!.markedUnread).toEqual([chatId]);
    const phone = await s.client(people.mother);
    expect((await phone.request({ getPrefs: {} })).prefs!.markedUnread).toEqual([chatId]);
    // The teacher's own list is untouched.
    expect((await teacher.request({ getPrefs: {} })).prefs!.markedUnread ?? []).toEqual([]);
    const off = await phone.request({ markUnread: { chatId, unread: false } });
    expect(off.prefs!.markedUnread ?? []).toEqual([]);
    phone.close();
  });
});
