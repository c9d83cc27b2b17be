// Bad input at the messenger's edge: each case gets a typed error, is
// counted in metrics, and changes nothing (the chats' counters in Redis stay
// where they were and a watching member receives nothing).
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChatRequestError } from '../../web/src/protocol/chatClient.js';
import { chatEventsSoFar } from '../helpers/barriers.js';
import { type ChatTestServer, TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { TestClock } from '../helpers/clock.js';

const E = cpb.ChatErrorCode;
let s: ChatTestServer;
let owner: TestChatClient;
let member: TestChatClient;
let outsider: TestChatClient;
let watcher: TestChatClient;
let chatId: string;
let readOnlyId: string;
let targets: string[];
let before: string;
// The messenger's clock: the edit window (a day) passes without waiting a day.
const clock = new TestClock();
const DAY = 24 * 3600 * 1000;
/** A chat of the watcher's own, for its event barrier. */
let ownChatId: string;

const people = {
  owner: { userId: 'owner', displayName: 'Учитель', sortName: 'Учитель' },
  member: { userId: 'member', displayName: 'Ученик', sortName: 'Ученик', role: 'student' as const },
  outsider: { userId: 'outsider', displayName: 'Чужой', sortName: 'Чужой' },
  watcher: { userId: 'watcher', displayName: 'Наблюдатель', sortName: 'Наблюдатель' },
};

/** Every chat's counters and member counts: what any accepted change would move. */
async function state(): Promise<string> {
  const ids = [chatId, readOnlyId, ...targets];
  const rows = await s.server.database!.query(
    'SELECT id, seq, rev, members, settings, title FROM messaging.chat WHERE id = ANY($1) ORDER BY id',
    [ids],
  );
  // One's own settings (muted, archived) and posts waiting to be sent.
  const prefs = await s.server.database!.query('SELECT user_id, prefs FROM messaging.prefs ORDER BY user_id');
  const posts = await s.server.database!.query(
    'SELECT id, chat_id, sender, text, send_at FROM messaging.scheduled_post ORDER BY id',
  );
  return JSON.stringify([rows.rows, prefs.rows, posts.rows]);
}

beforeAll(async () => {
  s = await startChatServer({ CHAT_MAX_MESSAGE_CHARS: '100' }, { extras: { clock: clock.now } });
  for (const p of Object.values(people)) await s.token(p);
  owner = await s.client(people.owner);
  member = await s.client(people.member);
  outsider = await s.client(people.outsider);
  watcher = await s.client(people.watcher);
  chatId = (await owner.request({ createChat: { title: 'Класс', members: ['member', 'watcher'] } })).chat!
    .chatId!;
  readOnlyId = (
    await owner.request({
      createChat: {
        title: 'Только чтение',
        members: ['member', 'watcher'],
        settings: { whoMayWrite: cpb.Permission.PERMISSION_ADMINS },
      },
    })
  ).chat!.chatId!;
  targets = [];
  for (let i = 0; i < 13; i++)
    targets.push(
      (await owner.request({ createChat: { title: `Цель ${i}`, members: ['watcher'] } })).chat!.chatId!,
    );
  await watcher.waitFor((e) => e.chatAdded?.chatId === targets[12]);
  ownChatId = (await watcher.request({ createChat: { title: 'Заметки', members: [] } })).chat!.chatId!;
  await chatEventsSoFar(watcher, ownChatId);
});

afterAll(async () => {
  for (const c of [owner, member, outsider, watcher]) c?.close();
  await s.stop();
});

beforeEach(async () => {
  before = await state();
  watcher.events.length = 0;
});

async function expectRejected(reason: string, code: cpb.ChatErrorCode, act: () => Promise<cpb.ChatResponse>) {
  const counted = await s.rejected(reason);
  const response = await act();
  expect(response.error?.code, response.error?.message ?? 'no error').toBe(code);
  expect(response.error?.message).toBeTruthy();
  expect(await s.rejected(reason)).toBe(counted + 1);
  expect(await state()).toBe(before);
  expect(await chatEventsSoFar(watcher, ownChatId)).toEqual([]);
  return response;
}

/** The next answer to a frame the client library would not send. */
function rawReply(c: TestChatClient, bytes: Uint8Array | string): Promise<cpb.ChatServerMessage> {
  return new Promise((resolve) => {
    const ws = (c as unknown as { socket: { once(ev: string, f: (d: Buffer) => void): void } }).socket;
    ws.once('message', (d: Buffer) => resolve(cpb.ChatServerMessage.decode(new Uint8Array(d))));
    c.sendRaw(bytes);
  });
}

describe('frames and authentication', () => {
  it('garbage, text frames and empty requests get typed errors', async () => {
    const c = await TestChatClient.connect(s.wsUrl);
    const counted = await s.rejected('malformed_frame');
    expect((await rawReply(c, new Uint8Array([0xff, 0xff, 0xff]))).response?.error?.code).toBe(
      E.CHAT_ERROR_MALFORMED_FRAME,
    );
    expect((await rawReply(c, 'hello')).response?.error?.code).toBe(E.CHAT_ERROR_MALFORMED_FRAME);
    expect(await s.rejected('malformed_frame')).toBe(counted + 2);
    const empty = cpb.ChatClientMessage.encode({ requestId: 5 }).finish();
    expect((await rawReply(c, empty)).response?.error?.code).toBe(E.CHAT_ERROR_UNKNOWN_MESSAGE);
    c.close();
  });

  it('requests before authenticating are refused', async () => {
    const c = await TestChatClient.connect(s.wsUrl);
    await expectRejected('not_authenticated', E.CHAT_ERROR_NOT_AUTHENTICATED, () =>
      c.rawRequest({ sendMessage: { chatId, text: 'hi', clientMessageId: 'x1' } }),
    );
    c.close();
  });

  it('a forged, expired or room token is not a user token', async () => {
    const c = await TestChatClient.connect(s.wsUrl);
    await expectRejected('unauthenticated', E.CHAT_ERROR_UNAUTHENTICATED, () =>
      c.rawRequest({ authenticate: { token: 'not.a.token' } }),
    );
    const key = new TextEncoder().encode(s.env.TOKEN_SECRET);
    const roomToken = await new SignJWT({ name: 'x', role: 'host', room: 'r1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('school-call')
      .setSubject('owner')
      .setExpirationTime('1h')
      .sign(key);
    await expectRejected('unauthenticated', E.CHAT_ERROR_UNAUTHENTICATED, () =>
      c.rawRequest({ authenticate: { token: roomToken } }),
    );
    const expired = await new SignJWT({ typ: 'user', name: 'x', role: 'teacher', school: 's' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('school-call')
      .setSubject('owner')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(key);
    await expectRejected('token_expired', E.CHAT_ERROR_TOKEN_EXPIRED, () =>
      c.rawRequest({ authenticate: { token: expired } }),
    );
    c.close();
  });

  it('a second authenticate is refused', async () => {
    await expectRejected('already_authenticated', E.CHAT_ERROR_ALREADY_AUTHENTICATED, () =>
      member.rawRequest({ authenticate: { token: 'x' } }),
    );
  });
});

describe('chats and membership', () => {
  it('an unknown chat', async () => {
    await expectRejected('chat_not_found', E.CHAT_ERROR_CHAT_NOT_FOUND, () =>
      member.rawRequest({ sendMessage: { chatId: 'no-such-chat', text: 'hi', clientMessageId: 'u1' } }),
    );
  });

  it('a chat one is not in', async () => {
    await expectRejected('not_a_member', E.CHAT_ERROR_NOT_A_MEMBER, () =>
      outsider.rawRequest({ sendMessage: { chatId, text: 'hi', clientMessageId: 'n1' } }),
    );
    await expectRejected('not_a_member', E.CHAT_ERROR_NOT_A_MEMBER, () =>
      outsider.rawRequest({ getHistory: { chatId } }),
    );
  });

  it('writing in a read-only chat', async () => {
    await expectRejected('read_only', E.CHAT_ERROR_READ_ONLY, () =>
      member.rawRequest({ sendMessage: { chatId: readOnlyId, text: 'hi', clientMessageId: 'r1' } }),
    );
  });

  it('a member changing settings, adding or removing people', async () => {
    await expectRejected('forbidden', E.CHAT_ERROR_FORBIDDEN, () =>
      member.rawRequest({
        updateChatSettings: { chatId, settings: { whoMayWrite: cpb.Permission.PERMISSION_EVERYONE } },
      }),
    );
    await expectRejected('forbidden', E.CHAT_ERROR_FORBIDDEN, () =>
      member.rawRequest({ addMembers: { chatId, userIds: ['outsider'] } }),
    );
    await expectRejected('forbidden', E.CHAT_ERROR_FORBIDDEN, () =>
      member.rawRequest({ removeMember: { chatId, userId: 'watcher' } }),
    );
    await expectRejected('forbidden', E.CHAT_ERROR_FORBIDDEN, () =>
      member.rawRequest({ updateChatInfo: { chatId, title: 'Мой класс' } }),
    );
  });

  it('adding someone who does not exist', async () => {
    await expectRejected('user_not_found', E.CHAT_ERROR_USER_NOT_FOUND, () =>
      owner.rawRequest({ addMembers: { chatId, userIds: ['nobody'] } }),
    );
  });
});

describe('messages', () => {
  it('a message over the length limit', async () => {
    await expectRejected('message_too_long', E.CHAT_ERROR_MESSAGE_TOO_LONG, () =>
      member.rawRequest({ sendMessage: { chatId, text: 'я'.repeat(101), clientMessageId: 'l1' } }),
    );
  });

  it('a frame over 64 KiB is refused as the request that sent it, not left to time out (attack 6, 4e)', async () => {
    // The server cannot read the id of a frame it will not decode: it answers under id 0.
    const big = { sendMessage: { chatId, text: 'a'.repeat(70_000), clientMessageId: 'big1' } };
    const refused = await expectRejected('frame_too_large', E.CHAT_ERROR_FRAME_TOO_LARGE, () =>
      member.rawRequest(big),
    );
    expect(refused.requestId).toBe(0);
    // With a small request pending beside it, each gets its own answer.
    const [small, large, after] = await Promise.allSettled([
      member.request({ getPrefs: {} }),
      member.request(big),
      member.request({ getPrefs: {} }),
    ]);
    expect([small.status, after.status]).toEqual(['fulfilled', 'fulfilled']);
    expect(large.status).toBe('rejected');
    expect((large as PromiseRejectedResult).reason).toBeInstanceOf(ChatRequestError);
    expect((large as PromiseRejectedResult).reason.code).toBe(E.CHAT_ERROR_FRAME_TOO_LARGE);
  });

  it('an empty message, a bad client id, a bad reaction', async () => {
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      member.rawRequest({ sendMessage: { chatId, text: '   ', clientMessageId: 'e1' } }),
    );
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      member.rawRequest({ sendMessage: { chatId, text: 'hi', clientMessageId: '' } }),
    );
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      member.rawRequest({ react: { chatId, seq: 1, emoji: 'like', add: true } }),
    );
  });

  it("editing someone else's message, or one's own after the window", async () => {
    const theirs = await owner.send(chatId, 'моё');
    const mine = await member.send(chatId, 'старое');
    clock.advance(DAY + 1000);
    before = await state();
    watcher.events.length = 0;
    await expectRejected('not_your_message', E.CHAT_ERROR_NOT_YOUR_MESSAGE, () =>
      member.rawRequest({ editMessage: { chatId, seq: theirs.seq, text: 'чужое' } }),
    );
    await expectRejected('edit_window_passed', E.CHAT_ERROR_EDIT_WINDOW_PASSED, () =>
      member.rawRequest({ editMessage: { chatId, seq: mine.seq, text: 'новое' } }),
    );
    await expectRejected('not_your_message', E.CHAT_ERROR_NOT_YOUR_MESSAGE, () =>
      member.rawRequest({ deleteMessage: { chatId, seq: theirs.seq } }),
    );
    await expectRejected('message_not_found', E.CHAT_ERROR_MESSAGE_NOT_FOUND, () =>
      member.rawRequest({ editMessage: { chatId, seq: 99999, text: 'нет' } }),
    );
  });

  it('forwarding to 13 chats at once', async () => {
    const m = await owner.send(chatId, 'переслать');
    // The watcher is in this chat: its copy of the message must not count as a change the refusals made.
    await watcher.waitFor((e) => e.message?.chatId === chatId && e.message.seq === m.seq);
    before = await state();
    watcher.events.length = 0;
    await expectRejected('too_many_targets', E.CHAT_ERROR_TOO_MANY_TARGETS, () =>
      owner.rawRequest({
        forwardMessages: { fromChatId: chatId, seqs: [m.seq!], toChatIds: targets, clientMessageId: 'f13' },
      }),
    );
    // One target one may not write in refuses the whole forward.
    await expectRejected('read_only', E.CHAT_ERROR_READ_ONLY, () =>
      member.rawRequest({
        forwardMessages: {
          fromChatId: chatId,
          seqs: [m.seq!],
          toChatIds: [chatId, readOnlyId],
          clientMessageId: 'fro',
        },
      }),
    );
  });
});

describe('polls', () => {
  it('voting twice, on a closed poll, or for an option that does not exist', async () => {
    const p = await owner.send(chatId, '', { poll: { question: 'Да?', options: ['да', 'нет'] } });
    await member.request({ vote: { chatId, seq: p.seq, options: [0] } });
    const closed = await owner.send(chatId, '', { poll: { question: 'Поздно?', options: ['да', 'нет'] } });
    await owner.request({ closePoll: { chatId, seq: closed.seq } });
    // The watcher's copy of the closing (and, before it in the chat's order, of the vote) is not a change the refusals made.
    await watcher.waitFor(
      (e) => e.message?.chatId === chatId && e.message.seq === closed.seq && !!e.message.poll?.closed,
    );
    before = await state();
    watcher.events.length = 0;
    await expectRejected('already_voted', E.CHAT_ERROR_ALREADY_VOTED, () =>
      member.rawRequest({ vote: { chatId, seq: p.seq, options: [1] } }),
    );
    await expectRejected('poll_closed', E.CHAT_ERROR_POLL_CLOSED, () =>
      member.rawRequest({ vote: { chatId, seq: closed.seq, options: [0] } }),
    );
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      owner.rawRequest({ vote: { chatId, seq: p.seq, options: [7] } }),
    );
    await expectRejected('not_a_poll', E.CHAT_ERROR_NOT_A_POLL, () =>
      member.rawRequest({ vote: { chatId, seq: 1, options: [0] } }),
    );
  });

  it('a poll with one option, or a quiz without a right answer', async () => {
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      owner.rawRequest({
        sendMessage: { chatId, clientMessageId: 'p1', poll: { question: 'Q', options: ['один'] } },
      }),
    );
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      owner.rawRequest({
        sendMessage: {
          chatId,
          clientMessageId: 'p2',
          poll: { question: 'Q', options: ['a', 'b'], quiz: true, correctOption: 5 },
        },
      }),
    );
  });
});

