// Group commit (messaging/store/appendBatches.ts): sends that arrive while a
// chat's turn is taken are stored together by the next turn, in one
// statement. Here another connection holds the chat's row lock so that one
// send waits in its statement while more arrive; they must all be stored in
// one transaction, numbered without gaps in arrival order per sender, a
// repeated client id answered with its one message, and the write rule must
// still hold when what the turn was decided on changes meanwhile.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chatSeq as seqOf, waitingOnLock as waitingFor, withChatLocked } from '../helpers/chatRowLock.js';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let teacher: TestChatClient;
let pupil: TestChatClient;
let chatId: string;
let db: pg.Client;

beforeAll(async () => {
  s = await startChatServer();
  teacher = await s.client({ userId: 't1', displayName: 'Анна Петровна' });
  pupil = await s.client({ userId: 'p1', displayName: 'Иван Смирнов', role: 'student' });
  const res = await fetch(`${s.httpUrl}/api/chats`, {
    method: 'POST',
    headers: s.adminHeaders,
    body: JSON.stringify({ title: '7 «А»', members: [{ userId: 't1', role: 'admin' }, { userId: 'p1' }] }),
  });
  expect(res.status).toBe(201);
  chatId = ((await res.json()) as { chatId: string }).chatId;
  db = new pg.Client({ connectionString: s.server.config.databaseUrl! });
  await db.connect();
});

afterAll(async () => {
  teacher?.close();
  pupil?.close();
  await db?.end();
  await s?.stop();
});

const locked = (during: (locker: pg.Client) => Promise<void>) =>
  withChatLocked(s.server.config.databaseUrl!, chatId, during);
const waitingOnLock = () => waitingFor(db);
const chatSeq = () => seqOf(db, chatId);

const send = (c: TestChatClient, text: string, id: string) =>
  c.rawRequest({ sendMessage: { chatId, text, clientMessageId: id } });

it('sends that queue behind a waiting one are stored by one statement, in order, once each', async () => {
  const before = await chatSeq();
  let head: Promise<cpb.ChatResponse> | null = null;
  const rest: Promise<cpb.ChatResponse>[] = [];
  await locked(async () => {
    head = send(teacher, 'первое', 'b-head');
    await waitingOnLock();
    for (let i = 0; i < 15; i++) {
      rest.push(send(teacher, `учитель ${i}`, `b-t-${i}`));
      rest.push(send(pupil, `ученик ${i}`, `b-p-${i}`));
    }
    // The same client id twice in one turn: one message, both answered with it.
    rest.push(send(pupil, 'ученик 14', 'b-p-14'));
    // Let every send reach the server before the lock goes.
    await new Promise((r) => setTimeout(r, 300));
  });
  const first = await head!;
  expect(first.error ?? null).toBeNull();
  const answers = await Promise.all(rest);
  for (const a of answers) expect(a.error ?? null).toBeNull();
  expect(answers.at(-1)!.message?.seq).toBe(answers.at(-2)!.message?.seq);
  expect(await chatSeq()).toBe(before + 31);

  const rows = (
    await db.query<{ seq: string; cmid: string; xmin: string }>(
      'SELECT seq, cmid, xmin::text FROM messaging.message WHERE chat_id = $1 AND seq > $2 ORDER BY seq',
      [chatId, before + 1],
    )
  ).rows;
  expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 30 }, (_, i) => before + 2 + i));
  // One transaction stored all thirty (one per send would leave thirty).
  expect(new Set(rows.map((r) => r.xmin)).size).toBe(1);
  const order = (prefix: string) => rows.filter((r) => r.cmid.startsWith(prefix)).map((r) => r.cmid);
  expect(order('b-t-')).toEqual(Array.from({ length: 15 }, (_, i) => `b-t-${i}`));
  expect(order('b-p-')).toEqual(Array.from({ length: 15 }, (_, i) => `b-p-${i}`));
  // Each sender's own messages count as read up to their last one.
  const read = await db.query<{ user_id: string; read_seq: string }>(
    'SELECT user_id, read_seq FROM messaging.member WHERE chat_id = $1 ORDER BY user_id',
    [chatId],
  );
  const lastOf = (prefix: string) =>
    Math.max(...rows.filter((r) => r.cmid.startsWith(prefix)).map((r) => Number(r.seq)));
  expect(read.rows.map((r) => [r.user_id, Number(r.read_seq)])).toEqual([
    ['p1', lastOf('b-p-')],
    ['t1', lastOf('b-t-')],
  ]);
});

it('a turn decided before the chat became admins-only stores the admin’s sends and refuses the pupil’s', async () => {
  const before = await chatSeq();
  let head: Promise<cpb.ChatResponse> | null = null;
  const rest: { who: 'teacher' | 'pupil'; answer: Promise<cpb.ChatResponse> }[] = [];
  await locked(async (locker) => {
    head = send(teacher, 'объявление', 'c-head');
    await waitingOnLock();
    for (let i = 0; i < 5; i++) {
      rest.push({ who: 'teacher', answer: send(teacher, `учитель ${i}`, `c-t-${i}`) });
      rest.push({ who: 'pupil', answer: send(pupil, `ученик ${i}`, `c-p-${i}`) });
    }
    await new Promise((r) => setTimeout(r, 300));
    await locker.query(
      `UPDATE messaging.chat SET settings = settings || '{"write": "admins"}'::jsonb WHERE id = $1`,
      [chatId],
    );
  });
  expect((await head!).error ?? null).toBeNull();
  for (const r of rest) {
    const a = await r.answer;
    if (r.who === 'teacher') expect(a.error ?? null).toBeNull();
    else expect(a.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_READ_ONLY);
  }
  expect(await chatSeq()).toBe(before + 6);
  const pupils = await db.query('SELECT 1 FROM messaging.message WHERE chat_id = $1 AND cmid LIKE $2', [
    chatId,
    'c-p-%',
  ]);
  expect(pupils.rowCount).toBe(0);
});
