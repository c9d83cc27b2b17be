import { Redis } from 'ioredis';
import pg from 'pg';
// Awards («Награды», #27) through the real server: a teacher the school has
// not confirmed cannot give one; a confirmed teacher gives one to three
// pupils at once and announces it in the class chat; the pupils' boards
// show it to the pupil, her parent, her class's teachers and the admin, and to
// nobody else (a classmate, another parent, a teacher of another class); the
// giver withdraws it. A class's awards (a chat's pupils) show each pupil's
// board by the same rule: a teacher of the class sees her class's pupils, not
// a pupil of another class in the same chat. The school's administrator
// adds, renames, retires and brings back the school's own kinds (nobody else,
// and not the server's); a retired kind is no longer given and stays on the
// boards, and comes back only under a name no kind in use has taken.
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

  it("a class's awards: each pupil's board by the same rule, the giver withdraws from it", async () => {
    const cls = [
      { userId: 'aw-c1', displayName: 'Дарья Жукова', sortName: 'Жукова Дарья', role: 'student' as const },
      { userId: 'aw-c2', displayName: 'Егор Агеев', sortName: 'Агеев Егор', role: 'student' as const },
      // In the chat, but of 6В: not a board Пётр Сергеевич (5А, 7В) reads.
      { userId: 'aw-c3', displayName: 'Зоя Ершова', sortName: 'Ершова Зоя', role: 'student' as const },
    ];
    for (const p of cls) await s.token(p);
    const redis = new Redis(s.redis!.url);
    const places: [string, object][] = [
      ['aw-c1', { role: 'student', classes: ['5А'] }],
      ['aw-c2', { role: 'student', classes: ['5А'] }],
      ['aw-c3', { role: 'student', classes: ['6В'] }],
      [verifiedTeacher.userId, { role: 'teacher', classes: ['5А', '6В'] }],
    ];
    for (const [id, p] of places) await redis.hset(dirKeys.placements('school-1'), id, JSON.stringify(p));
    redis.disconnect();
    const d = await s.client(admin);
    const x = await s.client(otherTeacher);
    const c1 = await s.client(cls[0]!);
    const ids = cls.map((p) => p.userId);
    const classChat = (
      await t.request({
        createChat: {
          title: '5А и 6В, кружок',
          members: [...ids, newTeacher.userId, otherTeacher.userId, admin.userId],
        },
      })
    ).chat!.chatId!;
    await t.request({ giveAward: { kindId: 'book', pupilIds: ids } });
    await t.request({ giveAward: { kindId: 'idea', pupilIds: ['aw-c1'], comment: 'За опыт с водой' } });
    const view = async (c: TestChatClient) =>
      (await c.request({ getClassAwards: { chatId: classChat } })).awardBoards!.boards!.map((b) => [
        b.pupilName,
        b.awards!.map((x) => `${x.kind?.name}${x.mayWithdraw ? ' ×' : ''}`),
      ]);
    // A teacher of 5А: her class's pupils by name, not the pupil of 6В; she withdraws none.
    expect(await view(n)).toEqual([
      ['Егор Агеев', ['Книгочей']],
      ['Дарья Жукова', ['Светлая голова', 'Книгочей']],
    ]);
    // The giver teaches both: all three, each award hers to withdraw; the admin sees all.
    expect((await view(t)).map(([name]) => name)).toEqual(['Егор Агеев', 'Зоя Ершова', 'Дарья Жукова']);
    expect((await view(d)).flatMap(([, awards]) => awards)).toEqual([
      'Книгочей ×',
      'Книгочей ×',
      'Светлая голова ×',
      'Книгочей ×',
    ]);
    // A teacher of 5Б sees no board; a pupil only her own; someone not in the chat is refused.
    expect(await view(x)).toEqual([]);
    expect(await view(c1)).toEqual([['Дарья Жукова', ['Светлая голова', 'Книгочей']]]);
    expect(await refusal(g.request({ getClassAwards: { chatId: classChat } }))).toBe(
      E.CHAT_ERROR_NOT_A_MEMBER,
    );
    // The giver withdraws from the class's view; the class's teacher sees it gone.
    const mine = (await t.request({ getClassAwards: { chatId: classChat } })).awardBoards!.boards!;
    const idea = mine.flatMap((b) => b.awards!).find((a) => a.kind?.kindId === 'idea')!;
    await t.request({ withdrawAward: { awardId: idea.awardId! } });
    expect(await view(n)).toEqual([
      ['Егор Агеев', ['Книгочей']],
      ['Дарья Жукова', ['Книгочей']],
    ]);
    for (const c of [d, x, c1]) c.close();
  });

  it("the school's administrator adds, renames, retires and brings back its own kinds; a retired one stays on the boards", async () => {
    const d = await s.client(admin);
    const elsewhere = await s.client({
      userId: 'aw-e',
      displayName: 'Зинаида Львовна',
      role: 'admin',
      schoolId: 'school-2',
    });
    const pupil = { userId: 'aw-k1', displayName: 'Кира Лебедева', role: 'student' as const };
    await s.token(pupil);
    const kindsOf = async (c: TestChatClient, withRetired = false) =>
      (await c.request({ listAwardKinds: { withRetired } })).awardKinds!.kinds!.filter((k) => k.school);
    const stored = async () =>
      (
        await db.query(
          "SELECT name, retired_at FROM awards.kind WHERE school = 'school-1' ORDER BY created_at",
        )
      ).rows;
    // Only the administrator adds; bad names and badges are refused; nothing stored.
    expect(await refusal(t.request({ addAwardKind: { name: 'Юный химик', badge: 'idea' } }))).toBe(
      E.CHAT_ERROR_FORBIDDEN,
    );
    expect(await refusal(d.request({ addAwardKind: { name: '  ', badge: 'idea' } }))).toBe(
      E.CHAT_ERROR_INVALID_ARGUMENT,
    );
    expect(await refusal(d.request({ addAwardKind: { name: 'Юный химик', badge: 'trophy' } }))).toBe(
      E.CHAT_ERROR_INVALID_ARGUMENT,
    );
    expect(await refusal(d.request({ addAwardKind: { name: 'ЗВЁЗДА УРОКА', badge: 'star' } }))).toBe(
      E.CHAT_ERROR_AWARD_NAME_TAKEN,
    );
    expect(await stored()).toEqual([]);
    const added = (await d.request({ addAwardKind: { name: 'Юный химик', badge: 'idea' } })).awardKinds!
      .kinds!;
    const chem = added.find((k) => k.name === 'Юный химик')!;
    expect([chem.school, chem.retired]).toEqual([true, false]);
    expect(await refusal(d.request({ addAwardKind: { name: 'юный химик', badge: 'book' } }))).toBe(
      E.CHAT_ERROR_AWARD_NAME_TAKEN,
    );
    // A verified teacher gives it.
    await t.request({ giveAward: { kindId: chem.kindId!, pupilIds: [pupil.userId] } });
    // Renaming: the administrator only, not the server's own kinds, not to a name in use; the board shows the new name.
    expect(await refusal(t.request({ renameAwardKind: { kindId: chem.kindId!, name: 'Химик' } }))).toBe(
      E.CHAT_ERROR_FORBIDDEN,
    );
    expect(await refusal(d.request({ renameAwardKind: { kindId: 'star', name: 'Звезда' } }))).toBe(
      E.CHAT_ERROR_AWARD_KIND_NOT_FOUND,
    );
    expect(await refusal(d.request({ renameAwardKind: { kindId: chem.kindId!, name: 'Книгочей' } }))).toBe(
      E.CHAT_ERROR_AWARD_NAME_TAKEN,
    );
    expect(
      await refusal(elsewhere.request({ renameAwardKind: { kindId: chem.kindId!, name: 'Химик' } })),
    ).toBe(E.CHAT_ERROR_AWARD_KIND_NOT_FOUND);
    await d.request({ renameAwardKind: { kindId: chem.kindId!, name: 'Юный исследователь' } });
    const board = async () =>
      (await d.request({ getAwardBoard: { pupilId: pupil.userId } })).awardBoards!.boards![0]!.awards!.map(
        (a) => a.kind?.name,
      );
    expect(await board()).toEqual(['Юный исследователь']);
    // Retiring: not by another school's administrator; then it is no longer offered or given, and stays on the board.
    expect(await refusal(elsewhere.request({ retireAwardKind: { kindId: chem.kindId! } }))).toBe(
      E.CHAT_ERROR_AWARD_KIND_NOT_FOUND,
    );
    expect(await refusal(t.request({ retireAwardKind: { kindId: chem.kindId! } }))).toBe(
      E.CHAT_ERROR_FORBIDDEN,
    );
    await d.request({ retireAwardKind: { kindId: chem.kindId! } });
    expect(await refusal(d.request({ retireAwardKind: { kindId: chem.kindId! } }))).toBe(
      E.CHAT_ERROR_AWARD_KIND_NOT_FOUND,
    );
    expect(await kindsOf(t)).toEqual([]);
    expect(await kindsOf(t, true)).toEqual([]);
    expect((await kindsOf(d, true)).map((k) => [k.name, k.retired])).toEqual([['Юный исследователь', true]]);
    expect(await refusal(t.request({ giveAward: { kindId: chem.kindId!, pupilIds: [pupil.userId] } }))).toBe(
      E.CHAT_ERROR_AWARD_KIND_NOT_FOUND,
    );
    expect(await board()).toEqual(['Юный исследователь']);
    expect((await stored()).map((r) => [r.name, r.retired_at !== null])).toEqual([
      ['Юный исследователь', true],
    ]);
    // Bringing it back: the same right as retiring; only a retired kind of one's own school.
    expect(await refusal(t.request({ restoreAwardKind: { kindId: chem.kindId! } }))).toBe(
      E.CHAT_ERROR_FORBIDDEN,
    );
    expect(await refusal(elsewhere.request({ restoreAwardKind: { kindId: chem.kindId! } }))).toBe(
      E.CHAT_ERROR_AWARD_KIND_NOT_FOUND,
    );
    expect(await refusal(d.request({ restoreAwardKind: { kindId: 'star' } }))).toBe(
      E.CHAT_ERROR_AWARD_KIND_NOT_FOUND,
    );
    expect(await refusal(d.request({ restoreAwardKind: { kindId: '' } }))).toBe(
      E.CHAT_ERROR_INVALID_ARGUMENT,
    );
    expect(await stored()).toEqual([expect.objectContaining({ name: 'Юный исследователь' })]);
    expect((await stored())[0].retired_at).not.toBeNull();
    const back = (await d.request({ restoreAwardKind: { kindId: chem.kindId! } })).awardKinds!.kinds!;
    expect(back.filter((k) => k.school).map((k) => [k.name, k.retired])).toEqual([
      ['Юный исследователь', false],
    ]);
    expect(await refusal(d.request({ restoreAwardKind: { kindId: chem.kindId! } }))).toBe(
      E.CHAT_ERROR_AWARD_KIND_NOT_FOUND,
    );
    expect((await kindsOf(t)).map((k) => k.name)).toEqual(['Юный исследователь']);
    await t.request({ giveAward: { kindId: chem.kindId!, pupilIds: [pupil.userId] } });
    expect(await board()).toEqual(['Юный исследователь', 'Юный исследователь']);
    await d.request({ retireAwardKind: { kindId: chem.kindId! } });
    // Its name is free again for a new kind; then the retired one cannot come back under it.
    await d.request({ addAwardKind: { name: 'Юный исследователь', badge: 'book' } });
    expect((await kindsOf(t)).map((k) => k.name)).toEqual(['Юный исследователь']);
    expect(await refusal(d.request({ restoreAwardKind: { kindId: chem.kindId! } }))).toBe(
      E.CHAT_ERROR_AWARD_NAME_TAKEN,
    );
    expect((await kindsOf(d, true)).map((k) => k.retired)).toEqual([true, false]);
    for (const c of [d, elsewhere]) c.close();
  });
});
