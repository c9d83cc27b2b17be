// The chats' read rules (membership, visible_from, bans) hold on every path
// a message or a file reaches someone: history, live events, catch-up,
// pins, search, the chat list, replies' previews, downloads by link, and the
// call's lesson chat (issue #21). Against the real server, Redis and
// PostgreSQL.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { TestClient, pb } from '../helpers/protocolClient.js';
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
      const live = await late.waitForMessage((m) => m.chatId === id && m.seq === reply.seq);
      expect(live.replyTo ?? null).toBeNull();
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

describe("the lesson chat across a room's lessons", () => {
  const ROOM = 'rr-algebra';
  const grantStatus = (err: unknown) =>
    (err as { originalResponse?: { getStatus(): number } } | null)?.originalResponse?.getStatus();

  async function joinCall(displayName: string, role: string, userId?: string): Promise<TestClient> {
    const res = await fetch(`${s.httpUrl}/api/rooms/${ROOM}/tokens`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({ displayName, role, userId, sortName: displayName }),
    });
    const { token } = (await res.json()) as { token: string };
    const c = await TestClient.connect(s.server.wsUrl);
    await c.request({ join: { roomId: ROOM, token } });
    return c;
  }
  const send = async (c: TestClient, text: string, extra: Record<string, unknown> = {}) =>
    (await c.request({ chatSend: { text, clientMessageId: randomBytes(6).toString('hex'), ...extra } }))
      .chatMessage!;

  let earlier: cpb.IChatMessage;
  let earlierFile: string;

  beforeAll(async () => {
    const created = await fetch(`${s.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({ id: ROOM, title: 'Алгебра 7А', settings: { waitingRoom: 'off' } }),
    });
    expect(created.status).toBe(201);
    // The first lesson: the teacher and a pupil write, a file is posted; then the call ends.
    const host = await joinCall('Анна Петровна Волкова', 'host', people.teacher.userId);
    const pupil = await joinCall('Коля Смирнов', 'participant', people.pupil.userId);
    earlier = await send(pupil, 'Можно я перескажу, что у меня дома');
    const grant = (await host.request({ chatUploadGrant: {} })).chatUploadGrant!;
    earlierFile = (
      await tusUpload(
        s.httpUrl,
        Buffer.from('оценки первого урока'),
        { chatId: grant.chatId!, filename: 'оценки.txt', filetype: 'text/plain' },
        grant.token!,
      )
    ).fileId;
    await send(host, 'Оценки', { fileIds: [earlierFile] });
    await host.request({ endCall: {} });
    host.close();
    pupil.close();
  });

  it('a guest of a later lesson reads that lesson only: history, sync, edits and replies of earlier ones, files', async () => {
    const host = await joinCall('Анна Петровна Волкова', 'host', people.teacher.userId);
    const now = await send(host, 'Второй урок: тема «Дроби»');
    const guest = await joinCall('Бабушка Коли', 'guest');
    try {
      const opened = (await guest.request({ chatOpen: {} })).chatOpened!;
      const texts = opened.page!.messages!.map((m) => m.text);
      expect(texts).toContain('Второй урок: тема «Дроби»');
      expect(texts).not.toContain('Можно я перескажу, что у меня дома');
      expect(opened.page!.atStart).toBe(true);
      const older = await guest.request({ chatHistory: { beforeSeq: now.seq } });
      expect(older.chatPage!.messages ?? []).toEqual([]);
      const synced = await guest.request({ chatSync: { rev: 0 } });
      expect(synced.chatPage!.messages!.map((m) => m.text)).not.toContain('Оценки');
      const link = await guest.rawRequest({ chatFileUrl: { fileId: earlierFile } });
      expect(link.error?.code).toBe(pb.ErrorCode.ERROR_CODE_NOT_FOUND);
      // An edit of an earlier lesson's message and a reply to it reach the guest as they may see them.
      await host.request({ chatPin: { seq: earlier.seq, pin: true } });
      const reply = await send(host, 'Перескажи в пятницу', { replyTo: earlier.seq });
      const live = await guest.waitForEvent((e) => e.chatMessage?.seq === reply.seq);
      expect(live.chatMessage!.replyTo ?? null).toBeNull();
      const hostLive = await host.waitForEvent((e) => e.chatMessage?.seq === reply.seq);
      expect(hostLive.chatMessage!.replyTo?.text).toContain('перескажу');
      expect(JSON.stringify(guest.events)).not.toContain('перескажу');
    } finally {
      guest.close();
      await host.request({ endCall: {} });
      host.close();
    }
  });

  it('a lesson that ended by everyone leaving is an earlier lesson too: a guest of the next one reads none of it', async () => {
    const host = await joinCall('Анна Петровна Волкова', 'host', people.teacher.userId);
    const pupil = await joinCall('Коля Смирнов', 'participant', people.pupil.userId);
    const secret = await send(pupil, 'Ушли все: секрет прошлого урока');
    pupil.close();
    host.close();
    // No "end for all": the room just empties.
    const room = s.server.registry.get(ROOM);
    for (let i = 0; i < 200 && (room?.peers.size ?? 0) > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(room?.peers.size ?? 0).toBe(0);
    const next = await joinCall('Анна Петровна Волкова', 'host', people.teacher.userId);
    const guest = await joinCall('Тётя Коли', 'guest');
    try {
      const now = await send(next, 'Новый урок');
      const opened = (await guest.request({ chatOpen: {} })).chatOpened!;
      expect(opened.page!.messages!.map((m) => m.text)).toEqual(['Новый урок']);
      const older = await guest.request({ chatHistory: { beforeSeq: now.seq } });
      expect(older.chatPage!.messages ?? []).toEqual([]);
      const synced = await guest.request({ chatSync: { rev: 0 } });
      expect(synced.chatPage!.messages!.map((m) => m.text)).not.toContain(secret.text);
      const reply = await send(next, 'Ответ на старое', { replyTo: secret.seq });
      const live = await guest.waitForEvent((e) => e.chatMessage?.seq === reply.seq);
      expect(live.chatMessage!.replyTo ?? null).toBeNull();
      expect(JSON.stringify(guest.events)).not.toContain('секрет прошлого');
      // The class's own teacher still reads the whole chat.
      const hostView = (await next.request({ chatHistory: { beforeSeq: now.seq } })).chatPage!.messages!;
      expect(hostView.map((m) => m.text)).toContain(secret.text);
    } finally {
      guest.close();
      await next.request({ endCall: {} });
      next.close();
    }
  });

  it('a pupil banned from the call leaves its chat: no reading or writing from the messenger, no uploads with the grant', async () => {
    const host = await joinCall('Анна Петровна Волкова', 'host', people.teacher.userId);
    const pupil = await joinCall('Коля Смирнов', 'participant', people.pupil.userId);
    const messenger = await s.client(people.pupil);
    const chatId = `room.${ROOM}`;
    try {
      await send(pupil, 'Я тут');
      const grant = (await pupil.request({ chatUploadGrant: {} })).chatUploadGrant!;
      const started = await tusUpload(
        s.httpUrl,
        randomBytes(600 * 1024),
        { chatId, filename: 'big.bin', filetype: 'application/octet-stream' },
        grant.token!,
        { chunkSize: 64 * 1024, stopAfter: 128 * 1024 },
      );
      expect((await messenger.request({ getHistory: { chatId } })).page!.messages!.length).toBeGreaterThan(0);
      const pupilId = (await host.waitForJoined((p) => p.displayName === 'Коля Смирнов')).participantId!;
      await host.request({ removeParticipant: { participantId: pupilId, ban: true } });
      await pupil.waitForClose();
      await messenger.waitFor((e) => e.chatRemoved?.chatId === chatId);
      const read = await messenger.rawRequest({ getHistory: { chatId } });
      expect(read.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER);
      const write = await messenger.rawRequest({
        sendMessage: { chatId, text: 'а я всё равно пишу', clientMessageId: 'rr-banned' },
      });
      expect(write.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER);
      // The grant (12 h) neither starts a new upload nor finishes the one begun.
      const fresh = await tusUpload(
        s.httpUrl,
        Buffer.from('x'),
        { chatId, filename: 'x.txt' },
        grant.token!,
      ).then(
        () => null,
        (e: unknown) => e,
      );
      expect(grantStatus(fresh)).toBe(403);
      const resumed = await tusUpload(
        s.httpUrl,
        randomBytes(600 * 1024),
        { chatId, filename: 'big.bin', filetype: 'application/octet-stream' },
        grant.token!,
        { uploadUrl: started.url, chunkSize: 64 * 1024 },
      ).then(
        () => null,
        (e: unknown) => e,
      );
      expect(grantStatus(resumed)).toBe(403);
    } finally {
      messenger.close();
      pupil.close();
      await host.request({ endCall: {} });
      host.close();
    }
  });
});

describe("a school channel's subscribers", () => {
  it('are listed by name to its admins only: members, who reacted, who voted, who read; a subscriber sees themselves', async () => {
    const a = {
      userId: 'rr-sub-a',
      displayName: 'Маша Иванова',
      sortName: 'Иванова Маша',
      role: 'student' as const,
    };
    const b = {
      userId: 'rr-sub-b',
      displayName: 'Петя Сидоров',
      sortName: 'Сидоров Петя',
      role: 'student' as const,
    };
    const { chat } = await teacher.request({
      createChannel: { title: 'Новости школы', comments: true, listed: true },
    });
    const id = chat!.chatId!;
    const subA = await s.client(a);
    const subB = await s.client(b);
    try {
      await subA.request({ subscribe: { chatId: id } });
      await subB.request({ subscribe: { chatId: id } });
      const post = await teacher.send(id, 'Завтра субботник');
      const poll = await teacher.send(id, '', {
        poll: { question: 'Придёте?', options: ['Да', 'Нет'], anonymous: false },
      });
      for (const c of [subA, subB]) {
        await c.request({ react: { chatId: id, seq: post.seq, emoji: '👍', add: true } });
        await c.request({ vote: { chatId: id, seq: poll.seq, options: [0] } });
      }
      const comment = await subB.send(id, 'Я приду', { replyTo: post.seq });

      const members = await subB.request({ listMembers: { chatId: id } });
      expect(members.members!.members!.map((m) => m.user!.userId)).toEqual([b.userId]);
      const reactions = await subB.request({ getReactions: { chatId: id, seq: post.seq } });
      expect(reactions.reactions!.reactions!.map((r) => r.user!.userId)).toEqual([b.userId]);
      const voters = await subB.request({ getPollVoters: { chatId: id, seq: poll.seq, option: 0 } });
      expect(voters.pollVoters!.voters!.map((u) => u.userId)).toEqual([b.userId]);
      const readBy = await subB.rawRequest({ getReadBy: { chatId: id, seq: comment.seq } });
      expect(readBy.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_FORBIDDEN);

      // The channel's admins see everyone.
      const all = await teacher.request({ listMembers: { chatId: id } });
      expect(all.members!.members!.map((m) => m.user!.userId).sort()).toEqual(
        [a.userId, b.userId, people.teacher.userId].sort(),
      );
      const allReactions = await teacher.request({ getReactions: { chatId: id, seq: post.seq } });
      expect(allReactions.reactions!.reactions!.length).toBe(2);
      const allVoters = await teacher.request({ getPollVoters: { chatId: id, seq: poll.seq, option: 0 } });
      expect(allVoters.pollVoters!.voters!.length).toBe(2);
    } finally {
      subA.close();
      subB.close();
    }
  });
});

describe("people's names in the messenger", () => {
  it('carry no invisible characters, whoever gave them (token, admin API)', async () => {
    const masked = {
      userId: 'rr-masked',
      displayName: 'Ма\u034fша\u200b Пе\u17b4трова',
      sortName: 'Петрова\u2060 Маша',
      role: 'student' as const,
    };
    // A direction override is not dropped but refused at the edge (the text rule for names, report 7).
    await expect(s.token({ ...masked, userId: 'rr-rlo', displayName: 'Маша Петрова\u202e' })).rejects.toThrow(
      /400/,
    );
    const c = await s.client(masked);
    try {
      const { chat } = await teacher.request({ createChat: { title: 'Имена', members: [masked.userId] } });
      const members = await teacher.request({ listMembers: { chatId: chat!.chatId! } });
      const shown = members.members!.members!.find((m) => m.user!.userId === masked.userId)!.user!;
      expect(shown.displayName).toBe('Маша Петрова');
      expect(shown.sortName).toBe('Петрова Маша');
      const put = await fetch(`${s.httpUrl}/api/users/rr-masked2`, {
        method: 'PUT',
        headers: s.adminHeaders,
        body: JSON.stringify({ displayName: 'Ко\u034fля', role: 'student', schoolId: 'school-1' }),
      });
      expect(((await put.json()) as { user?: unknown }).user).toBeTruthy();
      await teacher.request({ addMembers: { chatId: chat!.chatId!, userIds: ['rr-masked2'] } });
      const again = await teacher.request({ listMembers: { chatId: chat!.chatId! } });
      expect(again.members!.members!.map((m) => m.user!.displayName)).toContain('Коля');
    } finally {
      c.close();
    }
  });
});
