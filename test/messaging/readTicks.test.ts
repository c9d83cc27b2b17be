// Read ticks (#25): in a direct chat the sender's list carries how far the
// other person has read (Chat.peer_read_seq), so ticks survive a reload; in
// a group it is not told (who read is asked per message, by its sender).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let teacher: TestChatClient;
let mother: TestChatClient;
const people = {
  teacher: { userId: 'rt-t', displayName: 'Мария Соколова', role: 'teacher' as const },
  mother: { userId: 'rt-m', displayName: 'Ольга Андреева', role: 'parent' as const },
};

beforeAll(async () => {
  s = await startChatServer();
  for (const p of Object.values(people)) await s.token(p);
  teacher = await s.client(people.teacher);
  mother = await s.client(people.mother);
});
afterAll(async () => {
  for (const c of [teacher, mother]) c?.close();
  await s.stop();
});

const chatOf = async (c: TestChatClient, chatId: string) =>
  ((await c.request({ listChats: {} })).chats?.chats ?? []).find((x) => x.chatId === chatId);

describe('read ticks', () => {
  it('a direct chat tells the sender how far the other person has read', async () => {
    const chatId = (await teacher.request({ openDirectChat: { userId: 'rt-m' } })).chat!.chatId!;
    const first = await teacher.send(chatId, 'Здравствуйте!');
    const second = await teacher.send(chatId, 'Когда вам удобно поговорить?');
    expect((await chatOf(teacher, chatId))?.peerReadSeq ?? 0).toBeLessThan(first.seq!);
    await mother.request({ markRead: { chatId, seq: first.seq } });
    expect((await chatOf(teacher, chatId))?.peerReadSeq).toBe(first.seq);
    await mother.request({ markRead: { chatId, seq: second.seq } });
    expect((await chatOf(teacher, chatId))?.peerReadSeq).toBe(second.seq);
  });

  it('a group does not tell it', async () => {
    const chatId = (await teacher.request({ createChat: { title: '5А', members: ['rt-m'] } })).chat!.chatId!;
    const m = await teacher.send(chatId, 'Собрание в четверг');
    await mother.request({ markRead: { chatId, seq: m.seq } });
    expect((await chatOf(teacher, chatId))?.peerReadSeq ?? 0).toBe(0);
  });
});
