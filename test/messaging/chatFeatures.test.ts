// Every chat feature through the protocol against a real Redis: replies,
// mentions, edits, deletes, reactions, pins, important marks, forwarding,
// read receipts and unread counts, polls and quizzes, admins and settings,
// and the members list by surname.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let teacher: TestChatClient;
let mother: TestChatClient;
let father: TestChatClient;
let chatId: string;

const people = {
  teacher: { userId: 't1', displayName: 'Мария Ивановна Соколова', sortName: 'Соколова Мария' },
  mother: {
    userId: 'p1',
    displayName: 'Ольга Андреева',
    sortName: 'Андреева Ольга',
    role: 'parent' as const,
  },
  father: { userId: 'p2', displayName: 'Игорь Борисов', sortName: 'Борисов Игорь', role: 'parent' as const },
};

beforeAll(async () => {
  s = await startChatServer();
  for (const p of Object.values(people)) await s.token(p);
  teacher = await s.client(people.teacher);
  mother = await s.client(people.mother);
  father = await s.client(people.father);
  const r = await teacher.request({ createChat: { title: 'Родители 5Б', members: ['p1', 'p2'] } });
  chatId = r.chat!.chatId!;
  await mother.waitFor((e) => e.chatAdded?.chatId === chatId);
  await father.waitFor((e) => e.chatAdded?.chatId === chatId);
});
afterAll(async () => {
  for (const c of [teacher, mother, father]) c?.close();
  await s.stop();
});

const live = (c: TestChatClient, seq: number, match: (m: cpb.IChatMessage) => boolean) =>
  c.waitFor((e) => e.message?.chatId === chatId && e.message.seq === seq && match(e.message));

describe('writing', () => {
  it('replies carry a preview of the replied message; mentions name members', async () => {
    const q = await mother.send(chatId, 'Когда родительское собрание?');
    const a = await teacher.send(chatId, 'В четверг в 18:00', { replyTo: q.seq, mentions: ['p1'] });
    expect(a.replyTo).toMatchObject({
      seq: q.seq,
      senderName: 'Ольга Андреева',
      text: 'Когда родительское собрание?',
    });
    expect(a.mentions).toEqual(['p1']);
    await live(father, a.seq!, (m) => m.replyTo?.seq === q.seq);
  });

  it('the sender edits within 24 hours; everyone sees the edit', async () => {
    const m = await mother.send(chatId, 'Опечтка');
    const r = await mother.request({ editMessage: { chatId, seq: m.seq, text: 'Опечатка' } });
    expect(r.message!.text).toBe('Опечатка');
    expect(r.message!.editedAt).toBeGreaterThan(0);
    await live(teacher, m.seq!, (x) => x.text === 'Опечатка' && (x.editedAt ?? 0) > 0);
  });

  it('the sender deletes for everyone; an admin deletes anyone', async () => {
    const own = await father.send(chatId, 'удалю сам');
    await father.request({ deleteMessage: { chatId, seq: own.seq } });
    await live(mother, own.seq!, (x) => x.deleted === true && x.text === '');
    const other = await father.send(chatId, 'удалит учитель');
    await teacher.request({ deleteMessage: { chatId, seq: other.seq } });
    await live(mother, other.seq!, (x) => x.deleted === true);
    const page = await mother.request({ getHistory: { chatId, fromSeq: other.seq, limit: 1 } });
    expect(page.page!.messages![0]).toMatchObject({ deleted: true, text: '' });
  });

  it('forwards to several chats at once, keeping where it came from', async () => {
    const other = await teacher.request({ createChat: { title: 'Учительская' } });
    const direct = await teacher.request({ openDirectChat: { userId: 'p1' } });
    const m = await teacher.send(chatId, 'Важное объявление');
    const r = await teacher.request({
      forwardMessages: {
        fromChatId: chatId,
        seqs: [m.seq!],
        toChatIds: [other.chat!.chatId!, direct.chat!.chatId!],
        clientMessageId: 'fw-1',
      },
    });
    expect(r.forwarded!.messages).toHaveLength(2);
    for (const f of r.forwarded!.messages!) {
      expect(f.text).toBe('Важное объявление');
      expect(f.forwardedFrom).toMatchObject({ chatId, seq: m.seq, senderName: people.teacher.displayName });
    }
    // Resent after a lost answer: nothing forwarded twice.
    const again = await teacher.request({
      forwardMessages: {
        fromChatId: chatId,
        seqs: [m.seq!],
        toChatIds: [other.chat!.chatId!, direct.chat!.chatId!],
        clientMessageId: 'fw-1',
      },
    });
    expect(again.forwarded!.messages!.map((x) => x.seq)).toEqual(r.forwarded!.messages!.map((x) => x.seq));
    await mother.waitForMessage((m) => m.chatId === direct.chat!.chatId && m.text === 'Важное объявление');
  });
});

