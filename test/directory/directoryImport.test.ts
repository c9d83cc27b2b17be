// Directory imports against a real Redis and PostgreSQL: the first import builds the chats,
// the same file again changes nothing (not one write), a changed file adds,
// moves and removes people, a dry run reports without writing, and people
// who joined a chat by themselves are never taken out by the directory.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { type Postgres, openPostgres } from '../../common/postgres/connect.js';
import { migrate } from '../../common/postgres/migrations.js';
import { openImporter } from '../../directory/cli.js';
import type { DirectoryImporter } from '../../directory/importer.js';
import type { Directory } from '../../directory/model.js';
import { type DirectoryFileError, parseCsv, parseJson, parseSchoolFile } from '../../directory/parse.js';
import { sampleSchool } from '../../directory/sampleSchool.js';
import type { DirectoryStore } from '../../directory/store.js';
import { messagingSchema } from '../../messaging/schema.js';
import type { ChatStore } from '../../messaging/store/chatStore.js';
import { messagingStores } from '../helpers/chatServer.js';
import { type TestDatabase, startPostgres } from '../helpers/postgres.js';
import { type TestRedis, startRedis } from '../helpers/redis.js';

let redis: TestRedis;
let r: Redis;
let importer: DirectoryImporter;
let store: DirectoryStore;
let chatStore: ChatStore;
let pg: TestDatabase;
let db: Postgres;

const school = () =>
  sampleSchool({
    schoolId: 'sch',
    schoolName: 'Школа № 7',
    grades: 2,
    lettersPerGrade: 2,
    pupilsPerClass: 3,
    parentsPerPupil: 1,
  });

/** Commands Redis ran that change data (from INFO commandstats). */
async function writeCount(): Promise<number> {
  const info = await r.info('commandstats');
  const reads = new Set([
    'get',
    'hget',
    'hgetall',
    'hmget',
    'smembers',
    'sismember',
    'info',
    'zrange',
    'exists',
  ]);
  let n = 0;
  for (const m of info.matchAll(/cmdstat_(\w+):calls=(\d+)/g)) if (!reads.has(m[1]!)) n += Number(m[2]);
  return n;
}

/**
 * The messenger's tables as they stand: every row with its xmin, so an
 * UPDATE that writes the same values still changes it.
 */
async function pgFingerprint(): Promise<string> {
  const r = await db.query(
    `SELECT md5(string_agg(x, ',' ORDER BY x)) AS f FROM (
       SELECT 'c' || c.xmin::text || c::text AS x FROM messaging.chat c
       UNION ALL SELECT 'm' || m.xmin::text || m::text FROM messaging.member m
       UNION ALL SELECT 'p' || p.xmin::text || p::text FROM messaging.person p
       UNION ALL SELECT 'g' || g.xmin::text || g.chat_id || g.seq FROM messaging.message g) t`,
  );
  return r.rows[0].f as string;
}

async function chatOf(slot: string): Promise<string> {
  const id = (await store.slots('sch')).get(slot);
  if (!id) throw new Error(`no chat for ${slot}`);
  return id;
}

async function membersOf(slot: string) {
  return chatStore.allMembers(await chatOf(slot));
}

beforeAll(async () => {
  redis = await startRedis();
  r = new Redis(redis.url, { enableAutoPipelining: true });
  pg = await startPostgres();
  db = openPostgres(pg.url, 'test', createLogger('warn'));
  await migrate(db, [messagingSchema], createLogger('warn'));
  ({ importer, store } = openImporter(r, db));
  chatStore = messagingStores(db, r).chatStore;
});
afterAll(async () => {
  r.disconnect();
  await db.end();
  await pg.stop();
  await redis.stop();
});

