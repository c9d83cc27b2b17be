// Redis holds no message history: after a burst of messages, replies,
// forwards, reactions, edits, deletions and files, no Redis key (name or
// value, whatever its type) holds a message's text, a file's id or a file's
// name. Everything the messenger keeps is in PostgreSQL; Redis carries the
// chat bus (pub/sub, nothing stored), presence and rate limits.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';
import { tusUpload } from '../helpers/tusUpload.js';

let s: ChatTestServer;
let teacher: TestChatClient;
let pupil: TestChatClient;
let redis: Redis;
const teacherP = { userId: 'rh-t', displayName: 'Учитель', sortName: 'Учитель' };
const pupilP = { userId: 'rh-p', displayName: 'Ученик', sortName: 'Ученик', role: 'student' as const };

beforeAll(async () => {
  s = await startChatServer();
  redis = new Redis(s.redis!.url);
  teacher = await s.client(teacherP);
  pupil = await s.client(pupilP);
});
afterAll(async () => {
  for (const c of [teacher, pupil]) c?.close();
  redis?.disconnect();
  await s.stop();
});

/** Every key's name and value as text, whatever its type. */
async function everything(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === 'string') value = await redis.getBuffer(key);
      else if (type === 'hash') value = await redis.hgetall(key);
      else if (type === 'set') value = await redis.smembers(key);
      else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'list') value = await redis.lrange(key, 0, -1);
      else if (type === 'stream') value = await redis.xrange(key, '-', '+');
      else value = `(${type})`;
      out.set(
        key,
        Buffer.isBuffer(value) ? value.toString('latin1') + value.toString('utf8') : JSON.stringify(value),
      );
    }
  } while (cursor !== '0');
  return out;
}

describe('Redis after a burst of messenger traffic', () => {
  it('holds no message text, no file id and no file name', async () => {
    const token = await s.token(teacherP);
    const chatA = (await teacher.request({ createChat: { title: 'Класс 5Б', members: [pupilP.userId] } }))
      .chat!.chatId!;
    const chatB = (await teacher.request({ createChat: { title: 'Родители 5Б' } })).chat!.chatId!;
    const texts: string[] = [];
    const files: { id: string; name: string }[] = [];
    let deletedText = '';
    for (let i = 0; i < 40; i++) {
      const text = `урок-${randomBytes(6).toString('hex')}`;
      texts.push(text);
      const who = i % 2 ? pupil : teacher;
      await who.send(chatA, text);
    }
    for (let i = 0; i < 5; i++) {
      const name = `файл-${randomBytes(5).toString('hex')}.txt`;
      const { fileId } = await tusUpload(
        s.httpUrl,
        Buffer.from(`содержимое ${name}`),
        {
          chatId: chatA,
          filename: name,
          filetype: 'text/plain',
        },
        token,
      );
      files.push({ id: fileId, name });
      const text = `вложение-${randomBytes(6).toString('hex')}`;
      texts.push(text);
      const sent = await teacher.send(chatA, text, { fileIds: [fileId] });
      if (i === 0) {
        await teacher.request({
          forwardMessages: {
            fromChatId: chatA,
            seqs: [sent.seq!],
            toChatIds: [chatB],
            clientMessageId: 'rh-fw',
          },
        });
      }
      if (i === 1) {
        await teacher.request({ deleteMessage: { chatId: chatA, seq: sent.seq } });
        deletedText = text;
      }
      if (i === 2) await pupil.request({ react: { chatId: chatA, seq: sent.seq, emoji: '👍', add: true } });
    }
    const edited = `правка-${randomBytes(6).toString('hex')}`;
    texts.push(edited);
    const last = await teacher.send(chatA, `до правки-${randomBytes(4).toString('hex')}`);
    await teacher.request({ editMessage: { chatId: chatA, seq: last.seq, text: edited } });
    const reply = `ответ-${randomBytes(6).toString('hex')}`;
    texts.push(reply);
    await pupil.send(chatA, reply, { replyTo: last.seq });

    // The history is there (PostgreSQL) ...
    const page = await pupil.request({ getHistory: { chatId: chatA, limit: 100 } });
    const seen = (page.page!.messages ?? []).map((m) => m.text);
    for (const t of texts.filter((t) => t !== deletedText)) expect(seen).toContain(t);

    // ... and none of it is in Redis.
    const dump = await everything();
    expect(dump.size).toBeGreaterThan(0);
    const found: string[] = [];
    for (const [key, value] of dump) {
      for (const needle of [...texts, ...files.flatMap((f) => [f.id, f.name])]) {
        if (key.includes(needle) || value.includes(needle)) found.push(`${key} holds ${needle}`);
      }
    }
    expect(found).toEqual([]);
  });
});
