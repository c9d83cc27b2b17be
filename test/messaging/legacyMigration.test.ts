// `npm run messenger -- migrate` on release 0.1.0's data: the data set that
// release's own server made (test/fixtures/data-0.1.0) plus a chat written
// here in that release's key layout with what the fixture lacks (edits, a
// deletion, reactions, a poll's votes, important marks, pins, a forwarded
// file, two posts scheduled to be sent later). Each chat goes into
// PostgreSQL, is compared by counts and checksum with Redis, and only then
// leaves Redis, its waiting posts with it (still sent after the upgrade); a run that dies after a chat's
// commit is finished by the next; a second run changes nothing; a chat whose
// copy differs stays in Redis and is reported.
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaParts } from '../../app/schemaParts.js';
import { createLogger } from '../../common/log.js';
import { type Postgres, openPostgres } from '../../common/postgres/connect.js';
import { migrate } from '../../common/postgres/migrations.js';
import { checksumOf } from '../../messaging/legacy/chatContent.js';
import { migrateLegacyChats, reportTable } from '../../messaging/legacy/migrateLegacyChats.js';
import { readPostgresChat } from '../../messaging/legacy/postgresChat.js';
import { type TestDatabase, startPostgres } from '../helpers/postgres.js';
import { type TestRedis, redisAvailable, startRedis } from '../helpers/redis.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/data-0.1.0');
const log = createLogger('warn');
const RICH = 'richChat0000001';
const K = `school-call:chat:{${RICH}}`;

let redisServer: TestRedis;
let redis: Redis;
let database: TestDatabase;
let db: Postgres;

const OVERDUE = Date.now() - 3_600_000;
const NEXT_WEEK = Date.now() + 7 * 86_400_000;
const post = (id: string, at: number, text: string) => ({
  id,
  chat: RICH,
  from: 'anna',
  name: 'Анна',
  text,
  at,
});

/** A chat as 0.1.0's scripts left it: an edited message, a deleted one, a poll, reactions, marks, a pin, a file. */
async function writeRichChat(): Promise<void> {
  const m = (seq: number, rest: Record<string, unknown>) =>
    JSON.stringify({ seq, rev: seq, at: 1_700_000_000_000 + seq, name: 'Анна', ...rest });
  const file = { id: 'richFile01', name: 'план.pdf', type: 'application/pdf', size: 10 };
  await redis
    .multi()
    .hset(K, {
      id: RICH,
      kind: 'group',
      title: '7Б',
      about: '',
      createdAt: 1_700_000_000_000,
      createdBy: 'anna',
      settings: JSON.stringify({ write: 'everyone', history: true }),
      seq: 5,
      rev: 9,
      members: 2,
      lastAt: 1_700_000_000_005,
      roomId: '',
      pair: '',
      behalf: 'school',
    })
    .hset(`${K}:mem`, {
      anna: JSON.stringify({ role: 'creator', source: 'creator', joinedAt: 1, visibleFrom: 1 }),
      boris: JSON.stringify({ role: 'member', source: 'invited', joinedAt: 2, visibleFrom: 3 }),
    })
    .hset(`${K}:rd`, { anna: 5, boris: 2 })
    .hset(`${K}:m`, {
      1: m(1, {
        kind: 'text',
        from: 'anna',
        text: 'Привет',
        cmid: 'c1',
        edited: 1_700_000_000_100,
        rx: { '👍': 2 },
      }),
      2: m(2, { kind: 'text', from: 'boris', text: '', cmid: 'c2', deleted: true }),
      3: m(3, {
        kind: 'poll',
        from: 'anna',
        text: '',
        cmid: 'c3',
        poll: {
          q: 'Когда?',
          opts: [
            { t: 'Пн', n: 1 },
            { t: 'Вт', n: 1 },
          ],
          anon: false,
          multi: true,
          closesAt: 0,
          closed: false,
          quiz: false,
          correct: -1,
          voters: 1,
        },
      }),
      4: m(4, { kind: 'text', from: 'anna', text: 'План', cmid: 'c4', files: [file], pinned: true }),
      5: m(5, { kind: 'system', from: '', text: '', sys: { type: 'renamed', actor: 'Анна', title: '7Б' } }),
    })
    .set(`${K}:cm::sys-abc`, 5)
    .hset(`${K}:rx:1`, { anna: JSON.stringify(['👍']), boris: JSON.stringify(['👍']) })
    .hset(`${K}:myrx:anna`, { 1: JSON.stringify(['👍']) })
    .hset(`${K}:pv:3`, { boris: JSON.stringify([0, 1]) })
    .zadd(`${K}:imp:boris`, 4, 4)
    .zadd(`${K}:pins`, 1_700_000_000_050, 4)
    .zadd(`${K}:ch`, 1, 1, 6, 2, 7, 3, 8, 4, 9, 5)
    .sadd(`${K}:inv`, 'inviteCode1')
    .set('school-call:invite:inviteCode1', JSON.stringify({ chat: RICH, school: 'school-1', by: 'anna' }))
    .sadd('school-call:school:school-1:channels', RICH)
    .hset('school-call:file:richFile01', { ...file, owner: 'anna', chat: RICH, state: 'ready', createdAt: 5 })
    .sadd('school-call:file:richFile01:refs', `${RICH}\n4`)
    .sadd('school-call:file:richFile01:chats', RICH)
    .sadd('school-call:user:anna:chats', RICH)
    .sadd('school-call:user:boris:chats', RICH)
    // Two posts Анна scheduled in 0.1.0's store (its scheduledPosts.ts layout): one due while the
    // server was down for the upgrade, one next week.
    .set(
      'school-call:scheduled:post:postOverdue1',
      JSON.stringify(post('postOverdue1', OVERDUE, 'Не забудьте форму')),
    )
    .set(
      'school-call:scheduled:post:postNextWeek',
      JSON.stringify(post('postNextWeek', NEXT_WEEK, 'Экскурсия в пятницу')),
    )
    .sadd(`school-call:scheduled:chat:{${RICH}}`, 'postOverdue1', 'postNextWeek')
    .zadd('school-call:scheduled', OVERDUE, 'postOverdue1', NEXT_WEEK, 'postNextWeek')
    .hset('school-call:user:anna', {
      id: 'anna',
      name: 'Анна',
      sort: 'Анна',
      role: 'teacher',
      school: 'school-1',
    })
    .exec();
}