describe('directory import', () => {
  it('builds class, parents, teachers and subject chats with the right admins', async () => {
    const d = school();
    const report = await importer.import(d, { dryRun: false });
    expect(report.changed).toBe(true);
    expect(report.diff.added).toHaveLength(4 + 12 + 12);
    // 4 classes x (class + parents) + teachers' room + 8 subject chats.
    expect(report.chats.created).toBe(4 * 2 + 1 + 8);
    const cls = await membersOf('class:5a');
    const pupils5a = d.pupils.filter((p) => p.classId === '5a').map((p) => p.id);
    expect([...cls.keys()].sort()).toEqual([...pupils5a, d.classes[0]!.teacher].sort());
    expect(cls.get(d.classes[0]!.teacher)!.role).toBe('admin');
    expect(cls.get(pupils5a[0]!)!).toMatchObject({ role: 'member', source: 'directory' });
    const parents = await membersOf('parents:5a');
    const parents5a = d.parents.filter((p) => pupils5a.includes(p.children[0]!)).map((p) => p.id);
    expect([...parents.keys()].sort()).toEqual([...parents5a, d.classes[0]!.teacher].sort());
    const room = await membersOf('teachers');
    expect([...room.values()].every((m) => m.role === 'admin')).toBe(true);
    expect(room.size).toBe(4);
    const users = await chatStore.users([pupils5a[0]!]);
    expect(users.get(pupils5a[0]!)).toMatchObject({ role: 'student', school: 'sch' });
  });

  it('the same file again changes nothing: no write reaches Redis or PostgreSQL', async () => {
    const before = await writeCount();
    const tables = await pgFingerprint();
    const report = await importer.import(school(), { dryRun: false });
    expect(report.changed).toBe(false);
    expect(report.chats).toEqual({
      created: 0,
      renamed: 0,
      membersAdded: 0,
      membersRemoved: 0,
      rolesChanged: 0,
      retired: 0,
    });
    // The import lock (SET NX, DEL) is all it writes.
    expect((await writeCount()) - before).toBeLessThanOrEqual(2);
    expect(await pgFingerprint()).toBe(tables);
  });

  it('a dry run of a changed file reports the change and writes nothing', async () => {
    const d = school();
    d.pupils.find((p) => p.id === 'sch-p1')!.classId = '5b';
    const snapshot = await store.load('sch');
    const before = await writeCount();
    const tables = await pgFingerprint();
    const report = await importer.import(d, { dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.diff.moved).toEqual([expect.objectContaining({ id: 'sch-p1', from: '5a', to: '5b' })]);
    expect(report.chats.membersAdded).toBeGreaterThan(0);
    expect(await writeCount()).toBe(before);
    expect(await pgFingerprint()).toBe(tables);
    expect(await store.load('sch')).toEqual(snapshot);
    expect((await membersOf('class:5a')).has('sch-p1')).toBe(true);
  });

  it('a moved pupil leaves the old class chats and joins the new ones; a self-joined member stays', async () => {
    const d = school();
    // sch-p2 also joined 5b's class chat on their own (say by an invitation link).
    const chat5b = await chatOf('class:5b');
    const p2 = (await chatStore.users(['sch-p2'])).get('sch-p2')!;
    await chatStore.addMembers(chat5b, [{ user: p2, role: 'member', source: 'self' }], 1, 0);
    d.pupils.find((p) => p.id === 'sch-p1')!.classId = '5b';
    d.pupils.find((p) => p.id === 'sch-p2')!.classId = '6a';
    const report = await importer.import(d, { dryRun: false });
    expect(report.diff.moved.map((m) => m.id).sort()).toEqual(['sch-p1', 'sch-p2']);
    const in5a = await membersOf('class:5a');
    const in5b = await membersOf('class:5b');
    const in6a = await membersOf('class:6a');
    expect(in5a.has('sch-p1')).toBe(false);
    expect(in5b.get('sch-p1')).toMatchObject({ source: 'directory' });
    expect(in6a.has('sch-p2')).toBe(true);
    // Joined 5b by themselves: still there although the directory has them in 6a.
    expect(in5b.get('sch-p2')).toMatchObject({ source: 'self' });
    // Subject chats follow: 5a's maths lesson no longer has sch-p1.
    const subjects = [...(await store.slots('sch')).keys()].filter(
      (s) => s.startsWith('subject:') && s.includes(':5a:'),
    );
    for (const s of subjects) expect((await membersOf(s)).has('sch-p1')).toBe(false);
    // The parent of sch-p1 moved along to 5b's parents' chat.
    const parent = d.parents.find((p) => p.children.includes('sch-p1'))!;
    expect((await membersOf('parents:5a')).has(parent.id)).toBe(false);
    expect((await membersOf('parents:5b')).has(parent.id)).toBe(true);
    expect(await chatStore.userChatIds('sch-p1')).not.toContain(await chatOf('class:5a'));
  });

  it('removes and adds people, renames, and re-importing that file is again a no-op', async () => {
    const d = school();
    d.pupils.find((p) => p.id === 'sch-p1')!.classId = '5b';
    d.pupils.find((p) => p.id === 'sch-p2')!.classId = '6a';
    d.pupils = d.pupils.filter((p) => p.id !== 'sch-p3');
    d.parents = d.parents.filter((p) => !p.children.includes('sch-p3'));
    d.pupils.push({ id: 'sch-new', name: 'Ева Новикова', sort: 'Новикова Ева', classId: '5a', groups: [] });
    d.classes[0]!.name = '5А (профильный)';
    const report = await importer.import(d, { dryRun: false });
    expect(report.diff.added.map((p) => p.id)).toEqual(['sch-new']);
    expect(report.diff.removed.map((p) => p.id).sort()).toEqual(['sch-p3', 'sch-r3-1']);
    expect(report.diff.classes.renamed).toEqual(['5a']);
    const in5a = await membersOf('class:5a');
    expect(in5a.has('sch-p3')).toBe(false);
    expect(in5a.get('sch-new')).toMatchObject({ source: 'directory' });
    expect((await chatStore.chat(await chatOf('class:5a')))!.title).toBe('5А (профильный)');
    const again = await importer.import(d, { dryRun: false });
    expect(again.changed).toBe(false);
  });
});

describe('school files', () => {
  const csv = [
    'type;id;last_name;first_name;middle_name;name;class;teacher;lessons;groups;children;admin',
    'school;s2;;;;Гимназия № 2;;;;;;',
    'class;7a;;;;7А;;t1;;;;',
    'teacher;t1;Орлова;Нина;Павловна;;;;"Английский язык: 7a/англ-1 | Математика: 7a";;;да',
    'pupil;p1;Зайцев;Олег;;;7a;;;англ-1;;',
    'pupil;p2;Титова;Вера;;;7a;;;;;',
    'parent;m1;Зайцева;Ирина;Олеговна;;;;;;p1;',
  ].join('\n');

  it('reads CSV (semicolons, Russian names, groups) into the same shape as JSON', () => {
    const fromCsv = parseSchoolFile(csv);
    expect(fromCsv.teachers[0]).toMatchObject({
      name: 'Нина Павловна Орлова',
      sort: 'Орлова Нина Павловна',
      admin: true,
      lessons: [
        { subject: 'Английский язык', classId: '7a', group: 'англ-1' },
        { subject: 'Математика', classId: '7a', group: '' },
      ],
    });
    const json: Directory = JSON.parse(JSON.stringify(fromCsv));
    // What the API gives back imports again as it is.
    expect(parseJson(JSON.stringify(json))).toEqual(fromCsv);
  });

  it('reads a Russian spreadsheet: Russian column names and types', () => {
    const ru = [
      'Тип;Ид;Фамилия;Имя;Отчество;Название;Класс;Классный руководитель;Предметы;Группы;Дети;Администратор',
      'школа;s2;;;;Гимназия № 2;;;;;;',
      'класс;7a;;;;7А;;t1;;;;',
      'учитель;t1;Орлова;Нина;Павловна;;;;"Английский язык: 7a/англ-1 | Математика: 7a";;;да',
      'ученик;p1;Зайцев;Олег;;;7a;;;англ-1;;',
      'ученик;p2;Титова;Вера;;;7a;;;;;',
      'родитель;m1;Зайцева;Ирина;Олеговна;;;;;;p1;',
    ].join('\n');
    expect(parseSchoolFile(ru)).toEqual(parseSchoolFile(csv));
  });

  it('a file imported into a school from its admin screen: its school row names that school or none; another id is refused in Russian', () => {
    const into = { id: 'school-597ba131', name: 'Школа № 47' };
    expect(parseSchoolFile(csv.replace('school;s2;', 'school;;'), into).school).toEqual({
      id: 'school-597ba131',
      name: 'Гимназия № 2',
    });
    expect(parseSchoolFile(csv.replace('school;s2;', 'school;school-597ba131;'), into).school.id).toBe(
      'school-597ba131',
    );
    let problems: string[] = [];
    try {
      parseSchoolFile(csv, into);
    } catch (err) {
      problems = (err as DirectoryFileError).problems;
    }
    expect(problems).toEqual([
      'школа: в файле номер школы «s2», а у этой школы на сервере номер «school-597ba131» (он написан на экране «Управление школой»); впишите его в строку школы или уберите номер из неё',
    ]);
  });

  it('lists every problem of a bad file with its row', () => {
    const bad = `${csv}\npupil;p1;Дубль;Пётр;;;9z;;;;;\nparent;m2;Кто;То;;;;;;;nobody;\nkid;x;;;;;;;;;;`;
    let problems: string[] = [];
    try {
      parseCsv(bad.replace('\nkid;x;;;;;;;;;;', ''));
    } catch (err) {
      problems = (err as DirectoryFileError).problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^строка 8 \(Пётр Дубль\): ид p1 уже есть у Олег Зайцев \(строка \d+\)$/),
        'строка 8 (Пётр Дубль): класса 9z в файле нет',
        'строка 9 (То Кто): ребёнок с ид nobody не найден среди учеников',
      ]),
    );
    expect(() => parseCsv(bad)).toThrow(/строка 10: тип «kid» не понятен/);
  });

  it("refuses a staff account's id on a pupil's or a parent's row, in a dry run too, changing nothing", async () => {
    const d = parseSchoolFile(csv);
    d.pupils[1]!.id = 'adm-1';
    d.parents[0]!.id = 'adm-2';
    const before = await writeCount();
    const tables = await pgFingerprint();
    for (const dryRun of [true, false]) {
      const refused = await importer
        .import(d, { dryRun, staff: ['adm-1', 'adm-2'], self: 'adm-2' })
        .catch((e: DirectoryFileError) => e);
      expect((refused as DirectoryFileError).problems).toEqual([
        'Вера Титова: ид adm-1 — у сотрудника школы (администратора); сотрудник не может быть учеником, дайте другой ид',
        'Ирина Олеговна Зайцева: ид adm-2 — ваш собственный (администратора школы); сотрудник не может быть родителем, дайте другой ид',
      ]);
    }
    expect(await writeCount()).toBe(before);
    expect(await pgFingerprint()).toBe(tables);
    expect(await store.load('s2')).toBeNull();
  });

  it('refuses a person id that belongs to another school, changing nothing', async () => {
    const other = parseSchoolFile(csv);
    other.pupils[0]!.id = 'sch-p5';
    other.parents[0]!.children = ['sch-p5'];
    const before = await writeCount();
    const tables = await pgFingerprint();
    const refused = await importer.import(other, { dryRun: false }).catch((e: Error) => e);
    // The file's own row, not the other school's child or the school (attack report 8, item 3).
    expect(String(refused)).toContain(`${other.pupils[0]!.name}: ид sch-p5 уже занят в другой школе`);
    expect(String(refused)).not.toMatch(/\(sch\)/);
    expect((await writeCount()) - before).toBeLessThanOrEqual(2);
    expect(await pgFingerprint()).toBe(tables);
    expect(await store.load('s2')).toBeNull();
  });
});