describe('marks on messages', () => {
  it('reactions: counts for everyone, who reacted on request, one’s own marked', async () => {
    const m = await teacher.send(chatId, 'Спасибо всем!');
    await mother.request({ react: { chatId, seq: m.seq, emoji: '👍', add: true } });
    const r = await father.request({ react: { chatId, seq: m.seq, emoji: '👍', add: true } });
    expect(r.message!.reactions).toEqual([{ emoji: '👍', count: 2 }]);
    expect(r.message!.myReactions).toEqual(['👍']);
    await live(teacher, m.seq!, (x) => x.reactions?.[0]?.count === 2);
    const who = await teacher.request({ getReactions: { chatId, seq: m.seq } });
    expect(who.reactions!.reactions!.map((x) => x.user!.displayName)).toEqual([
      'Ольга Андреева',
      'Игорь Борисов',
    ]);
    // Taking it back.
    const back = await father.request({ react: { chatId, seq: m.seq, emoji: '👍', add: false } });
    expect(back.message!.reactions).toEqual([{ emoji: '👍', count: 1 }]);
    expect(back.message!.myReactions).toEqual([]);
  });

  it('pins: the chat lists its pinned messages and announces the change', async () => {
    const m = await teacher.send(chatId, 'Расписание на неделю');
    await teacher.request({ pinMessage: { chatId, seq: m.seq, pin: true } });
    await mother.waitFor(
      (e) => e.chatChanged?.chatId === chatId && (e.chatChanged.pinned ?? []).includes(m.seq!),
    );
    const pinned = await mother.request({ listPinned: { chatId } });
    expect(pinned.page!.messages!.map((x) => x.seq)).toContain(m.seq);
  });

  it('important is one’s own mark, listed per chat, and follows to one’s other devices', async () => {
    const m = await teacher.send(chatId, 'Принести сменную обувь');
    const otherDevice = await s.client(people.mother);
    await mother.request({ markImportant: { chatId, seq: m.seq, important: true } });
    await otherDevice.waitFor((e) => e.myFlags?.seq === m.seq && e.myFlags?.important === true);
    const mine = await mother.request({ listImportant: { chatId } });
    expect(mine.page!.messages!.map((x) => x.seq)).toEqual([m.seq]);
    expect(mine.page!.messages![0]!.important).toBe(true);
    const fathers = await father.request({ listImportant: { chatId } });
    expect(fathers.page!.messages).toEqual([]);
    otherDevice.close();
  });

  it('a message link opens the page from that message', async () => {
    const m = await teacher.send(chatId, 'Ссылка сюда');
    const page = await father.request({ getHistory: { chatId, fromSeq: m.seq, limit: 5 } });
    expect(page.page!.messages![0]!.text).toBe('Ссылка сюда');
  });
});

