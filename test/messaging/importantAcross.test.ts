// «Важные»: one's important marks across all one's chats, newest first, in
// pages; only what the read rule lets one read now (a chat one left, or
// history hidden from a newcomer, drops out); another person's marks never.
// Bad cursors: test/messaging/chatBadInput.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChatTestServer,
  type TestChatClient,
  type cpb,
  startChatServer,
} from '../helpers/chatServer.js';

let s: ChatTestServer;
let teacher: TestChatClient;
let mother: TestChatClient;
let father: TestChatClient;

const people = {
  teacher: { userId: 't1', displayName: 'Мария Ивановна Соколова', sortName: 'Соколова Мария' },
  mother: {
    userId: 'p1',
    displayName: 'Ольга Андреева',
    sortName: 'Андреева Ольга',
    role: 'parent' as const,
  },
  father: { userId: 'p2', displayName: 'Игорь Борисов', sortName: 'Борисов Игорь', role: 'parent' as const },
};

beforeAll(async () => {
  s = await startChatServer();
  for (const p of Object.values(people)) await s.token(p);
  teacher = await s.client(people.teacher);
  mother = await s.client(people.mother);
  father = await s.client(people.father);
});
afterAll(async () => {
  for (const c of [teacher, mother, father]) c?.close();
  await s.stop();
});

async function chat(title: string, settings: cpb.IChatSettings = {}): Promise<string> {
  const r = await teacher.request({ createChat: { title, members: ['p1', 'p2'], settings } });
  const id = r.chat!.chatId!;
  await mother.waitFor((e) => e.chatAdded?.chatId === id);
  return id;
}

async function marked(c: TestChatClient, chatId: string, text: string): Promise<number> {
  const m = await teacher.send(chatId, text);
  const r = await c.request({ markImportant: { chatId, seq: m.seq, important: true } });
  expect(r.message!.important).toBe(true);
  return m.seq!;
}

async function allPages(c: TestChatClient, limit: number): Promise<string[]> {
  const texts: string[] = [];
  let after: cpb.IImportantCursor | null = null;
  for (let i = 0; i < 20; i++) {
    const r = await c.request({ listAllImportant: { limit, after } });
    const page = r.important!;
    texts.push(...(page.messages ?? []).map((m) => m.text ?? ''));
    const last = page.messages?.at(-1);
    if (!page.more || !last) return texts;
    after = { chatId: last.chatId, seq: last.seq, sentAt: last.sentAt };
  }
  throw new Error('the pages never ended');
}

describe('important messages across chats', () => {
  it('lists one’s marks from every chat, newest first, in pages, and nobody else’s', async () => {
    const a = await chat('Родители 5Б');
    const b = await chat('Кружок');
    await marked(mother, a, 'Собрание в четверг');
    await marked(mother, b, 'Взять краски');
    await teacher.send(a, 'Не отмечено');
    await marked(mother, a, 'Сменная обувь');
    await marked(father, b, 'Отмечено отцом');
    const whole = await mother.request({ listAllImportant: {} });
    expect(whole.important!.messages!.map((m) => m.text)).toEqual([
      'Сменная обувь',
      'Взять краски',
      'Собрание в четверг',
    ]);
    expect(whole.important!.messages!.every((m) => m.important)).toBe(true);
    expect(whole.important!.more).toBe(false);
    // One at a time, the cursor carries on where the page ended.
    expect(await allPages(mother, 1)).toEqual(['Сменная обувь', 'Взять краски', 'Собрание в четверг']);
    expect(await allPages(father, 2)).toEqual(['Отмечено отцом']);
  });

  it('drops what the read rule no longer lets one read: a chat one left, history hidden from a newcomer, a deleted message', async () => {
    const hidden = await chat('Без истории', { newMembersSeeHistory: false });
    await marked(father, hidden, 'Старое в чате без истории');
    const gone = await chat('Удалённое');
    const seq = await marked(father, gone, 'Будет удалено');
    const before = await allPages(father, 50);
    expect(before).toContain('Старое в чате без истории');
    expect(before).toContain('Будет удалено');

    await teacher.request({ deleteMessage: { chatId: gone, seq } });
    // Each answer comes after the change is stored: the list reads it at once.
    await teacher.request({ removeMember: { chatId: hidden, userId: 'p2' } });
    expect(await allPages(father, 50)).not.toContain('Старое в чате без истории');
    // Back as a newcomer: the chat hides what came before, the list too.
    await teacher.request({ addMembers: { chatId: hidden, userIds: ['p2'] } });
    const after = await allPages(father, 50);
    expect(after).not.toContain('Старое в чате без истории');
    expect(after).not.toContain('Будет удалено');
    expect(after).toContain('Отмечено отцом');
  });
});
