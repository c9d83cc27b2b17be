// Channels and invitation links against a real server and Redis, with a
// school directory: who may create a channel, search and subscribe, that
// subscribers read but do not post, and that a revoked link stops working.
// Refusals are typed, counted, and change nothing.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Directory } from '../../directory/model.js';
import { sampleSchool } from '../../directory/sampleSchool.js';
import { DirectoryStore } from '../../directory/store.js';
import type { ChatStore } from '../../messaging/store/chatStore.js';
import {
  type ChatTestServer,
  type TestChatClient,
  cpb,
  messagingStores,
  startChatServer,
} from '../helpers/chatServer.js';

let s: ChatTestServer;
let r: Redis;
let chatStore: ChatStore;
const d: Directory = sampleSchool({
  schoolId: 'school-1',
  schoolName: 'Школа № 5',
  grades: 1,
  lettersPerGrade: 2,
  pupilsPerClass: 2,
  parentsPerPupil: 1,
});
const pupil = d.pupils.find((p) => p.classId === '5a')!;
const parentA = d.parents.find((p) => p.children.includes(pupil.id))!;
const parentB = d.parents.find((p) => d.pupils.find((x) => x.id === p.children[0])!.classId === '5b')!;
const teacher = d.teachers.find((t) => t.id === d.classes[0]!.teacher)!;

function as(id: string, role: 'teacher' | 'student' | 'parent', schoolId = 'school-1') {
  const p = [...d.teachers, ...d.pupils, ...d.parents].find((x) => x.id === id)!;
  return { userId: p.id, displayName: p.name, sortName: p.sort, role, schoolId };
}

async function refused(c: TestChatClient, req: cpb.IChatClientMessage, code: cpb.ChatErrorCode) {
  await expect(c.request(req)).rejects.toMatchObject({ code });
}

beforeAll(async () => {
  s = await startChatServer();
  r = new Redis(s.redis!.url);
  chatStore = messagingStores(s.server.database!, r).chatStore;
  const res = await fetch(`${s.httpUrl}/api/directory/import`, {
    method: 'POST',
    headers: s.adminHeaders,
    body: JSON.stringify(d),
  });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  r.disconnect();
  await s.stop();
});

describe('channels', () => {
  it('a pupil cannot create a channel: typed, counted, nothing created', async () => {
    const c = await s.client(as(pupil.id, 'student'));
    const before = await s.rejected('role_not_allowed');
    const chats = await chatStore.userChatIds(pupil.id);
    await refused(
      c,
      { createChannel: { title: 'Мой канал', listed: true } },
      cpb.ChatErrorCode.CHAT_ERROR_ROLE_NOT_ALLOWED,
    );
    expect(await s.rejected('role_not_allowed')).toBe(before + 1);
    expect(await chatStore.userChatIds(pupil.id)).toEqual(chats);
    const listed = await s.server.database!.query(
      "SELECT 1 FROM messaging.listed_channel WHERE school = 'school-1'",
    );
    expect(listed.rowCount).toBe(0);
    c.close();
  });

  it('a teacher posts in a listed channel; a parent finds it, subscribes, reads and cannot post', async () => {
    const t = await s.client(as(teacher.id, 'teacher'));
    const { chat } = await t.request({
      createChannel: { title: 'Новости школы', about: 'Объявления для родителей', listed: true },
    });
    expect(chat!.kind).toBe(cpb.ChatKind.CHAT_KIND_CHANNEL);
    const hidden = await t.request({ createChannel: { title: 'Новости кружка' } });
    const p = await s.client(as(parentA.id, 'parent'));
    const found = await p.request({ searchChannels: { query: 'новости' } });
    expect(found.channels!.channels!.map((c) => c.chatId)).toEqual([chat!.chatId]);
    expect(found.channels!.channels!.map((c) => c.chatId)).not.toContain(hidden.chat!.chatId);
    await refused(
      p,
      { subscribe: { chatId: hidden.chat!.chatId } },
      cpb.ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND,
    );
    const sub = await p.request({ subscribe: { chatId: chat!.chatId } });
    expect(sub.chat!.myRole).toBe(cpb.MemberRole.MEMBER_ROLE_MEMBER);
    await t.send(chat!.chatId!, 'Завтра собрание в 18:00');
    await p.waitForMessage((m) => m.text === 'Завтра собрание в 18:00');
    await refused(
      p,
      { sendMessage: { chatId: chat!.chatId, text: 'А можно?', clientMessageId: 'x1' } },
      cpb.ChatErrorCode.CHAT_ERROR_READ_ONLY,
    );
    // A channel that asks for approval takes a request instead.
    const { chat: closed } = await t.request({
      createChannel: { title: 'Новости попечительского совета', listed: true },
    });
    await t.request({ updateChatSettings: { chatId: closed!.chatId, settings: { joinApproval: true } } });
    const asked = await p.request({ subscribe: { chatId: closed!.chatId } });
    expect(asked.joinRequest!.chatId).toBe(closed!.chatId);
    expect(await chatStore.member(closed!.chatId!, parentA.id)).toBeNull();
    // Unsubscribing is leaving.
    await p.request({ leaveChat: { chatId: chat!.chatId } });
    expect(await chatStore.member(chat!.chatId!, parentA.id)).toBeNull();
    t.close();
    p.close();
  });
});

