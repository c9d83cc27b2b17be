import { Redis } from 'ioredis';
import pg from 'pg';
// Awards («Награды», #27) through the real server: a teacher the school has
// not confirmed cannot give one; a confirmed teacher gives one to three
// pupils at once and announces it in the class chat; the pupils' boards
// show it to the pupil, her parent, her class's teachers and the admin, and to
// nobody else (a classmate, another parent, a teacher of another class); the
// giver withdraws it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirKeys } from '../../directory/store.js';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let db: pg.Pool;
const verifiedTeacher = { userId: 'aw-t', displayName: 'Мария Ивановна', role: 'teacher' as const };
const newTeacher = { userId: 'aw-n', displayName: 'Пётр Сергеевич', role: 'teacher' as const };
const pupils = [
  { userId: 'aw-a', displayName: 'Анна Белова', role: 'student' as const },
  { userId: 'aw-b', displayName: 'Борис Волков', role: 'student' as const },
  { userId: 'aw-v', displayName: 'Вера Громова', role: 'student' as const },
];
const outsider = { userId: 'aw-g', displayName: 'Глеб Дымов', role: 'student' as const };
const mother = { userId: 'aw-m', displayName: 'Ольга Белова', role: 'parent' as const };
const otherParent = { userId: 'aw-o', displayName: 'Ирина Орлова', role: 'parent' as const };
// Teaches 5Б only (attack 6, 4g): the board is not hers to read.
const otherTeacher = { userId: 'aw-x', displayName: 'Нина Петровна', role: 'teacher' as const };
const admin = { userId: 'aw-d', displayName: 'Светлана Юрьевна', role: 'admin' as const };
const E = cpb.ChatErrorCode;

async function refusal(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    return (err as { code: number }).code;
  }
  throw new Error('expected a refusal');
}

