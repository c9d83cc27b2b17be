// The chats' read rules (membership, visible_from, bans) hold on every path
// a message or a file reaches someone: history, live events, catch-up,
// pins, search, the chat list, replies' previews, downloads by link, and the
// call's lesson chat (issue #21). Against the real server, Redis and
// PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';
import { tusUpload } from '../helpers/tusUpload.js';

let s: ChatTestServer;
let teacher: TestChatClient;
const tokens: Record<string, string> = {};

const people = {
  teacher: { userId: 'rr-t', displayName: 'Анна Петровна Волкова', sortName: 'Волкова Анна' },
  late: { userId: 'rr-late', displayName: 'Новенькая', sortName: 'Новенькая', role: 'student' as const },
  pupil: { userId: 'rr-p', displayName: 'Коля Смирнов', sortName: 'Смирнов Коля', role: 'student' as const },
};

beforeAll(async () => {
  s = await startChatServer();
  for (const [k, p] of Object.entries(people)) tokens[k] = await s.token(p);
  teacher = await s.client(people.teacher);
});
afterAll(async () => {
  teacher?.close();
  await s.stop();
});

describe('a newcomer who may not see earlier history', () => {
  it('gets no preview of an earlier message through a reply: live, in history, pins, search, the chat list', async () => {
    const { chat } = await teacher.request({
      createChat: { title: 'Без истории', settings: { newMembersSeeHistory: false } },
    });
    const id = chat!.chatId!;
    const secret = await teacher.send(id, 'Оценки за четверть: Смирнов три');
    await teacher.request({ addMembers: { chatId: id, userIds: [people.late.userId] } });
    const late = await s.client(people.late);
    try {
      const reply = await teacher.send(id, 'Исправлено, смотрите выше', { replyTo: secret.seq });
      // The author still sees the preview.
      expect(reply.replyTo?.text).toContain('Оценки');
      await teacher.request({ pinMessage: { chatId: id, seq: reply.seq, pin: true } });
      const live = await late.waitFor((e) => e.message?.chatId === id && e.message.seq === reply.seq);
      expect(live.message!.replyTo ?? null).toBeNull();
      const page = await late.request({ getHistory: { chatId: id } });
      const seen = page.page!.messages!.find((m) => m.seq === reply.seq)!;
      expect(seen.text).toBe('Исправлено, смотрите выше');
      expect(seen.replyTo ?? null).toBeNull();
      const pins = await late.request({ listPinned: { chatId: id } });
      expect(pins.page!.messages!.map((m) => m.replyTo ?? null)).toEqual([null]);
      const found = await late.request({ searchMessages: { chatId: id, query: 'исправлено' } });
      expect(found.searchResults!.hits!.map((h) => h.message!.replyTo ?? null)).toEqual([null]);
      const list = await late.request({ listChats: {} });
      const mine = list.chats!.chats!.find((c) => c.chatId === id)!;
      expect(mine.lastMessage?.replyTo ?? null).toBeNull();
      expect(JSON.stringify(late.events)).not.toContain('Оценки');
      // Catching up from a cursor gives the same.
      await late.request({ syncChat: { cursor: { chatId: id, rev: 0 } } });
      const batch = await late.waitFor((e) => e.batch?.chatId === id);
      expect(batch.batch!.messages!.find((m) => m.seq === reply.seq)!.replyTo ?? null).toBeNull();
      expect(JSON.stringify(late.events)).not.toContain('Оценки');
    } finally {
      late.close();
    }
  });
});

describe('a removed member', () => {
  it('loses the file behind a signed link they were given while a member (re-checked at each download)', async () => {
    const { chat } = await teacher.request({
      createChat: { title: 'Кружок', members: [people.pupil.userId] },
    });
    const id = chat!.chatId!;
    const pupil = await s.client(people.pupil);
    try {
      const up = await tusUpload(
        s.httpUrl,
        Buffer.from('фото класса'),
        { chatId: id, filename: 'class.txt', filetype: 'text/plain' },
        tokens.teacher!,
      );
      await teacher.send(id, 'Фото', { fileIds: [up.fileId] });
      const link = await pupil.request({ getFileUrl: { chatId: id, fileId: up.fileId } });
      const url = `${s.httpUrl}${link.fileUrl!.url}`;
      expect((await fetch(url)).status).toBe(200);
      await teacher.request({ removeMember: { chatId: id, userId: people.pupil.userId } });
      expect((await fetch(url)).status).toBe(404);
      const direct = await fetch(`${s.httpUrl}/api/chat/files/${up.fileId}`, {
        headers: { authorization: `Bearer ${tokens.pupil}` },
      });
      expect(direct.status).toBe(404);
      // The teacher's own link still works.
      const own = await teacher.request({ getFileUrl: { chatId: id, fileId: up.fileId } });
      expect((await fetch(`${s.httpUrl}${own.fileUrl!.url}`)).status).toBe(200);
    } finally {
      pupil.close();
    }
  });
});
