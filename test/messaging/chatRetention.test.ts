// A chat's own auto-deletion (set_chat_retention), moved forward by the
// server's clock (test/helpers/clock.ts): a teacher sets a week in one chat
// and the background job removes that chat's messages older than a week,
// not its newer ones nor another chat's; a pupil (a member without rights)
// is refused with FORBIDDEN, a period not offered with INVALID_ARGUMENT, one
// longer than the school keeps with LONGER_THAN_SCHOOL; the school's admin
// in a chat may set it; and where the school keeps less than a chat's own
// period (a year against 30 days), the school's stricter period applies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../messaging/retention.js';
import { RetentionStore } from '../../messaging/store/retentionStore.js';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { TestClock } from '../helpers/clock.js';
import { until } from '../helpers/installed.js';
import { redisAvailable } from '../helpers/redis.js';

const clock = new TestClock();
let s: ChatTestServer;
let teacher: TestChatClient;
let pupil: TestChatClient;
let head: TestChatClient;
const T = { userId: 'cr-t', displayName: 'Анна Петровна', sortName: 'Петровна Анна' };
const P = { userId: 'cr-p', displayName: 'Коля', sortName: 'Коля', role: 'student' as const };
const A = { userId: 'cr-a', displayName: 'Завуч Ирина', sortName: 'Ирина', role: 'admin' as const };
const C = cpb.ChatErrorCode;

const q = async (sql: string, params: unknown[] = []) => (await s.server.database!.query(sql, params)).rows;
const texts = async (chatId: string) =>
  (
    await q(
      `SELECT body->>'text' AS text FROM messaging.message WHERE chat_id = $1 AND body->>'kind' <> 'system' ORDER BY seq`,
      [chatId],
    )
  ).map((r) => r.text as string);
const dbNow = async () =>
  Number((await q('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS t'))[0]!.t);

beforeAll(async () => {
  s = await startChatServer({}, { extras: { clock: clock.now, retentionEveryMs: 300 } });
  teacher = await s.client(T);
  pupil = await s.client(P);
  head = await s.client(A);
}, 60_000);

afterAll(async () => {
  for (const c of [teacher, pupil, head]) c?.close();
  await s?.stop();
});

describe.skipIf(!redisAvailable())("a chat's own auto-deletion", () => {
  it("removes the chat's old messages only, refuses those without rights, and yields to a stricter school", async () => {
    const group = async (title: string, members: string[]) =>
      (await teacher.request({ createChat: { title, members } })).chat!.chatId!;
    const week = await group('5А: неделя', [P.userId]);
    const other = await group('5А: всё хранится', [P.userId, A.userId]);
    const year = await group('5А: год', [P.userId]);
    for (const chatId of [week, other, year]) await teacher.send(chatId, `Старое в «${chatId}»`);
    const oldAt = Number((await q('SELECT max(at) AS at FROM messaging.message'))[0]!.at);
    // The database's clock stamps messages: the new ones come 4 s later by it.
    await until(async () => (await dbNow()) > oldAt + 4000, 'four seconds on the database clock');
    for (const chatId of [week, other, year]) await teacher.send(chatId, `Новое в «${chatId}»`);

    // A pupil may not; a period not offered is refused before rights matter less.
    await expect(pupil.request({ setChatRetention: { chatId: week, days: 7 } })).rejects.toMatchObject({
      code: C.CHAT_ERROR_FORBIDDEN,
    });
    await expect(teacher.request({ setChatRetention: { chatId: week, days: 3 } })).rejects.toMatchObject({
      code: C.CHAT_ERROR_INVALID_ARGUMENT,
    });
    const set = await teacher.request({ setChatRetention: { chatId: week, days: 7 } });
    expect(set.chat!.retentionDays).toBe(7);
    await teacher.request({ setChatRetention: { chatId: year, days: 365 } });
    // The school's admin, a plain member of the chat, may set it too (and turn it off).
    await head.request({ setChatRetention: { chatId: other, days: 1 } });
    await head.request({ setChatRetention: { chatId: other, days: 0 } });

    // Every member reads it: the chat says so, and a note in it names who set it.
    const seen = (await pupil.request({ getChatRetention: { chatId: week } })).retention!;
    expect([seen.days, seen.effectiveDays, seen.mayChange, seen.choices]).toEqual([
      7,
      7,
      false,
      [1, 7, 30, 365],
    ]);
    const notes = (await pupil.request({ getHistory: { chatId: week } })).page!.messages!.filter(
      (m) =>
        m.kind === cpb.MessageKind.MESSAGE_KIND_SYSTEM &&
        m.system?.type === cpb.SystemNoteType.SYSTEM_NOTE_TYPE_RETENTION,
    );
    expect(notes.map((m) => [m.system!.actorName, m.system!.days])).toEqual([[T.displayName, 7]]);
    expect(
      (await pupil.request({ listChats: {} })).chats!.chats!.find((c) => c.chatId === other)!.retentionDays ??
        0,
    ).toBe(0);

    // A week later by the server's clock, between the old and the new messages.
    clock.advance(7 * DAY_MS + oldAt + 1500 - clock.now());
    await until(async () => (await texts(week)).length === 1, "the week chat's old message removed", 20_000);
    expect(await texts(week)).toEqual([`Новое в «${week}»`]);
    expect(await texts(other)).toEqual([`Старое в «${other}»`, `Новое в «${other}»`]);
    expect(await texts(year)).toEqual([`Старое в «${year}»`, `Новое в «${year}»`]);

    // The school keeps 30 days: the year chat loses what is older than that (the stricter wins),
    // and no chat may now choose longer than the school.
    await new RetentionStore(s.server.database!).setPolicy(
      'school-1',
      { days: 30, chatsMayShorten: true },
      A.userId,
      0,
    );
    await expect(teacher.request({ setChatRetention: { chatId: other, days: 365 } })).rejects.toMatchObject({
      code: C.CHAT_ERROR_LONGER_THAN_SCHOOL,
    });
    const now = (await teacher.request({ getChatRetention: { chatId: year } })).retention!;
    expect([now.days, now.schoolDays, now.effectiveDays, now.choices]).toEqual([365, 30, 30, [1, 7, 30]]);
    clock.advance(30 * DAY_MS + oldAt + 1500 - clock.now());
    await until(async () => (await texts(year)).length === 1, "the year chat's old message removed", 20_000);
    expect(await texts(year)).toEqual([`Новое в «${year}»`]);
    // The week chat's own week still applies: 30 days on, its new message is gone too.
    await until(
      async () => (await texts(week)).length === 0,
      "the week chat's newer message removed",
      20_000,
    );
  }, 90_000);

  it('a school that refuses chats a shorter period: their own is refused and no longer applies', async () => {
    const store = new RetentionStore(s.server.database!);
    await store.setPolicy('school-1', { days: null, chatsMayShorten: false }, A.userId, 0);
    const chatId = (await teacher.request({ createChat: { title: '6Б', members: [P.userId] } })).chat!
      .chatId!;
    await expect(teacher.request({ setChatRetention: { chatId, days: 7 } })).rejects.toMatchObject({
      code: C.CHAT_ERROR_FORBIDDEN,
    });
    expect((await teacher.request({ getChatRetention: { chatId } })).retention!.choices ?? []).toEqual([]);
    expect((await store.chatsUnderPolicy()).map((c) => c.chatId)).toEqual([]);
  });
});
