// The lesson's chat from inside the call, through the call's own protocol on
// the real server: every room has a chat, guests write only when the host
// allows it, the chat stays readable in the messenger after the call, viewers
// of a broadcast comment (off, on, moderated), and a chat starts a call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { type TestClient as CallClient, TestClient, pb } from '../helpers/protocolClient.js';
import { rejectedCount } from '../helpers/serverState.js';

let s: ChatTestServer;
let host: CallClient;
let pupil: CallClient;
let guest: CallClient;
const ROOM = 'math-5b';

async function roomToken(displayName: string, role: string, userId?: string): Promise<string> {
  const res = await fetch(`${s.httpUrl}/api/rooms/${ROOM}/tokens`, {
    method: 'POST',
    headers: s.adminHeaders,
    body: JSON.stringify({ displayName, role, userId, sortName: displayName }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function joinCall(displayName: string, role: string, userId?: string): Promise<CallClient> {
  const c = await TestClient.connect(s.server.wsUrl);
  await c.request({ join: { roomId: ROOM, token: await roomToken(displayName, role, userId) } });
  return c;
}

const callEvent = (c: CallClient, match: (e: pb.Event) => boolean) => c.waitForEvent(match);

beforeAll(async () => {
  s = await startChatServer();
  const created = await fetch(`${s.httpUrl}/api/rooms`, {
    method: 'POST',
    headers: s.adminHeaders,
    body: JSON.stringify({ id: ROOM, title: 'Математика 5Б', settings: { waitingRoom: 'off' } }),
  });
  expect(created.status).toBe(201);
  host = await joinCall('Мария Ивановна', 'host', 'teacher-1');
  pupil = await joinCall('Петя Иванов', 'participant', 'pupil-1');
  guest = await joinCall('Бабушка Пети', 'guest');
});
afterAll(async () => {
  for (const c of [host, pupil, guest]) c?.close();
  await s.stop();
});

describe('the lesson chat inside the call', () => {
  it('every room has a chat; a message reaches everyone in the call', async () => {
    const opened = await pupil.request({ chatOpen: {} });
    expect(opened.chatOpened!.chat!.kind).toBe(cpb.ChatKind.CHAT_KIND_LESSON);
    expect(opened.chatOpened!.chat!.title).toBe('Математика 5Б');
    const sent = await host.request({
      chatSend: { text: 'Откройте учебник на с. 42', clientMessageId: 'l-1' },
    });
    expect(sent.chatMessage!.senderName).toBe('Мария Ивановна');
    for (const c of [pupil, guest]) {
      const e = await callEvent(c, (x) => x.chatMessage?.seq === sent.chatMessage!.seq);
      expect(e.chatMessage!.text).toBe('Откройте учебник на с. 42');
    }
    const answer = await pupil.request({
      chatSend: { text: 'Открыл', clientMessageId: 'l-2', replyTo: sent.chatMessage!.seq },
    });
    expect(answer.chatMessage!.replyTo!.senderName).toBe('Мария Ивановна');
    const react = await guest.request({ chatReact: { seq: sent.chatMessage!.seq, emoji: '👍', add: true } });
    expect(react.chatMessage!.reactions).toEqual([{ emoji: '👍', count: 1 }]);
  });

  it('a guest writes only when the host allows it; the refusal is typed, counted and changes nothing', async () => {
    const before = await host.request({ chatHistory: {} });
    const counted = await rejectedCount(s.server, 'chat_guests_may_not_write');
    const refused = await guest.rawRequest({ chatSend: { text: 'Можно вопрос?', clientMessageId: 'g-1' } });
    expect(refused.error?.code).toBe(pb.ErrorCode.ERROR_CODE_CHAT_GUESTS_MAY_NOT_WRITE);
    expect(await rejectedCount(s.server, 'chat_guests_may_not_write')).toBe(counted + 1);
    const after = await host.request({ chatHistory: {} });
    expect(after.chatPage!.messages!.length).toBe(before.chatPage!.messages!.length);
    // A participant may not change who writes.
    const notHost = await pupil.rawRequest({ chatSettings: { settings: { guestsMayWrite: true } } });
    expect(notHost.error?.code).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
    await host.request({ chatSettings: { settings: { guestsMayWrite: true } } });
    await callEvent(guest, (e) => e.chatChanged?.settings?.guestsMayWrite === true);
    const ok = await guest.request({ chatSend: { text: 'Спасибо!', clientMessageId: 'g-2' } });
    expect(ok.chatMessage!.text).toBe('Спасибо!');
    // Read-only for the lesson: only hosts write.
    await host.request({ chatSettings: { settings: { whoMayWrite: cpb.Permission.PERMISSION_ADMINS } } });
    const ro = await pupil.rawRequest({ chatSend: { text: 'А я?', clientMessageId: 'p-ro' } });
    expect(ro.error?.code).toBe(pb.ErrorCode.ERROR_CODE_CHAT_READ_ONLY);
    await host.request({ chatSettings: { settings: { whoMayWrite: cpb.Permission.PERMISSION_EVERYONE } } });
  });

  it('a quick test: a quiz poll in the lesson', async () => {
    const quiz = await host.request({
      chatSend: {
        clientMessageId: 'q-1',
        poll: { question: '7 × 8 = ?', options: ['54', '56', '58'], quiz: true, correctOption: 1 },
      },
    });
    const voted = await pupil.request({ chatVote: { seq: quiz.chatMessage!.seq, options: [1] } });
    expect(voted.chatMessage!.poll!.correctOption).toBe(1);
    const twice = await pupil.rawRequest({ chatVote: { seq: quiz.chatMessage!.seq, options: [0] } });
    expect(twice.error?.code).toBe(pb.ErrorCode.ERROR_CODE_CHAT_ALREADY_VOTED);
  });

  it('the chat stays readable in the messenger after the call, for those who were in it', async () => {
    await host.request({ endCall: {} });
    const teacher = await s.client({
      userId: 'teacher-1',
      displayName: 'Мария Ивановна',
      sortName: 'Иванова Мария',
    });
    const lesson = (await teacher.request({ listChats: {} })).chats!.chats!.find(
      (c) => c.chatId === `room.${ROOM}`,
    );
    expect(lesson?.kind).toBe(cpb.ChatKind.CHAT_KIND_LESSON);
    expect(lesson?.myRole).toBe(cpb.MemberRole.MEMBER_ROLE_ADMIN);
    const page = await teacher.request({ getHistory: { chatId: `room.${ROOM}` } });
    const texts = page.page!.messages!.map((m) => m.text);
    expect(texts).toEqual(expect.arrayContaining(['Откройте учебник на с. 42', 'Открыл', 'Спасибо!']));
    teacher.close();
  });
});

describe('viewers comment on a broadcast', () => {
  let moderator: CallClient;

  beforeAll(async () => {
    moderator = await joinCall('Мария Ивановна', 'host', 'teacher-1');
    // Comments belong to a broadcast: none before the room's first one (#21 report 4).
    await moderator.request({ startBroadcast: { viewerPassword: '' } });
  });
  afterAll(() => moderator?.close());

  const post = (body: unknown) =>
    fetch(`${s.httpUrl}/api/rooms/${ROOM}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const published = async () =>
    (
      (await (await fetch(`${s.httpUrl}/api/rooms/${ROOM}/comments`)).json()) as {
        comments: { text: string }[];
      }
    ).comments.map((c) => c.text);

  it('off by default: refused and counted', async () => {
    const counted = await s.rejected('comment_off');
    expect((await post({ name: 'Зритель', text: 'Привет' })).status).toBe(403);
    expect(await s.rejected('comment_off')).toBe(counted + 1);
  });

  it('moderated: a comment waits for a host, who approves or deletes it', async () => {
    await moderator.request({
      chatSettings: { settings: { comments: cpb.CommentsMode.COMMENTS_MODE_MODERATED } },
    });
    const r = await post({ name: 'Мама Пети', text: 'Отличный концерт!' });
    expect(r.status).toBe(201);
    const { seq, pending } = (await r.json()) as { seq: number; pending: boolean };
    expect(pending).toBe(true);
    await moderator.waitForEvent((e) => e.commentPending?.seq === seq);
    expect(await published()).not.toContain('Отличный концерт!');
    await moderator.request({ commentModerate: { seq, approve: true } });
    expect(await published()).toContain('Отличный концерт!');
    const rude = (await (await post({ name: 'Аноним', text: 'спам спам' })).json()) as { seq: number };
    await moderator.request({ commentModerate: { seq: rude.seq, approve: false } });
    const list = await moderator.request({ commentHistory: {} });
    expect(list.chatPage!.messages!.find((m) => m.seq === rude.seq)!.deleted).toBe(true);
    expect(await published()).not.toContain('спам спам');
  });

  it('on: published at once; a participant may not moderate', async () => {
    await moderator.request({ chatSettings: { settings: { comments: cpb.CommentsMode.COMMENTS_MODE_ON } } });
    await post({ name: 'Папа', text: 'Браво!' });
    expect(await published()).toContain('Браво!');
    const p = await joinCall('Петя Иванов', 'participant', 'pupil-1');
    const refused = await p.rawRequest({ commentModerate: { seq: 1, approve: false } });
    expect(refused.error?.code).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
    p.close();
  });
});

describe('a call from a chat', () => {
  it('creates a room for the chat, posts its link, and gives members (only) their own join link', async () => {
    const people = [
      { userId: 'c-t', displayName: 'Учитель', sortName: 'Учитель' },
      { userId: 'c-p', displayName: 'Ученик', sortName: 'Ученик', role: 'student' as const },
      { userId: 'c-o', displayName: 'Чужой', sortName: 'Чужой' },
    ];
    const [teacher, pupilChat, outsider] = (await Promise.all(
      people.map((p) => s.client(p)),
    )) as TestChatClient[];
    const chatId = (await teacher!.request({ createChat: { title: 'Кружок', members: ['c-p'] } })).chat!
      .chatId!;
    await pupilChat!.waitFor((e) => e.chatAdded?.chatId === chatId);
    const started = await teacher!.request({ startCall: { chatId, title: 'Кружок: занятие' } });
    expect(started.call!.joinUrl).toContain(`/room/${started.call!.roomId}#token=`);
    const posted = await pupilChat!.waitForMessage((m) => m.kind === cpb.MessageKind.MESSAGE_KIND_CALL);
    const link = await pupilChat!.request({ joinCall: { chatId, seq: posted.seq } });
    const token = link.call!.joinUrl!.split('#token=')[1]!;
    const c = await TestClient.connect(s.server.wsUrl);
    const joined = await c.request({ join: { roomId: started.call!.roomId, token } });
    expect(joined.join!.self?.role).toBe(pb.Role.ROLE_PARTICIPANT);
    const refused = await outsider!.rawRequest({ joinCall: { chatId, seq: posted.seq } });
    expect(refused.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER);
    c.close();
    for (const x of [teacher, pupilChat, outsider]) x!.close();
  });
});