describe('reading', () => {
  it('unread counts, read marks, and who has not read an announcement yet', async () => {
    const announcement = await teacher.send(chatId, 'Завтра экскурсия', { readConfirmation: true });
    expect(announcement.readConfirmation).toBe(true);
    const list = await father.request({ listChats: {} });
    const mine = list.chats!.chats!.find((c) => c.chatId === chatId)!;
    expect(mine.unread).toBeGreaterThan(0);
    expect(mine.lastMessage!.text).toBe('Завтра экскурсия');
    await mother.request({ markRead: { chatId, seq: announcement.seq } });
    const readBy = await teacher.request({ getReadBy: { chatId, seq: announcement.seq } });
    expect(readBy.readBy!.read!.map((u) => u.userId)).toEqual(['p1']);
    expect(readBy.readBy!.unread!.map((u) => u.userId)).toEqual(['p2']);
    const r = await father.request({ markRead: { chatId, seq: announcement.seq } });
    expect(r.read!.unread).toBe(0);
    const after = await teacher.request({ getReadBy: { chatId, seq: announcement.seq } });
    expect(after.readBy!.unreadCount).toBe(0);
    expect(after.readBy!.readCount).toBe(2);
  });

  it('in a direct chat the other person sees the read mark', async () => {
    const d = await father.request({ openDirectChat: { userId: 't1' } });
    const dChat = d.chat!.chatId!;
    await teacher.waitFor((e) => e.chatAdded?.chatId === dChat);
    const m = await father.send(dChat, 'Добрый день!');
    await teacher.request({ markRead: { chatId: dChat, seq: m.seq } });
    await father.waitFor((e) => e.read?.chatId === dChat && e.read.userId === 't1' && e.read.seq === m.seq);
    // Opening it again finds the same chat.
    const again = await teacher.request({ openDirectChat: { userId: 'p2' } });
    expect(again.chat!.chatId).toBe(dChat);
  });
});

describe('polls', () => {
  it('public multiple choice: results per option and who chose what', async () => {
    const p = await teacher.send(chatId, '', {
      poll: { question: 'Когда удобнее?', options: ['Вторник', 'Среда', 'Четверг'], multiple: true },
    });
    expect(p.kind).toBe(cpb.MessageKind.MESSAGE_KIND_POLL);
    await mother.request({ vote: { chatId, seq: p.seq, options: [0, 2] } });
    const v = await father.request({ vote: { chatId, seq: p.seq, options: [2] } });
    expect(v.voted!.message!.poll!.options!.map((o) => o.votes)).toEqual([1, 0, 2]);
    expect(v.voted!.message!.poll!.voters).toBe(2);
    expect(v.voted!.message!.myVotes).toEqual([2]);
    const voters = await teacher.request({ getPollVoters: { chatId, seq: p.seq, option: 2 } });
    expect(voters.pollVoters!.voters!.map((u) => u.userId)).toEqual(['p1', 'p2']);
    await teacher.request({ closePoll: { chatId, seq: p.seq } });
    await live(mother, p.seq!, (m) => m.poll?.closed === true);
  });

  it('a quiz hides the right answer until one has voted, but not from its author', async () => {
    const q = await teacher.send(chatId, '', {
      poll: {
        question: '2 + 2 = ?',
        options: ['3', '4', '5'],
        quiz: true,
        correctOption: 1,
        anonymous: true,
      },
    });
    // Its author knows the answer without voting: in the send's answer and in history.
    expect(q.poll!.correctOption).toBe(1);
    const authors = await teacher.request({ getHistory: { chatId, fromSeq: q.seq, limit: 1 } });
    expect(authors.page!.messages![0]!.poll!.correctOption).toBe(1);
    const seen = await live(father, q.seq!, () => true);
    expect(seen.message!.poll!.correctOption).toBe(-1);
    const v = await father.request({ vote: { chatId, seq: q.seq, options: [0] } });
    expect(v.voted!.message!.poll!.correctOption).toBe(1);
    const hidden = await mother.request({ getHistory: { chatId, fromSeq: q.seq, limit: 1 } });
    expect(hidden.page!.messages![0]!.poll!.correctOption).toBe(-1);
    const anonymous = await teacher.rawRequest({ getPollVoters: { chatId, seq: q.seq, option: 0 } });
    expect(anonymous.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_FORBIDDEN);
  });
});

