// Message search on a real PostgreSQL: Russian stemming ("урок" finds
// "уроки", "уроков"), ranked, with the matched words marked; only what the
// person may read (chats they are in, not history hidden before they joined,
// not deleted messages, not a moderator's pending comments); typed errors on
// bad input, counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let teacher: TestChatClient;
let pupil: TestChatClient;
let classChat: string;
let staffChat: string;
let hiddenChat: string;

const teacherP = { userId: 'ms-t', displayName: 'Анна Петровна', sortName: 'Петровна' };
const pupilP = { userId: 'ms-p', displayName: 'Ваня', sortName: 'Ваня', role: 'student' as const };

beforeAll(async () => {
  s = await startChatServer();
  teacher = await s.client(teacherP);
  pupil = await s.client(pupilP);
  classChat = (await teacher.request({ createChat: { title: '5Б', members: [pupilP.userId] } })).chat!
    .chatId!;
  staffChat = (await teacher.request({ createChat: { title: 'Учительская' } })).chat!.chatId!;
  hiddenChat = (
    await teacher.request({ createChat: { title: 'Кружок', settings: { newMembersSeeHistory: false } } })
  ).chat!.chatId!;
  await teacher.send(classChat, 'Завтра уроки начинаются в девять');
  await teacher.send(classChat, 'Домашнее задание: упражнение 5');
  await teacher.send(classChat, 'Расписание уроков на неделю: урок физики перенесён, урок химии тоже');
  await teacher.send(staffChat, 'Педсовет после уроков, не говорите детям');
  await teacher.send(hiddenChat, 'Старые уроки кружка до прихода Вани');
  await teacher.request({ addMembers: { chatId: hiddenChat, userIds: [pupilP.userId] } });
  await teacher.send(hiddenChat, 'Новые уроки кружка по средам');
});
afterAll(async () => {
  teacher?.close();
  pupil?.close();
  await s.stop();
});

async function search(c: TestChatClient, query: string, extra: Partial<cpb.ISearchMessagesRequest> = {}) {
  return (await c.request({ searchMessages: { query, ...extra } })).searchResults!.hits ?? [];
}

const texts = (hits: cpb.ISearchHit[]) => hits.map((h) => h.message!.text);
const marked = (h: cpb.ISearchHit) =>
  (h.marks ?? []).map((m) => h.snippet!.slice(m.start!, m.start! + m.length!));

