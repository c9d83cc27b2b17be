// Attack report 8, items 1 and 4: one pupil's token opened 3000 messenger
// connections and took every slot a host had (the teachers' chat and call
// sockets then got 503), and 20 of her sockets on two hosts posted 4233
// messages in 8 s. Now a person holds a few connections per host (a further
// one closes her oldest, so she is never locked out herself) and sends a
// few messages a minute, counted for all hosts in Redis. Limits set low here.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { redisAvailable } from '../helpers/redis.js';

const PUPIL = { userId: 'ps-p', displayName: 'Петя Лавров', role: 'student' as const };
const TEACHER = { userId: 'ps-t', displayName: 'Мария Ивановна', role: 'teacher' as const };
let s: ChatTestServer;
let teacher: TestChatClient;
let chatId: string;
let otherChatId: string;
const open: TestChatClient[] = [];
let herSeq = 0;

beforeAll(async () => {
  if (!redisAvailable()) return;
  s = await startChatServer({ CHAT_SOCKETS_PER_PERSON: '3', CHAT_MESSAGES_PER_MINUTE: '5' });
  await s.token(PUPIL);
  teacher = await s.client(TEACHER);
  chatId = (await teacher.request({ createChat: { title: '5А', members: [PUPIL.userId] } })).chat!.chatId!;
  otherChatId = (await teacher.request({ createChat: { title: 'Кружок', members: [PUPIL.userId] } })).chat!
    .chatId!;
}, 60_000);

afterAll(async () => {
  for (const c of open) c.close();
  teacher?.close();
  await s?.stop();
});

describe.skipIf(!redisAvailable())('one person on one host', () => {
  it('holds at most CHAT_SOCKETS_PER_PERSON connections: a further one closes her oldest', async () => {
    const before = await s.rejected('sockets_per_person');
    for (let i = 0; i < 5; i++) open.push(await s.client(PUPIL));
    const [first, second] = open;
    expect((await first!.waitForClose()).reason).toContain('too many connections of this person');
    expect((await second!.waitForClose()).reason).toContain('too many connections of this person');
    expect(open.slice(2).every((c) => c.closedWith === null)).toBe(true);
    expect(await s.rejected('sockets_per_person')).toBe(before + 2);
    // The newest still work, and another person is not touched.
    const sent = await open[4]!.send(chatId, 'Я здесь');
    herSeq = sent.seq!;
    await teacher.waitForMessage((m) => m.chatId === chatId && m.seq === sent.seq);
    expect(teacher.closedWith).toBeNull();
  });

  it('sends CHAT_MESSAGES_PER_MINUTE messages a minute over all her connections; then typed refusals that store nothing', async () => {
    const live = open.slice(2);
    // One was sent above; a forward to two chats counts two.
    await live[0]!.send(chatId, 'раз');
    const forwarded = await live[1]!.request({
      forwardMessages: {
        fromChatId: chatId,
        seqs: [herSeq],
        toChatIds: [chatId, otherChatId],
        clientMessageId: randomUUID(),
      },
    });
    expect(forwarded.forwarded).toBeTruthy();
    await live[2]!.send(chatId, 'два');
    const history = async () => (await teacher.request({ getHistory: { chatId } })).page!.messages!.length;
    const stored = await history();
    for (const c of live) {
      const r = await c.rawRequest({ sendMessage: { chatId, clientMessageId: randomUUID(), text: 'флуд' } });
      expect(r.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_RATE_LIMITED);
    }
    expect(await history()).toBe(stored);
    // The teacher's own messages are hers to count, not the pupil's.
    expect((await teacher.send(chatId, 'Урок в 9:00')).seq).toBeGreaterThan(0);
  });
});