describe('awards', () => {
  let t: TestChatClient;
  let n: TestChatClient;
  let a: TestChatClient;
  let g: TestChatClient;
  let m: TestChatClient;
  let o: TestChatClient;
  let chatId: string;
  beforeAll(async () => {
    s = await startChatServer();
    db = new pg.Pool({ connectionString: s.server.config.databaseUrl! });
    await db.query(
      `INSERT INTO accounts.verifications (id, school_id, person_id, status, created_at)
       VALUES ('v-aw', 'school-1', $1, 'approved', now())`,
      [verifiedTeacher.userId],
    );
    for (const p of pupils.slice(1)) await s.token(p);
    t = await s.client(verifiedTeacher);
    n = await s.client(newTeacher);
    a = await s.client(pupils[0]!);
    g = await s.client(outsider);
    m = await s.client(mother);
    o = await s.client(otherParent);
    chatId = (await t.request({ createChat: { title: '5А класс', members: pupils.map((p) => p.userId) } }))
      .chat!.chatId!;
    const redis = new Redis(s.redis!.url);
    await redis.hset(
      dirKeys.placements('school-1'),
      mother.userId,
      JSON.stringify({ role: 'parent', classes: ['5А'], children: ['aw-a'] }),
    );
    await redis.hset(
      dirKeys.placements('school-1'),
      otherParent.userId,
      JSON.stringify({ role: 'parent', classes: ['5Б'], children: ['aw-g'] }),
    );
    // The directory: Пётр Сергеевич teaches 5А, Нина Петровна 5Б; Анна is in 5А.
    const places: [string, object][] = [
      [newTeacher.userId, { role: 'teacher', classes: ['5А', '7В'] }],
      [otherTeacher.userId, { role: 'teacher', classes: ['5Б'] }],
      ['aw-a', { role: 'student', classes: ['5А'] }],
    ];
    for (const [id, p] of places) await redis.hset(dirKeys.placements('school-1'), id, JSON.stringify(p));
    redis.disconnect();
  });
  afterAll(async () => {
    for (const c of [t, n, a, g, m, o]) c?.close();
    await db?.end();
    await s?.stop();
  });

  it('only a confirmed teacher gives; the board is for the pupil, her parents and teachers', async () => {
    const ids = pupils.map((p) => p.userId);
    // The catalogue says who may give.
    expect((await n.request({ listAwardKinds: {} })).awardKinds!.mayGive).toBe(false);
    const kinds = await t.request({ listAwardKinds: {} });
    expect(kinds.awardKinds!.mayGive).toBe(true);
    expect(kinds.awardKinds!.kinds!.map((k) => k.name)).toContain('Звезда урока');
    // Not confirmed: refused, nothing stored. A pupil: refused.
    expect(await refusal(n.request({ giveAward: { kindId: 'star', pupilIds: ids } }))).toBe(
      E.CHAT_ERROR_NOT_VERIFIED,
    );
    expect(await refusal(a.request({ giveAward: { kindId: 'star', pupilIds: ids } }))).toBe(
      E.CHAT_ERROR_FORBIDDEN,
    );
    expect((await db.query('SELECT 1 FROM awards.award')).rowCount).toBe(0);
    // Confirmed: three pupils at once, announced in the class chat.
    const given = await t.request({
      giveAward: { kindId: 'star', pupilIds: ids, comment: 'За проект о лете', announceChatId: chatId },
    });
    expect(given.awardBoards!.boards!.map((b) => [b.pupilName, b.awards!.map((x) => x.kind?.name)])).toEqual([
      ['Анна Белова', ['Звезда урока']],
      ['Борис Волков', ['Звезда урока']],
      ['Вера Громова', ['Звезда урока']],
    ]);
    await a.waitForMessage(
      (m) => !!m.text?.startsWith('Награда «Звезда урока»: Анна Белова, Борис Волков, Вера Громова.'),
    );
    // The pupil, her mother (her own board and by id) and a teacher of her class see it.
    expect((await a.request({ getAwardBoard: {} })).awardBoards!.boards![0]!.awards!.length).toBe(1);
    const hers = await m.request({ getAwardBoard: {} });
    expect(hers.awardBoards!.boards!.map((b) => [b.pupilId, b.awards![0]!.comment])).toEqual([
      ['aw-a', 'За проект о лете'],
    ]);
    expect((await m.request({ getAwardBoard: { pupilId: 'aw-a' } })).awardBoards!.boards!.length).toBe(1);
    expect(
      (await n.request({ getAwardBoard: { pupilId: 'aw-a' } })).awardBoards!.boards![0]!.awards!.length,
    ).toBe(1);
    // The school's admin does; a teacher of another class does not.
    const d = await s.client(admin);
    const x = await s.client(otherTeacher);
    expect((await d.request({ getAwardBoard: { pupilId: 'aw-a' } })).awardBoards!.boards!.length).toBe(1);
    expect(await refusal(x.request({ getAwardBoard: { pupilId: 'aw-a' } }))).toBe(
      E.CHAT_ERROR_USER_NOT_FOUND,
    );
    d.close();
    x.close();
    // A classmate of another class and another parent do not.
    expect(await refusal(g.request({ getAwardBoard: { pupilId: 'aw-a' } }))).toBe(
      E.CHAT_ERROR_USER_NOT_FOUND,
    );
    expect(await refusal(o.request({ getAwardBoard: { pupilId: 'aw-a' } }))).toBe(
      E.CHAT_ERROR_USER_NOT_FOUND,
    );
    // Only the giver (or the school's admin) withdraws.
    const awardId = hers.awardBoards!.boards![0]!.awards![0]!.awardId!;
    expect(await refusal(n.request({ withdrawAward: { awardId } }))).toBe(E.CHAT_ERROR_MESSAGE_NOT_FOUND);
    await t.request({ withdrawAward: { awardId } });
    expect((await m.request({ getAwardBoard: {} })).awardBoards!.boards![0]!.awards!.length).toBe(0);
  });

  // Report 7 item 4: 30 awards in a row to one pupil were all accepted (each may be announced).
  it('one teacher gives one pupil at most AWARDS_PER_PUPIL_PER_HOUR (5) awards in an hour: the next is refused, counted, not stored', async () => {
    const LIMIT = 'awards_per_pupil';
    const refused = async () =>
      (await s.server.metrics.registry.getSingleMetric('school_call_limit_refused_total')!.get()).values
        .filter((x) => x.labels.limit === LIMIT)
        .reduce((k, x) => k + x.value, 0);
    await s.token({ userId: 'aw-r', displayName: 'Роман Зуев', role: 'student' });
    await s.token({ userId: 'aw-s', displayName: 'Семён Зуев', role: 'student' });
    const give = (ids: string[]) => t.request({ giveAward: { kindId: 'star', pupilIds: ids } });
    for (let i = 0; i < 5; i++) await give(['aw-r']);
    const before = await refused();
    // Refused whole when one pupil named has had enough: nothing stored for the other either.
    expect(await refusal(give(['aw-s', 'aw-r']))).toBe(E.CHAT_ERROR_RATE_LIMITED);
    expect(await refused()).toBeGreaterThan(before);
    const rows = await db.query("SELECT pupil_id FROM awards.award WHERE pupil_id IN ('aw-r', 'aw-s')");
    expect(rows.rows.map((r) => r.pupil_id)).toEqual(['aw-r', 'aw-r', 'aw-r', 'aw-r', 'aw-r']);
  });
});