describe('a quiz withholds its counts until one answers (attack report 8)', () => {
  it('counts and who chose what reach the author and those who answered, not the rest, until it closes', async () => {
    const q = await teacher.send(chatId, '', {
      poll: {
        question: 'Столица Франции?',
        options: ['Лион', 'Париж', 'Марсель'],
        quiz: true,
        correctOption: 1,
      },
    });
    const counts = (m: cpb.IChatMessage) => m.poll!.options!.map((o) => o.votes ?? 0);
    // The first answer: the one who gave it sees the counts at once.
    const v = await father.request({ vote: { chatId, seq: q.seq, options: [1] } });
    expect(counts(v.voted!.message!)).toEqual([0, 1, 0]);
    expect(v.voted!.message!.poll!.resultsHidden).toBeFalsy();
    // Another member, who has not answered, gets the change without counts, live and in history.
    const theirs = await live(mother, q.seq!, (m) => (m.poll?.voters ?? 0) === 1);
    expect(counts(theirs.message!)).toEqual([0, 0, 0]);
    expect(theirs.message!.poll!.resultsHidden).toBe(true);
    const page = await mother.request({ getHistory: { chatId, fromSeq: q.seq, limit: 1 } });
    expect(counts(page.page!.messages![0]!)).toEqual([0, 0, 0]);
    expect(page.page!.messages![0]!.poll!.resultsHidden).toBe(true);
    const who = await mother.rawRequest({ getPollVoters: { chatId, seq: q.seq, option: 1 } });
    expect(who.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_FORBIDDEN);
    // Its author sees them live, without voting.
    const authors = await live(teacher, q.seq!, (m) => m.poll?.resultsHidden === false && counts(m)[1] === 1);
    expect(authors.message!.myVotes ?? []).toEqual([]);
    const authorsPage = await teacher.request({ getHistory: { chatId, fromSeq: q.seq, limit: 1 } });
    expect(counts(authorsPage.page!.messages![0]!)).toEqual([0, 1, 0]);
    // She answers: from then on she sees them, and the one who answered first sees hers live.
    const w = await mother.request({ vote: { chatId, seq: q.seq, options: [0] } });
    expect(counts(w.voted!.message!)).toEqual([1, 1, 0]);
    await live(father, q.seq!, (m) => m.poll?.resultsHidden === false && counts(m)[0] === 1);
    const chose = await mother.request({ getPollVoters: { chatId, seq: q.seq, option: 1 } });
    expect(chose.pollVoters!.voters!.map((u) => u.userId)).toEqual(['p2']);
  });

  it('a closed quiz shows its counts to everyone', async () => {
    const q = await teacher.send(chatId, '', {
      poll: { question: '3 × 3 = ?', options: ['6', '9'], quiz: true, correctOption: 1 },
    });
    await father.request({ vote: { chatId, seq: q.seq, options: [1] } });
    await teacher.request({ closePoll: { chatId, seq: q.seq } });
    const closed = await live(mother, q.seq!, (m) => m.poll?.closed === true);
    expect(closed.message!.poll!.options!.map((o) => o.votes)).toEqual([0, 1]);
    expect(closed.message!.poll!.resultsHidden).toBeFalsy();
    expect(closed.message!.poll!.correctOption).toBe(1);
  });
});