describe("one's own state and scheduled posts", () => {
  it('update_scheduled: a malformed or missing post, oversized words, a bad time, words of another', async () => {
    const sendAt = Date.now() + 60 * DAY;
    const r = await member.request({ schedulePost: { chatId, text: 'Завтра контрольная', sendAt } });
    const id = r.scheduled!.id!;
    before = await state();
    watcher.events.length = 0;
    await expectRejected('message_not_found', E.CHAT_ERROR_MESSAGE_NOT_FOUND, () =>
      member.rawRequest({ updateScheduled: { chatId, id: '../../etc', text: 'x' } }),
    );
    await expectRejected('message_not_found', E.CHAT_ERROR_MESSAGE_NOT_FOUND, () =>
      member.rawRequest({ updateScheduled: { chatId, text: 'x' } }),
    );
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      member.rawRequest({ updateScheduled: { id, text: 'x' } }),
    );
    await expectRejected('message_too_long', E.CHAT_ERROR_MESSAGE_TOO_LONG, () =>
      member.rawRequest({ updateScheduled: { chatId, id, text: 'я'.repeat(101) } }),
    );
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      member.rawRequest({ updateScheduled: { chatId, id, text: '   ' } }),
    );
    for (const bad of [Number.NaN, Date.now() - 1000, Date.now() + 400 * DAY]) {
      await expectRejected('bad_schedule', E.CHAT_ERROR_BAD_SCHEDULE, () =>
        member.rawRequest({ updateScheduled: { chatId, id, sendAt: bad } }),
      );
    }
    // The chat's admin moves the time of another's post, never its words.
    await expectRejected('forbidden', E.CHAT_ERROR_FORBIDDEN, () =>
      owner.rawRequest({ updateScheduled: { chatId, id, text: 'Контрольной не будет' } }),
    );
    await expectRejected('not_a_member', E.CHAT_ERROR_NOT_A_MEMBER, () =>
      outsider.rawRequest({ updateScheduled: { chatId, id, sendAt } }),
    );
  });

  it('mute_chat: a missing, oversized or foreign chat, a time in the past or past a year', async () => {
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      member.rawRequest({ muteChat: { muted: true } }),
    );
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      member.rawRequest({ muteChat: { chatId: 'я'.repeat(5000), muted: true } }),
    );
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      outsider.rawRequest({ muteChat: { chatId, muted: true } }),
    );
    for (const until of [Number.NaN, Date.now() - 1000, Date.now() + 400 * DAY]) {
      await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
        member.rawRequest({ muteChat: { chatId, muted: true, until } }),
      );
    }
  });

  it('archive_chat: a missing, malformed or foreign chat', async () => {
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      member.rawRequest({ archiveChat: { archived: true } }),
    );
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      member.rawRequest({ archiveChat: { chatId: 'a b/../c', archived: true } }),
    );
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      outsider.rawRequest({ archiveChat: { chatId, archived: true } }),
    );
  });

  it('mark_unread and clear_history: a missing, malformed or foreign chat', async () => {
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      member.rawRequest({ markUnread: { unread: true } }),
    );
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      outsider.rawRequest({ markUnread: { chatId, unread: true } }),
    );
    await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
      member.rawRequest({ clearHistory: { chatId: 'a b/../c' } }),
    );
    await expectRejected('not_a_member', E.CHAT_ERROR_NOT_A_MEMBER, () =>
      outsider.rawRequest({ clearHistory: { chatId } }),
    );
  });

  it('list_all_important: a malformed cursor', async () => {
    for (const after of [
      { chatId: '', seq: 1, sentAt: 1 },
      { chatId: chatId, seq: 0, sentAt: 1 },
      { chatId: chatId, seq: 1, sentAt: Number.NaN },
      { chatId: chatId, seq: 1, sentAt: -5 },
      { chatId: 'x'.repeat(200), seq: 1, sentAt: 1 },
    ]) {
      await expectRejected('invalid_argument', E.CHAT_ERROR_INVALID_ARGUMENT, () =>
        member.rawRequest({ listAllImportant: { after } }),
      );
    }
  });
});

describe('floods', () => {
  it('a flood of requests is refused cheaply with RATE_LIMITED', async () => {
    const c = await s.client({ userId: 'flooder', displayName: 'Флуд', sortName: 'Флуд' });
    const counted = await s.rejected('rate_limited');
    const answers = await Promise.all(Array.from({ length: 300 }, () => c.rawRequest({ listChats: {} })));
    const limited = answers.filter((a) => a.error?.code === E.CHAT_ERROR_RATE_LIMITED).length;
    expect(limited).toBeGreaterThan(100);
    expect(await s.rejected('rate_limited')).toBe(counted + limited);
    c.close();
  });
});
