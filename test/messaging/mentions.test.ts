// Mentions (#25): the mentioned person's chat list counts unread mentions,
// and nobody mentions a member they may not see by name (the same rule as the
// members list the picker reads, seesPeopleOf: in a channel a subscriber sees
// only themselves).
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

  it('in a channel a subscriber mentions nobody else (seesPeopleOf: only themselves), not even to learn a name', async () => {
    const chatId = (
      await teacher.request({ createChannel: { title: 'Новости 5Б', comments: true, listed: true } })
    ).chat!.chatId!;
    await mother.request({ subscribe: { chatId } });
    await father.request({ subscribe: { chatId } });
    const post = await teacher.send(chatId, 'Экскурсия в пятницу');
    for (const id of ['mt-f', 'mt-t']) {
      await expect(
        mother.request({
          sendMessage: {
            chatId,
            clientMessageId: `mt-c-${id}`,
            text: '?',
            replyTo: post.seq,
            mentions: [id],
          },
        }),
      ).rejects.toMatchObject({ code: cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT });
    }
    // The channel's admin, who sees everyone, mentions a subscriber.
    const m = await teacher.send(chatId, '@Игорь Борисов, спасибо!', { mentions: ['mt-f'] });
    expect(m.mentions).toEqual(['mt-f']);
  });
});