describe('admins, settings and members', () => {
  it('read-only mode: only admins write; an appointed admin writes too', async () => {
    const { chat } = await teacher.request({
      createChat: {
        title: 'Объявления',
        members: ['p1', 'p2'],
        settings: { whoMayWrite: cpb.Permission.PERMISSION_ADMINS },
      },
    });
    const id = chat!.chatId!;
    await mother.waitFor((e) => e.chatAdded?.chatId === id);
    const refused = await mother.rawRequest({
      sendMessage: { chatId: id, text: 'можно?', clientMessageId: 'ro-1' },
    });
    expect(refused.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_READ_ONLY);
    await teacher.request({
      setMemberRole: { chatId: id, userId: 'p1', role: cpb.MemberRole.MEMBER_ROLE_ADMIN },
    });
    await mother.waitFor(
      (e) => e.chatChanged?.chatId === id && e.chatChanged.myRole === cpb.MemberRole.MEMBER_ROLE_ADMIN,
    );
    await mother.send(id, 'теперь можно');
    // An admin who is not the creator may not appoint (the creator decides by default).
    const appoint = await mother.rawRequest({
      setMemberRole: { chatId: id, userId: 'p2', role: cpb.MemberRole.MEMBER_ROLE_ADMIN },
    });
    expect(appoint.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_FORBIDDEN);
  });

  it('new members see earlier history only if the chat allows it', async () => {
    const { chat } = await teacher.request({
      createChat: { title: 'Без истории', settings: { newMembersSeeHistory: false } },
    });
    const id = chat!.chatId!;
    await teacher.send(id, 'секрет до');
    await teacher.request({ addMembers: { chatId: id, userIds: ['p2'] } });
    const added = await father.waitFor((e) => e.chatAdded?.chatId === id);
    const after = await teacher.send(id, 'после');
    await father.waitFor((e) => e.message?.chatId === id && e.message.seq === after.seq);
    const page = await father.request({ getHistory: { chatId: id } });
    const texts = page.page!.messages!.map((m) => m.text);
    expect(texts).not.toContain('секрет до');
    expect(texts).toContain('после');
    expect(page.page!.atStart).toBe(true);
    expect(added.chatAdded!.visibleFrom).toBeGreaterThan(1);
    // An edit of a message before he joined does not reach him.
    const before = await teacher.request({ getHistory: { chatId: id, limit: 10 } });
    const secret = before.page!.messages!.find((m) => m.text === 'секрет до')!;
    await teacher.request({ editMessage: { chatId: id, seq: secret.seq, text: 'секрет изменён' } });
    await teacher.send(id, 'маркер');
    await father.waitFor((e) => e.message?.chatId === id && e.message.text === 'маркер');
    expect(father.messagesOf(id).some((m) => m.text?.startsWith('секрет'))).toBe(false);
  });

  it('the members list is sorted by surname, searchable and paged', async () => {
    const extra = ['Яковлева Анна', 'Абрамов Пётр', 'Медведева Дарья'];
    for (const [i, sort] of extra.entries())
      await s.token({ userId: `x${i}`, displayName: sort, sortName: sort });
    await teacher.request({ addMembers: { chatId, userIds: ['x0', 'x1', 'x2'] } });
    const all = await father.request({ listMembers: { chatId, limit: 50 } });
    expect(all.members!.members!.map((m) => m.user!.sortName)).toEqual([
      'Абрамов Пётр',
      'Андреева Ольга',
      'Борисов Игорь',
      'Медведева Дарья',
      'Соколова Мария',
      'Яковлева Анна',
    ]);
    const page2 = await father.request({ listMembers: { chatId, offset: 2, limit: 2 } });
    expect(page2.members!.members!.map((m) => m.user!.userId)).toEqual(['p2', 'x2']);
    expect(page2.members!.total).toBe(6);
    const found = await father.request({ listMembers: { chatId, query: 'анна' } });
    expect(found.members!.members!.map((m) => m.user!.userId)).toEqual(['x0']);
    const creator = all.members!.members!.find((m) => m.user!.userId === 't1')!;
    expect(creator.role).toBe(cpb.MemberRole.MEMBER_ROLE_CREATOR);
    expect(all.members!.members!.find((m) => m.user!.userId === 'x0')!.source).toBe(
      cpb.MemberSource.MEMBER_SOURCE_INVITED,
    );
  });

  it('someone removed stops receiving the chat', async () => {
    const { chat } = await teacher.request({ createChat: { title: 'Временный', members: ['p2'] } });
    const id = chat!.chatId!;
    await father.waitFor((e) => e.chatAdded?.chatId === id);
    await teacher.request({ removeMember: { chatId: id, userId: 'p2' } });
    await father.waitFor((e) => e.chatRemoved?.chatId === id);
    await teacher.send(id, 'уже без него');
    const r = await father.rawRequest({ getHistory: { chatId: id } });
    expect(r.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER);
    await new Promise((r) => setTimeout(r, 100));
    expect(father.messagesOf(id).some((m) => m.text === 'уже без него')).toBe(false);
  });
});

describe('rights on the wire', () => {
  it('a chat carries what each role may do, the same rules the server checks', async () => {
    const { chats } = await mother.request({ listChats: {} });
    const chat = chats!.chats!.find((c) => c.chatId === chatId)!;
    expect(chat.rights!.member!.pin ?? false).toBe(false);
    expect(chat.rights!.member!.moderate ?? false).toBe(false);
    expect(chat.rights!.creator).toMatchObject({
      pin: true,
      moderate: true,
      changeSettings: true,
      transfer: true,
    });
    // What the member row says is refused is refused.
    const m = await teacher.send(chatId, 'Закрепить нельзя');
    await expect(mother.request({ pinMessage: { chatId, seq: m.seq, pin: true } })).rejects.toThrow();
    await expect(teacher.request({ pinMessage: { chatId, seq: m.seq, pin: true } })).resolves.toBeTruthy();
  });
});
