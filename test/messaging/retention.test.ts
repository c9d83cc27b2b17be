// Retention, moved forward by the server's clock (test/helpers/clock.ts): a
// school keeping 30 days loses its chats' messages older than that, with
// their reactions, important marks, pins, search hits and files (bytes and
// records, through the holds' trigger), in the background; newer messages
// and their file stay; a pupil's unread count and read mark stay consistent
// (the removed unread messages no longer count). A school with no policy
// (the default) keeps everything.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../messaging/retention.js';
import { RetentionStore } from '../../messaging/store/retentionStore.js';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';
import { TestClock } from '../helpers/clock.js';
import { until } from '../helpers/installed.js';
import { redisAvailable } from '../helpers/redis.js';
import { tusUpload } from '../helpers/tusUpload.js';

const clock = new TestClock();
let s: ChatTestServer;
let teacher: TestChatClient;
let pupil: TestChatClient;
let other: TestChatClient;
const T = { userId: 'rt-t', displayName: 'Анна Петровна', sortName: 'Петровна Анна' };
const P = { userId: 'rt-p', displayName: 'Коля', sortName: 'Коля', role: 'student' as const };
const O = { userId: 'rt-o', displayName: 'Олег', sortName: 'Олег', schoolId: 'school-2' };

const q = async (sql: string, params: unknown[] = []) => (await s.server.database!.query(sql, params)).rows;
const count = async (table: string, chatId: string) =>
  Number((await q(`SELECT count(*) AS n FROM messaging.${table} WHERE chat_id = $1`, [chatId]))[0]!.n);

async function upload(chatId: string, name: string): Promise<string> {
  const token = await s.token(T);
  return (
    await tusUpload(
      s.httpUrl,
      Buffer.alloc(2000, 7),
      { chatId, filename: name, filetype: 'text/plain' },
      token,
    )
  ).fileId;
}

const unreadOf = async (c: TestChatClient, chatId: string) =>
  (await c.request({ listChats: {} })).chats!.chats!.find((x) => x.chatId === chatId)!.unread ?? 0;

beforeAll(async () => {
  s = await startChatServer({}, { extras: { clock: clock.now, retentionEveryMs: 300 } });
  teacher = await s.client(T);
  pupil = await s.client(P);
  other = await s.client(O);
}, 60_000);

afterAll(async () => {
  for (const c of [teacher, pupil, other]) c?.close();
  await s?.stop();
});

describe.skipIf(!redisAvailable())('retention', () => {
  it("removes a school's messages older than its period, with everything hanging on them, and keeps the rest", async () => {
    const chatId = (await teacher.request({ createChat: { title: '5А', members: [P.userId] } })).chat!
      .chatId!;
    const otherChat = (await other.request({ createChat: { title: 'Другая школа' } })).chat!.chatId!;
    const oldFile = await upload(chatId, 'старое.txt');
    const old1 = await teacher.send(chatId, 'Контрольная по географии', { fileIds: [oldFile] });
    const old2 = await teacher.send(chatId, 'Экскурсия в музей');
    await pupil.request({ react: { chatId, seq: old2.seq, emoji: '👍', add: true } });
    await pupil.request({ markImportant: { chatId, seq: old1.seq, important: true } });
    await teacher.request({ pinMessage: { chatId, seq: old2.seq, pin: true } });
    await other.send(otherChat, 'Географию повторить');
    const oldAt = (await q('SELECT max(at) AS at FROM messaging.message'))[0]!.at as string;
    // The database's clock stamps messages: the new ones come 3 s later by it.
    await until(
      async () =>
        Number((await q('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS t'))[0]!.t) >
        Number(oldAt) + 3000,
      'three seconds on the database clock',
    );
    const newFile = await upload(chatId, 'новое.txt');
    const new1 = await teacher.send(chatId, 'Новая тема: реки', { fileIds: [newFile] });
    await teacher.send(chatId, 'Домашнее задание');
    const seqBefore = await count('message', chatId);
    expect(await unreadOf(pupil, chatId)).toBe(seqBefore);
    expect(existsSync(join(s.env.CHAT_UPLOAD_DIR!, oldFile))).toBe(true);

    await new RetentionStore(s.server.database!).setPolicy(
      'school-1',
      { days: 30, chatsMayShorten: false },
      'rt-t',
      0,
    );
    // 30 days later by the server's clock, between the old and the new messages.
    clock.advance(30 * DAY_MS + Number(oldAt) + 1500 - Date.now());
    await until(async () => (await count('message', chatId)) === 2, 'the old messages removed', 20_000);

    const left = await q(
      'SELECT seq, body->>$2 AS text FROM messaging.message WHERE chat_id = $1 ORDER BY seq',
      [chatId, 'text'],
    );
    expect(left.map((r) => r.text)).toEqual(['Новая тема: реки', 'Домашнее задание']);
    for (const table of ['reaction', 'important', 'pin']) expect(await count(table, chatId)).toBe(0);
    expect(
      (await q('SELECT seq FROM messaging.file_hold WHERE chat_id = $1', [chatId])).map((r) => Number(r.seq)),
    ).toEqual([new1.seq]);
    // The old file's bytes and record go; the new one's stay.
    await until(async () => !existsSync(join(s.env.CHAT_UPLOAD_DIR!, oldFile)), 'the old file removed');
    await until(
      async () => (await q('SELECT 1 FROM messaging.file WHERE id = $1', [oldFile])).length === 0,
      'its record',
    );
    expect(existsSync(join(s.env.CHAT_UPLOAD_DIR!, newFile))).toBe(true);
    // Search finds nothing of the removed messages.
    const hits = async (c: TestChatClient, query: string) =>
      (await c.request({ searchMessages: { query } })).searchResults!.hits ?? [];
    expect(await hits(teacher, 'контрольная')).toHaveLength(0);
    expect(await hits(teacher, 'реки')).toHaveLength(1);
    // The pupil never read: unread counts the two messages that exist, and reading them leaves none.
    expect(await unreadOf(pupil, chatId)).toBe(2);
    const page = await pupil.request({ getHistory: { chatId } });
    expect(page.page!.messages!.map((m) => m.text)).toEqual(['Новая тема: реки', 'Домашнее задание']);
    await pupil.request({ markRead: { chatId, seq: page.page!.messages!.at(-1)!.seq } });
    expect(await unreadOf(pupil, chatId)).toBe(0);
    // Another school, no policy: everything kept.
    expect(await count('message', otherChat)).toBeGreaterThan(0);
    expect((await hits(other, 'географию')).length).toBe(1);
  }, 90_000);
});