describe('channel comments, archive, scheduled posts, questions', () => {
  it('with comments on, subscribers answer posts but do not post; archived, nobody posts and search forgets it', async () => {
    const t = await s.client(as(teacher.id, 'teacher'));
    const { chat } = await t.request({ createChannel: { title: 'Олимпиады', listed: true, comments: true } });
    const chatId = chat!.chatId!;
    const p = await s.client(as(parentA.id, 'parent'));
    await p.request({ subscribe: { chatId } });
    const post = await t.send(chatId, 'Регистрация на олимпиаду открыта');
    const comment = await p.send(chatId, 'Спасибо!', { replyTo: post.seq });
    expect(comment.replyTo!.seq).toBe(post.seq);
    await refused(
      p,
      { sendMessage: { chatId, text: 'Свой пост', clientMessageId: 'own-1' } },
      cpb.ChatErrorCode.CHAT_ERROR_READ_ONLY,
    );
    await t.request({ updateChatSettings: { chatId, settings: { archived: true } } });
    await refused(
      t,
      { sendMessage: { chatId, text: 'Ещё пост', clientMessageId: 'late-1' } },
      cpb.ChatErrorCode.CHAT_ERROR_READ_ONLY,
    );
    const found = await p.request({ searchChannels: { query: 'олимпиады' } });
    expect(found.channels!.channels).toHaveLength(0);
    t.close();
    p.close();
  });

  it('a scheduled post goes out at its time, once; a time in the past is refused', async () => {
    const t = await s.client(as(teacher.id, 'teacher'));
    const { chat } = await t.request({ createChannel: { title: 'Расписание звонков' } });
    const chatId = chat!.chatId!;
    const { scheduled } = await t.request({
      schedulePost: { chatId, text: 'Уроки начинаются в 8:30', sendAt: Date.now() + 400 },
    });
    const listed = await t.request({ listScheduled: { chatId } });
    expect(listed.scheduledList!.posts!.map((x) => x.id)).toEqual([scheduled!.id]);
    await t.waitFor((e) => e.message?.chatId === chatId && e.message.text === 'Уроки начинаются в 8:30');
    const history = await t.request({ getHistory: { chatId } });
    expect(history.page!.messages!.filter((m) => m.text === 'Уроки начинаются в 8:30')).toHaveLength(1);
    expect((await t.request({ listScheduled: { chatId } })).scheduledList!.posts ?? []).toHaveLength(0);
    await refused(
      t,
      { schedulePost: { chatId, text: 'Вчера', sendAt: Date.now() - 1000 } },
      cpb.ChatErrorCode.CHAT_ERROR_BAD_SCHEDULE,
    );
    const { scheduled: later } = await t.request({
      schedulePost: { chatId, text: 'Отменю', sendAt: Date.now() + 3600_000 },
    });
    await t.request({ cancelScheduled: { chatId, id: later!.id } });
    expect((await t.request({ listScheduled: { chatId } })).scheduledList!.posts ?? []).toHaveLength(0);
    t.close();
  });

  it("a subscriber asks the channel's admins privately and is answered in the channel's name", async () => {
    const t = await s.client(as(teacher.id, 'teacher'));
    const { chat } = await t.request({ createChannel: { title: 'Библиотека', listed: true } });
    const p = await s.client(as(parentA.id, 'parent'));
    await p.request({ subscribe: { chatId: chat!.chatId } });
    const asked = await p.request({
      askChannel: { chatId: chat!.chatId, text: 'Когда вернуть учебники?', clientMessageId: 'q-1' },
    });
    const threadId = asked.chat!.chatId!;
    expect(threadId).not.toBe(chat!.chatId);
    await t.waitFor((e) => e.chatAdded?.chatId === threadId);
    const answer = await t.send(threadId, 'До 25 мая.');
    expect(answer.senderName).toBe('Библиотека');
    const got = await p.waitForMessage((m) => m.chatId === threadId && m.text === 'До 25 мая.');
    expect(got.senderName).toBe('Библиотека');
    // Other subscribers do not see the question.
    const members = await chatStore.allMembers(threadId);
    expect([...members.keys()].sort()).toEqual([parentA.id, teacher.id].sort());
    t.close();
    p.close();
  });
});

