// Mentions (#25): the mentioned person's chat list counts unread mentions,
// and nobody learns or reaches a member they may not see by name. In a
// channel a subscriber sees only its admins: the members list, the mention
// picker's source, who reacted and a public poll's voters all say so, and a
// subscriber cannot mention another subscriber.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let teacher: TestChatClient;
let mother: TestChatClient;
let father: TestChatClient;

const people = {
  teacher: {
    userId: 'mt-t',
    displayName: 'Мария Ивановна Соколова',
    sortName: 'Соколова Мария',
    role: 'teacher' as const,
  },
  mother: {
    userId: 'mt-m',
    displayName: 'Ольга Андреева',
    sortName: 'Андреева Ольга',
    role: 'parent' as const,
  },
  father: {
    userId: 'mt-f',
    displayName: 'Игорь Борисов',
    sortName: 'Борисов Игорь',
    role: 'parent' as const,
  },
};

beforeAll(async () => {
  s = await startChatServer();
  for (const p of Object.values(people)) await s.token(p);
  teacher = await s.client(people.teacher);
  mother = await s.client(people.mother);
  father = await s.client(people.father);
});
afterAll(async () => {
  for (const c of [teacher, mother, father]) c?.close();
  await s.stop();
});

const chatOf = async (c: TestChatClient, chatId: string) =>
  ((await c.request({ listChats: {} })).chats?.chats ?? []).find((x) => x.chatId === chatId);

describe('mentions', () => {
  it('the mentioned person’s list counts unread mentions until she reads them', async () => {
    const chatId = (
      await teacher.request({ createChat: { title: 'Родители 5Б', members: ['mt-m', 'mt-f'] } })
    ).chat!.chatId!;
    await teacher.send(chatId, 'Добрый вечер');
    const m = await teacher.send(chatId, '@Ольга Андреева, принесите справку', { mentions: ['mt-m'] });
    const deleted = await teacher.send(chatId, '@Ольга Андреева, ошибка', { mentions: ['mt-m'] });
    await teacher.request({ deleteMessage: { chatId, seq: deleted.seq } });
    expect(await chatOf(mother, chatId)).toMatchObject({ unreadMentions: 1 });
    expect((await chatOf(father, chatId))?.unreadMentions ?? 0).toBe(0);
    await mother.request({ markRead: { chatId, seq: m.seq } });
    expect((await chatOf(mother, chatId))?.unreadMentions ?? 0).toBe(0);
  });

  it('in a channel a subscriber sees only its admins by name, and cannot mention other subscribers', async () => {
    const channel = (
      await teacher.request({ createChannel: { title: 'Новости 5Б', comments: true, listed: true } })
    ).chat!;
    const chatId = channel.chatId!;
    await mother.request({ subscribe: { chatId } });
    await father.request({ subscribe: { chatId } });
    const names = async (c: TestChatClient) =>
      ((await c.request({ listMembers: { chatId } })).members?.members ?? []).map((x) => x.user?.userId);
    expect(await names(mother)).toEqual(['mt-t']);
    expect((await names(teacher)).sort()).toEqual(['mt-f', 'mt-m', 'mt-t']);

    const post = await teacher.send(chatId, 'Экскурсия в пятницу');
    await father.request({ react: { chatId, seq: post.seq, emoji: '👍', add: true } });
    await teacher.request({ react: { chatId, seq: post.seq, emoji: '👍', add: true } });
    const reacted = async (c: TestChatClient) =>
      ((await c.request({ getReactions: { chatId, seq: post.seq } })).reactions?.reactions ?? []).map(
        (x) => x.user?.userId,
      );
    expect(await reacted(mother)).toEqual(['mt-t']);
    expect((await reacted(teacher)).sort()).toEqual(['mt-f', 'mt-t']);

    const poll = (
      await teacher.request({
        sendMessage: {
          chatId,
          clientMessageId: 'mt-poll',
          poll: { question: 'Поедете?', options: ['Да', 'Нет'], anonymous: false },
        },
      })
    ).message!;
    await father.request({ vote: { chatId, seq: poll.seq, options: [0] } });
    const voters = async (c: TestChatClient) =>
      (
        (await c.request({ getPollVoters: { chatId, seq: poll.seq, option: 0 } })).pollVoters?.voters ?? []
      ).map((u) => u.userId);
    expect(await voters(mother)).toEqual([]);
    expect(await voters(teacher)).toEqual(['mt-f']);

    // A comment under the post may name the channel's author, not another subscriber.
    await expect(
      mother.request({
        sendMessage: {
          chatId,
          clientMessageId: 'mt-c1',
          text: 'Игорь?',
          replyTo: post.seq,
          mentions: ['mt-f'],
        },
      }),
    ).rejects.toMatchObject({ code: cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT });
    const ok = await mother.request({
      sendMessage: {
        chatId,
        clientMessageId: 'mt-c2',
        text: 'Спасибо!',
        replyTo: post.seq,
        mentions: ['mt-t'],
      },
    });
    expect(ok.message?.mentions).toEqual(['mt-t']);
  });
});
