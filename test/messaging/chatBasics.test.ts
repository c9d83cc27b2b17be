// The messenger against a real Redis: chats, sending, live delivery,
// history, resends, and resuming after a reconnect with nothing lost or
// doubled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
const anna = { userId: 'anna', displayName: 'Анна Иванова', sortName: 'Иванова Анна' };
const boris = { userId: 'boris', displayName: 'Борис Петров', sortName: 'Петров Борис' };
const vera = {
  userId: 'vera',
  displayName: 'Вера Смирнова',
  sortName: 'Смирнова Вера',
  role: 'parent' as const,
};

beforeAll(async () => {
  // One sender posts pages of history here within a minute; the cap per person has its own test (personSockets).
  s = await startChatServer({ CHAT_MESSAGES_PER_MINUTE: '1000' });
  // Everyone exists before anyone adds them.
  for (const p of [anna, boris, vera]) await s.token(p);
});
afterAll(async () => {
  await s.stop();
});

describe('chats and messages', () => {
  it('creates a group chat, delivers a message live to the other member, in order', async () => {
    const a = await s.client(anna);
    const b = await s.client(boris);
    const created = await a.request({ createChat: { title: '5Б', members: ['boris'] } });
    const chatId = created.chat!.chatId!;
    expect(created.chat!.myRole).toBe(cpb.MemberRole.MEMBER_ROLE_CREATOR);
    const added = await b.waitFor((e) => e.chatAdded?.chatId === chatId);
    expect(added.chatAdded!.title).toBe('5Б');
    expect(added.chatAdded!.myRole).toBe(cpb.MemberRole.MEMBER_ROLE_MEMBER);
    const sent = [];
    for (let i = 0; i < 20; i++) sent.push(await a.send(chatId, `сообщение ${i}`));
    await b.waitFor((e) => e.message?.text === 'сообщение 19');
    const texts = b
      .messagesOf(chatId)
      .filter((m) => m.kind === cpb.MessageKind.MESSAGE_KIND_TEXT)
      .map((m) => m.text);
    expect(texts).toEqual(sent.map((m) => m.text));
    const seqs = sent.map((m) => m.seq!);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    a.close();
    b.close();
  });

  it('a resend with the same client message id returns the same message, no duplicate', async () => {
    const a = await s.client(anna);
    const { chat } = await a.request({ createChat: { title: 'Повтор' } });
    const chatId = chat!.chatId!;
    const first = await a.request({
      sendMessage: { chatId, text: 'один раз', clientMessageId: 'same-id-1' },
    });
    const again = await a.request({
      sendMessage: { chatId, text: 'один раз', clientMessageId: 'same-id-1' },
    });
    expect(again.message!.seq).toBe(first.message!.seq);
    const page = await a.request({ getHistory: { chatId } });
    expect(page.page!.messages!.filter((m) => m.text === 'один раз')).toHaveLength(1);
    a.close();
  });

  it('pages history backwards from any message', async () => {
    const a = await s.client(anna);
    const { chat } = await a.request({ createChat: { title: 'История' } });
    const chatId = chat!.chatId!;
    for (let i = 1; i <= 30; i++) await a.send(chatId, `m${i}`);
    const latest = await a.request({ getHistory: { chatId, limit: 10 } });
    expect(latest.page!.messages!.map((m) => m.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `m${21 + i}`),
    );
    const before = latest.page!.messages![0]!.seq!;
    const older = await a.request({ getHistory: { chatId, beforeSeq: before, limit: 10 } });
    expect(older.page!.messages!.map((m) => m.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `m${11 + i}`),
    );
    const start = await a.request({
      getHistory: { chatId, beforeSeq: older.page!.messages![0]!.seq!, limit: 50 },
    });
    expect(start.page!.atStart).toBe(true);
    // The system note "created" is the first message.
    expect(start.page!.messages![0]!.kind).toBe(cpb.MessageKind.MESSAGE_KIND_SYSTEM);
    a.close();
  });

  it('a client that reconnects with its cursor gets every change after it, then live, exactly once', async () => {
    const a = await s.client(anna);
    const b = await s.client(boris);
    const { chat } = await a.request({ createChat: { title: 'Переподключение', members: ['boris'] } });
    const chatId = chat!.chatId!;
    await b.waitFor((e) => e.chatAdded?.chatId === chatId);
    await a.send(chatId, 'до');
    await b.waitFor((e) => e.message?.text === 'до');
    const cursors = new Map(b.cursors);
    b.close();
    // While Boris is away: new messages, and an edit of one he has.
    const edited = await a.send(chatId, 'будет изменено');
    for (let i = 0; i < 5; i++) await a.send(chatId, `пока нет ${i}`);
    await a.request({ editMessage: { chatId, seq: edited.seq, text: 'изменено' } });
    const b2 = await TestChatClient.connect(s.wsUrl);
    for (const [k, v] of cursors) b2.cursors.set(k, v);
    // Messages keep coming while he catches up.
    const during = (async () => {
      for (let i = 0; i < 10; i++) await a.send(chatId, `во время ${i}`);
    })();
    await b2.authenticate(await s.token(boris));
    await during;
    await a.send(chatId, 'после');
    await b2.waitFor((e) => e.message?.text === 'после');
    const got = b2.messagesOf(chatId);
    const keys = got.map((m) => `${m.seq}@${m.rev}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Every rev after the cursor arrived, in order.
    const revs = got.map((m) => m.rev!);
    expect(revs).toEqual([...revs].sort((x, y) => x - y));
    const texts = got.map((m) => m.text);
    expect(texts).toContain('изменено');
    for (let i = 0; i < 10; i++) expect(texts).toContain(`во время ${i}`);
    expect(texts).not.toContain('до');
    a.close();
    b2.close();
  });
});