describe('invitation links', () => {
  it('a link lets someone of the school join; once revoked it stops working and changes nothing', async () => {
    const t = await s.client(as(teacher.id, 'teacher'));
    const { chat } = await t.request({ createChat: { title: 'Кружок робототехники' } });
    const { invite } = await t.request({ createInvite: { chatId: chat!.chatId } });
    expect(invite!.path).toBe(`/messenger#invite=${invite!.code}`);
    const p = await s.client(as(pupil.id, 'student'));
    const joined = await p.request({ joinByInvite: { code: invite!.code } });
    expect(joined.chat!.chatId).toBe(chat!.chatId);
    expect(await chatStore.member(chat!.chatId!, pupil.id)).toMatchObject({ source: 'self' });

    const qr = await fetch(`${s.httpUrl}/api/chat/invites/${invite!.code}/qr.svg`);
    expect(qr.headers.get('content-type')).toBe('image/svg+xml');
    expect(await qr.text()).toMatch(/^<svg/);
    await t.request({ revokeInvite: { chatId: chat!.chatId, code: invite!.code } });
    expect((await fetch(`${s.httpUrl}/api/chat/invites/${invite!.code}/qr.svg`)).status).toBe(404);
    const late = await s.client(as(d.pupils[1]!.id, 'student'));
    const before = await s.rejected('invite_not_found');
    const members = await chatStore.allMembers(chat!.chatId!);
    await refused(
      late,
      { joinByInvite: { code: invite!.code } },
      cpb.ChatErrorCode.CHAT_ERROR_INVITE_NOT_FOUND,
    );
    expect(await s.rejected('invite_not_found')).toBe(before + 1);
    expect(await chatStore.allMembers(chat!.chatId!)).toEqual(members);
    // Only admins create or revoke links (the chat's default).
    await refused(p, { createInvite: { chatId: chat!.chatId } }, cpb.ChatErrorCode.CHAT_ERROR_FORBIDDEN);
    for (const c of [t, p, late]) c.close();
  });

  it("a link to 5А's parents' chat does not let a parent of 5Б in, nor anyone of another school", async () => {
    const slots = await new DirectoryStore(r).slots('school-1');
    const parents5a = slots.get('parents:5a')!;
    const t = await s.client(as(teacher.id, 'teacher'));
    const { invite } = await t.request({ createInvite: { chatId: parents5a } });
    const other = await s.client(as(parentB.id, 'parent'));
    await refused(
      other,
      { joinByInvite: { code: invite!.code } },
      cpb.ChatErrorCode.CHAT_ERROR_OUTSIDE_AUDIENCE,
    );
    expect(await chatStore.member(parents5a, parentB.id)).toBeNull();
    const stranger = await s.client({
      userId: 'far-away',
      displayName: 'Чужой',
      role: 'parent',
      schoolId: 'school-2',
    });
    await refused(
      stranger,
      { joinByInvite: { code: invite!.code } },
      cpb.ChatErrorCode.CHAT_ERROR_INVITE_NOT_FOUND,
    );
    for (const c of [t, other, stranger]) c.close();
  });

  it('join after approval: the link makes a request; an admin accepts one and declines another', async () => {
    const t = await s.client(as(teacher.id, 'teacher'));
    const { chat } = await t.request({
      createChat: { title: 'Театральная студия', settings: { joinApproval: true } },
    });
    const chatId = chat!.chatId!;
    const { invite } = await t.request({ createInvite: { chatId } });
    const a = await s.client(as(pupil.id, 'student'));
    const b = await s.client(as(d.pupils[1]!.id, 'student'));
    const asked = await a.request({ joinByInvite: { code: invite!.code } });
    expect(asked.joinRequest!.user!.userId).toBe(pupil.id);
    expect(asked.chat).toBeFalsy();
    await b.request({ joinByInvite: { code: invite!.code } });
    expect(await chatStore.member(chatId, pupil.id)).toBeNull();
    await refused(a, { listJoinRequests: { chatId } }, cpb.ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER);
    const list = await t.request({ listJoinRequests: { chatId } });
    expect(list.joinRequests!.requests!.map((r) => r.user!.userId)).toEqual([pupil.id, d.pupils[1]!.id]);
    await t.request({ decideJoinRequest: { chatId, userId: pupil.id, accept: true } });
    await t.request({ decideJoinRequest: { chatId, userId: d.pupils[1]!.id, accept: false } });
    await a.waitFor((e) => e.chatAdded?.chatId === chatId);
    expect(await chatStore.member(chatId, pupil.id)).toMatchObject({ source: 'self' });
    expect(await chatStore.member(chatId, d.pupils[1]!.id)).toBeNull();
    expect((await t.request({ listJoinRequests: { chatId } })).joinRequests!.requests ?? []).toHaveLength(0);
    await refused(
      t,
      { decideJoinRequest: { chatId, userId: d.pupils[1]!.id, accept: true } },
      cpb.ChatErrorCode.CHAT_ERROR_NO_JOIN_REQUEST,
    );
    for (const c of [t, a, b]) c.close();
  });

  it('newcomers see the last 250 messages when the chat says so; a chat based on another copies members', async () => {
    const t = await s.client(as(teacher.id, 'teacher'));
    const { chat } = await t.request({
      createChat: {
        title: 'Длинная история',
        members: [d.pupils[1]!.id],
        settings: { newMembersSeeHistory: false, newcomersSeeRecent: true },
      },
    });
    const chatId = chat!.chatId!;
    const before = (await chatStore.chat(chatId))!.seq;
    // Written straight into the store: a client would be rate-limited.
    const store = messagingStores(s.server.database!, r).messageStore;
    for (let i = 1; i <= 260; i++) {
      await store.append(chatId, teacher.id, `m-${i}`, {
        kind: 'text',
        from: teacher.id,
        name: teacher.name,
        text: `сообщение ${i}`,
      });
    }
    const { invite } = await t.request({ createInvite: { chatId } });
    const p = await s.client(as(pupil.id, 'student'));
    const joined = await p.request({ joinByInvite: { code: invite!.code } });
    const seq = before + 260;
    expect(joined.chat!.visibleFrom).toBe(seq - 250 + 1);
    const first = await p.request({ getHistory: { chatId, fromSeq: 1, limit: 5 } });
    expect(first.page!.messages![0]!.seq).toBeGreaterThanOrEqual(seq - 250 + 1);

    const copy = await t.request({ copyChat: { chatId, title: 'Длинная история, 2-я четверть' } });
    const copied = await chatStore.allMembers(copy.chat!.chatId!);
    expect([...copied.keys()].sort()).toEqual([teacher.id, d.pupils[1]!.id, pupil.id].sort());
    expect(copy.chat!.settings!.newcomersSeeRecent).toBe(true);
    await refused(p, { copyChat: { chatId } }, cpb.ChatErrorCode.CHAT_ERROR_FORBIDDEN);
    t.close();
    p.close();
  });
});