describe('message search', () => {
  it('finds every form of a Russian word, best match first, with the matched words marked', async () => {
    const hits = await search(pupil, 'урок');
    expect(texts(hits)).toEqual([
      'Расписание уроков на неделю: урок физики перенесён, урок химии тоже',
      expect.any(String),
      expect.any(String),
    ]);
    expect(new Set(texts(hits.slice(1)))).toEqual(
      new Set(['Завтра уроки начинаются в девять', 'Новые уроки кружка по средам']),
    );
    expect(marked(hits[0]!)).toEqual(['уроков', 'урок', 'урок']);
    expect(marked(hits.find((h) => h.message!.text!.startsWith('Завтра'))!)).toEqual(['уроки']);
    expect(hits[0]!.message!.chatId).toBe(classChat);
    expect(hits[0]!.message!.senderName).toBe('Анна Петровна');
  });

  it('е finds ё and ё finds е, as Russians type both', async () => {
    const hits = await search(pupil, 'перенесен');
    expect(texts(hits)).toEqual(['Расписание уроков на неделю: урок физики перенесён, урок химии тоже']);
    expect(marked(hits[0]!)).toEqual(['перенесён']);
    expect(texts(await search(pupil, 'ЗАВТРА Начинаются'))).toEqual(['Завтра уроки начинаются в девять']);
    expect(texts(await search(teacher, 'перенесён'))).toHaveLength(1);
  });

  it('shows nothing from chats one is not in, nor history hidden before one joined', async () => {
    const all = texts(await search(pupil, 'уроки'));
    expect(all).not.toContain('Педсовет после уроков, не говорите детям');
    expect(all).not.toContain('Старые уроки кружка до прихода Вани');
    expect(all).toContain('Новые уроки кружка по средам');
    // The teacher, who is in all of them, finds them all.
    const theirs = texts(await search(teacher, 'уроки'));
    expect(theirs).toContain('Педсовет после уроков, не говорите детям');
    expect(theirs).toContain('Старые уроки кружка до прихода Вани');
  });

  it('searches one chat when asked; a chat one is not in is refused', async () => {
    expect(texts(await search(pupil, 'уроки', { chatId: hiddenChat }))).toEqual([
      'Новые уроки кружка по средам',
    ]);
    const r = await pupil.rawRequest({ searchMessages: { query: 'уроки', chatId: staffChat } });
    expect(r.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER);
  });

  it('phrases and left-out words; a deleted message is not found', async () => {
    expect(texts(await search(pupil, '"домашнее задание"'))).toEqual(['Домашнее задание: упражнение 5']);
    expect(texts(await search(pupil, 'уроки -физики'))).not.toContain(
      'Расписание уроков на неделю: урок физики перенесён, урок химии тоже',
    );
    const sent = await teacher.send(classChat, 'Контрольная отменяется');
    expect(texts(await search(pupil, 'контрольная'))).toEqual(['Контрольная отменяется']);
    await teacher.request({ deleteMessage: { chatId: classChat, seq: sent.seq } });
    expect(await search(pupil, 'контрольная')).toEqual([]);
    // An edit is searched by its new words.
    const edited = await teacher.send(classChat, 'Экскурсия в музей');
    await teacher.request({
      editMessage: { chatId: classChat, seq: edited.seq, text: 'Экскурсия в планетарий' },
    });
    expect(await search(pupil, 'музей')).toEqual([]);
    expect(texts(await search(pupil, 'планетарий'))).toEqual(['Экскурсия в планетарий']);
  });

  it('a query of common words only finds nothing; a marker character in a message cannot forge a mark', async () => {
    expect(await search(pupil, 'и на')).toEqual([]);
    // The marker characters are control characters, refused at the edge (the text rule) before
    // a message could carry them; the snippet's own marks stay the only ones.
    const forged = await teacher.rawRequest({
      sendMessage: {
        chatId: classChat,
        text: 'Олимпиада \u0001по\u0002 математике',
        clientMessageId: 'forge-1',
      },
    });
    expect(forged.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT);
    await teacher.send(classChat, 'Олимпиада по математике');
    const [hit] = await search(pupil, 'олимпиада');
    expect(marked(hit!)).toEqual(['Олимпиада']);
    expect([...hit!.snippet!].filter((ch) => ch < ' ')).toEqual([]);
  });

  it('bad input gets a typed error, counted, and the limit is kept', async () => {
    for (const query of ['', ' ', 'у', 'ы'.repeat(201)]) {
      const counted = await s.rejected('invalid_argument');
      const r = await pupil.rawRequest({ searchMessages: { query } });
      expect(r.error?.code, query).toBe(cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT);
      expect(await s.rejected('invalid_argument')).toBe(counted + 1);
    }
    const bad = await pupil.rawRequest({ searchMessages: { query: 'уроки', chatId: 'not a chat id!' } });
    expect(bad.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT);
    expect(await search(pupil, 'уроки', { limit: 1 })).toHaveLength(1);
  });

  it('a person searching in a loop is refused cheaply after 20 searches in 10 s', async () => {
    const looper = await s.client({ userId: 'ms-l', displayName: 'Петя', sortName: 'Петя' });
    try {
      const answers = [];
      for (let i = 0; i < 21; i++)
        answers.push(await looper.rawRequest({ searchMessages: { query: `слово${i}` } }));
      expect(answers.slice(0, 20).every((a) => !a.error)).toBe(true);
      expect(answers[20]!.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_RATE_LIMITED);
      // Someone else is not held back by it.
      expect(await search(pupil, 'уроки')).not.toEqual([]);
    } finally {
      looper.close();
    }
  });
});
