// A send is decided on a read without the chat's lock and stored by one
// statement that takes the lock itself and stores nothing unless what the
// decision read is unchanged (messaging/store/messageStore.ts append). Here
// another connection holds the chat's row lock while sends wait in that
// statement, then changes what they were decided on: the write rule must
// still hold, and a resend of the same client message id must still get the
// one stored message back.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chatSeq as seqOf, waitingOnLock as waitingFor, withChatLocked } from '../helpers/chatRowLock.js';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let pupil: TestChatClient;
let chatId: string;
let db: pg.Client;

beforeAll(async () => {
  s = await startChatServer();
  await s.token({ userId: 't1', displayName: 'Анна Петровна' });
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
  pupil?.close();
  await db?.end();
  await s?.stop();
});

const locked = (during: (locker: pg.Client) => Promise<void>) =>
  withChatLocked(s.server.config.databaseUrl!, chatId, during);
const waitingOnLock = () => waitingFor(db);
const chatSeq = () => seqOf(db, chatId);

it('a send decided before the chat became admins-only is refused, and nothing is stored', async () => {
  await pupil.send(chatId, 'пока можно');
  const before = await chatSeq();
  let answer: Promise<cpb.ChatResponse> | null = null;
  await locked(async (locker) => {
    answer = pupil.rawRequest({ sendMessage: { chatId, text: 'уже нельзя', clientMessageId: 'late-1' } });
    await waitingOnLock();
    await locker.query(
      `UPDATE messaging.chat SET settings = settings || '{"write": "admins"}'::jsonb WHERE id = $1`,
      [chatId],
    );
  });
  const refused = await answer!;
  expect(refused.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_READ_ONLY);
  expect(await chatSeq()).toBe(before);
  const stored = await db.query('SELECT 1 FROM messaging.message WHERE chat_id = $1 AND cmid = $2', [
    chatId,
    'late-1',
  ]);
  expect(stored.rowCount).toBe(0);
  await db.query(
    `UPDATE messaging.chat SET settings = settings || '{"write": "everyone"}'::jsonb WHERE id = $1`,
    [chatId],
  );
});

it('a resend of the same message while the first waits is answered with the one stored message', async () => {
  await db.query(
    `UPDATE messaging.chat SET settings = settings || '{"write": "everyone"}'::jsonb WHERE id = $1`,
    [chatId],
  );
  const before = await chatSeq();
  const req = { sendMessage: { chatId, text: 'дважды', clientMessageId: 'twice-1' } };
  let answers: Promise<cpb.ChatResponse>[] = [];
  await locked(async () => {
    answers = [pupil.rawRequest(req), pupil.rawRequest(req)];
    await waitingOnLock();
  });
  const [first, second] = (await Promise.all(answers)) as [cpb.ChatResponse, cpb.ChatResponse];
  expect(first.error ?? null).toBeNull();
  expect(second.error ?? null).toBeNull();
  expect(second.message?.seq).toEqual(first.message?.seq);
  expect(await chatSeq()).toBe(before + 1);
});
