// Scheduled posts in a group (#21, #25): a member's posts are listed to them
// and to the chat's admins, who see every member's (with the sender's name)
// and cancel them; another member sees none of them. Before, the admin's
// list held only the admin's own posts, so a member could fill the chat's
// 100 scheduled posts unseen. A post's author changes its time and words,
// an admin only its time (it goes out in the author's name), nobody else
// either, and a post that is gone cannot be changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let teacher: TestChatClient;
let mother: TestChatClient;
let father: TestChatClient;
const people = {
  teacher: { userId: 'sp-t', displayName: 'Мария Соколова', role: 'teacher' as const },
  mother: { userId: 'sp-m', displayName: 'Ольга Андреева', role: 'parent' as const },
  father: { userId: 'sp-f', displayName: 'Игорь Борисов', role: 'parent' as const },
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

describe('scheduled posts in a group', () => {
  it("the chat's admin sees and cancels a member's scheduled posts; other members do not see them", async () => {
    const chatId = (await teacher.request({ createChat: { title: '5А', members: ['sp-m', 'sp-f'] } })).chat!
      .chatId!;
    const at = Date.now() + 3600_000;
    const a = (await mother.request({ schedulePost: { chatId, text: 'Напоминание 1', sendAt: at } }))
      .scheduled!;
    await mother.request({ schedulePost: { chatId, text: 'Напоминание 2', sendAt: at + 60_000 } });
    const list = async (c: TestChatClient) =>
      (await c.request({ listScheduled: { chatId } })).scheduledList!.posts ?? [];

    const seen = await list(teacher);
    expect(seen.map((p) => [p.text, p.senderName])).toEqual([
      ['Напоминание 1', 'Ольга Андреева'],
      ['Напоминание 2', 'Ольга Андреева'],
    ]);
    expect(await list(father)).toEqual([]);
    expect((await list(mother)).map((p) => p.text)).toEqual(['Напоминание 1', 'Напоминание 2']);

    await teacher.request({ cancelScheduled: { chatId, id: a.id } });
    expect((await list(mother)).map((p) => p.text)).toEqual(['Напоминание 2']);
  });

  it('the author changes time and words; an admin only the time; another member nothing', async () => {
    const chatId = (await teacher.request({ createChat: { title: '6Б', members: ['sp-m', 'sp-f'] } })).chat!
      .chatId!;
    const at = Date.now() + 3600_000;
    const post = (await mother.request({ schedulePost: { chatId, text: 'Собрание в 18:00', sendAt: at } }))
      .scheduled!;
    const changed = (
      await mother.request({
        updateScheduled: { chatId, id: post.id, text: 'Собрание в 19:00', sendAt: at + 600_000 },
      })
    ).scheduled!;
    expect([changed.text, changed.sendAt, changed.senderName]).toEqual([
      'Собрание в 19:00',
      at + 600_000,
      'Ольга Андреева',
    ]);
    const refused = async (c: TestChatClient, body: Record<string, unknown>) => {
      const err = await c.request({ updateScheduled: { chatId, id: post.id, ...body } }).catch((e) => e);
      expect(err).toBeInstanceOf(Error);
      return String((err as Error).message);
    };
    // The admin moves it, but may not put words in the mother's mouth.
    const moved = (await teacher.request({ updateScheduled: { chatId, id: post.id, sendAt: at + 1200_000 } }))
      .scheduled!;
    expect([moved.text, moved.sendAt]).toEqual(['Собрание в 19:00', at + 1200_000]);
    await refused(teacher, { text: 'Собрание отменяется' });
    await refused(father, { sendAt: at });
    await refused(mother, { sendAt: Date.now() - 1000 });
    const list = (await teacher.request({ listScheduled: { chatId } })).scheduledList!.posts ?? [];
    expect(list.map((p) => [p.text, p.sendAt])).toEqual([['Собрание в 19:00', at + 1200_000]]);

    await mother.request({ cancelScheduled: { chatId, id: post.id } });
    await refused(mother, { text: 'Поздно' });
  });
});