const legacyKeys = async () =>
  (await redis.keys('school-call:*')).filter(
    (k) =>
      /^school-call:(chat|file|user|invite|files|school|scheduled)(:|$)/.test(k) &&
      !k.startsWith('school-call:chat-events'),
  );

beforeAll(async () => {
  redisServer = await startRedis({ from: join(FIXTURE, 'appendonlydir') });
  redis = new Redis(redisServer.url);
  database = await startPostgres();
  db = openPostgres(database.url, 'test', log, { max: 4 });
  await migrate(db, schemaParts, log);
  await writeRichChat();
}, 60_000);

afterAll(async () => {
  redis?.disconnect();
  await db?.end();
  await database?.stop();
  await redisServer?.stop();
});

describe.skipIf(!redisAvailable())('moving 0.1.0 chats from Redis into PostgreSQL', () => {
  it('moves each chat only once its copy checks out; a run that died after a commit, or found a copy that differs, is finished by the next', async () => {
    const richKeys = (await legacyKeys()).filter((k) => k.includes(RICH)).sort();
    let died = '';
    const report = await migrateLegacyChats(redis, db, log, {
      committed: async (chat) => {
        // Someone changes the rich chat's copy between its commit and the check.
        if (chat === RICH)
          await db.query(
            `UPDATE messaging.message SET body = body || '{"text":"Пока"}' WHERE chat_id = $1 AND seq = 1`,
            [RICH],
          );
        // The first other chat: the run dies between its commit and the removal of its keys.
        else if (!died) {
          died = chat;
          throw new Error('died');
        }
      },
    });
    expect(report.chats).toHaveLength(19);
    const outcome = (id: string) => report.chats.find((c) => c.chat === id)!.outcome;
    expect(outcome(RICH)).toBe('differs');
    expect(outcome(died)).toBe('failed');
    expect(report.chats.filter((c) => c.outcome === 'moved')).toHaveLength(17);
    expect(report.left).toBe(2);
    const rich = report.chats.find((c) => c.chat === RICH)!;
    expect(rich.redis).toMatchObject({
      messages: 5,
      members: 2,
      reactions: 2,
      votes: 1,
      marks: 1,
      pins: 1,
      files: 1,
    });
    expect(rich.postgres!.checksum).not.toBe(rich.redis.checksum);
    expect(reportTable(report)).toMatch(/richChat0000001\s+differs\s+5\s+2\s+2\s+1\s+1\s+1\s+1\s/);
    // The differing chat keeps every key; the chat that died too (it is in PostgreSQL already).
    expect((await legacyKeys()).filter((k) => k.includes(RICH)).sort()).toEqual(richKeys);
    expect(await redis.exists(`school-call:chat:{${died}}`)).toBe(1);

    const second = await migrateLegacyChats(redis, db, log);
    expect(second.chats.map((c) => [c.chat, c.outcome]).sort()).toEqual(
      [
        [died, 'verified'],
        [RICH, 'differs'],
      ].sort(),
    );
    // Undone, the copy checks out: the next run verifies it and removes the keys.
    await db.query(
      `UPDATE messaging.message SET body = body || '{"text":"Привет"}' WHERE chat_id = $1 AND seq = 1`,
      [RICH],
    );
    // Its scheduled posts waited in Redis with it, and move only now, with the verified chat.
    expect(await db.query('SELECT id FROM messaging.scheduled_post')).toMatchObject({ rowCount: 0 });
    const third = await migrateLegacyChats(redis, db, log);
    expect(third.chats.map((c) => [c.chat, c.outcome, c.scheduled])).toEqual([[RICH, 'verified', 2]]);
    expect(third.left).toBe(0);
    expect(await legacyKeys()).toEqual([]);
    // Pending in PostgreSQL, where the timer of messaging/scheduledPosts.ts sends them (the overdue one at once).
    const posts = await db.query(
      'SELECT id, chat_id, sender, name, text, send_at FROM messaging.scheduled_post ORDER BY send_at',
    );
    expect(posts.rows.map((r) => [r.id, r.chat_id, r.sender, r.name, r.text, Number(r.send_at)])).toEqual([
      ['postOverdue1', RICH, 'anna', 'Анна', 'Не забудьте форму', OVERDUE],
      ['postNextWeek', RICH, 'anna', 'Анна', 'Экскурсия в пятницу', NEXT_WEEK],
    ]);
  });

  it('carried everything of the rich chat over, and the fixture chat with its file', async () => {
    const pg = (await readPostgresChat(db, RICH))!;
    expect(pg.messages.map((m) => [m.seq, m.sender, m.cmid, m.deleted])).toEqual([
      [1, 'anna', 'c1', false],
      [2, 'boris', 'c2', true],
      [3, 'anna', 'c3', false],
      [4, 'anna', 'c4', false],
      [5, '', 'sys-abc', false],
    ]);
    expect(pg.reactions).toHaveLength(2);
    expect(pg.votes).toEqual([{ seq: 3, user: 'boris', options: [0, 1] }]);
    expect(pg.important).toEqual([{ user: 'boris', seq: 4 }]);
    expect(pg.pins).toEqual([{ seq: 4, pinnedAt: 1_700_000_000_050 }]);
    expect(pg.holds).toEqual([{ seq: 4, file: 'richFile01' }]);
    expect(pg.invites).toEqual([{ code: 'inviteCode1', school: 'school-1', by: 'anna' }]);
    expect(pg.listedIn).toEqual(['school-1']);
    expect(pg.chat.extra).toEqual({ behalf: 'school' });
    expect(pg.members.find((m) => m.user === 'boris')).toMatchObject({ readSeq: 2, visibleFrom: 3 });
    // Search finds the moved text (its index is PostgreSQL's own).
    const found = await db.query(
      `SELECT seq FROM messaging.message WHERE chat_id = $1 AND NOT deleted
         AND to_tsvector('russian', messaging.searchable_text(body)) @@ plainto_tsquery('russian', 'план')`,
      [RICH],
    );
    expect(found.rows.map((r) => Number(r.seq))).toEqual([4]);
    const person = await db.query('SELECT name FROM messaging.person WHERE id = $1', ['anna']);
    expect(person.rows[0]?.name).toBe('Анна');

    const expected = (await import('../fixtures/data-0.1.0/expected.json', { with: { type: 'json' } }))
      .default;
    const algebra = (await readPostgresChat(db, expected.chatId))!;
    expect(algebra.chat.title).toBe('Алгебра');
    for (const m of expected.messages)
      expect((algebra.messages.find((x) => x.seq === m.seq)?.body as { text: string }).text).toBe(m.text);
    expect(algebra.holds).toEqual([{ seq: 2, file: expected.file.id }]);
    expect(algebra.files[0]).toMatchObject({ id: expected.file.id, state: 'ready', size: 150_000 });
  });

  it('a run with nothing left changes nothing', async () => {
    const snapshot = async () => {
      const ids = (await db.query('SELECT id FROM messaging.chat ORDER BY id')).rows.map((r) => String(r.id));
      return Promise.all(ids.map(async (id) => checksumOf((await readPostgresChat(db, id))!)));
    };
    const before = await snapshot();
    const report = await migrateLegacyChats(redis, db, log);
    expect(report.chats).toEqual([]);
    expect(report.files + report.people).toBe(0);
    expect(await snapshot()).toEqual(before);
  });
});
