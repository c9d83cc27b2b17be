// Homework collections («Сбор файлов», #27) through the real server: a
// teacher collects from a class chat, pupils hand in files uploaded with tus
// (one after the deadline: late), replace them until the deadline and not
// after, the teacher's table, reminders as direct messages, the ZIP with
// every file byte for byte, and the access rules: a pupil sees only their own
// hand-in and cannot get a classmate's file, a parent sees their child's.
import { randomBytes } from 'node:crypto';
import { unzipSync } from 'fflate';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirKeys } from '../../directory/store.js';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';
import { tusUpload } from '../helpers/tusUpload.js';

let s: ChatTestServer;
let db: pg.Pool;
const teacher = { userId: 'hw-t', displayName: 'Мария Ивановна', role: 'teacher' as const };
const anna = { userId: 'hw-a', displayName: 'Анна Белова', role: 'student' as const };
const boris = { userId: 'hw-b', displayName: 'Борис Волков', role: 'student' as const };
const vera = { userId: 'hw-v', displayName: 'Вера Громова', role: 'student' as const };
const mother = { userId: 'hw-m', displayName: 'Ольга Белова', role: 'parent' as const };
// A pupil of the same school in another class (not in the chat).
const zoya = { userId: 'hw-z', displayName: 'Зоя Орлова', role: 'student' as const };
let t: TestChatClient;
let a: TestChatClient;
let b: TestChatClient;
let v: TestChatClient;
let m: TestChatClient;
let chatId: string;

const E = cpb.ChatErrorCode;
const S = cpb.SubmissionState;

async function refusal(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    return (err as { code: number }).code;
  }
  throw new Error('expected a refusal');
}

async function upload(person: typeof anna, name: string, data: Buffer): Promise<string> {
  const token = await s.token(person);
  return (await tusUpload(s.httpUrl, data, { chatId, filename: name, filetype: 'application/pdf' }, token))
    .fileId;
}

describe('homework collections', () => {
  beforeAll(async () => {
    s = await startChatServer();
    db = new pg.Pool({ connectionString: s.server.config.databaseUrl! });
    t = await s.client(teacher);
    a = await s.client(anna);
    b = await s.client(boris);
    v = await s.client(vera);
    m = await s.client(mother);
    chatId = (
      await t.request({
        createChat: { title: '5А класс', members: [anna.userId, boris.userId, vera.userId] },
      })
    ).chat!.chatId!;
    // The directory says the mother's child is Anna.
    const redis = new Redis(s.redis!.url);
    await redis.hset(
      dirKeys.placements('school-1'),
      mother.userId,
      JSON.stringify({ role: 'parent', classes: ['5А'], children: [anna.userId] }),
    );
    redis.disconnect();
  });
  afterAll(async () => {
    for (const c of [t, a, b, v, m]) c?.close();
    await db?.end();
    await s?.stop();
  });

  it('collects, counts late, reminds, zips byte for byte and keeps each pupil to their own', async () => {
    // Pupils and parents do not create collections.
    expect(
      await refusal(a.request({ createCollection: { chatId, title: 'x', deadline: Date.now() + 60_000 } })),
    ).toBe(E.CHAT_ERROR_FORBIDDEN);
    const created = await t.request({
      createCollection: {
        chatId,
        title: 'Сочинение',
        description: 'Фото тетради или PDF',
        deadline: Date.now() + 3_600_000,
        allowedTypes: ['pdf', 'jpg'],
        maxBytes: 1_000_000,
      },
    });
    const id = created.collection!.collection!.collectionId!;
    expect(created.collection!.submissions!.map((r) => [r.pupilName, r.state])).toEqual([
      [anna.displayName, S.SUBMISSION_STATE_MISSING],
      [boris.displayName, S.SUBMISSION_STATE_MISSING],
      [vera.displayName, S.SUBMISSION_STATE_MISSING],
    ]);
    // The class is told in the chat.
    await a.waitForMessage((m) => !!m.text?.includes('Сбор файлов: «Сочинение»'));

    const annaFirst = randomBytes(3000);
    const annaPage1 = randomBytes(5000);
    const annaPage2 = randomBytes(7000);
    const borisFile = randomBytes(4000);
    // A type the collection does not take is refused.
    const wrong = await upload(anna, 'essay.docx', randomBytes(100));
    expect(await refusal(a.request({ submitFiles: { collectionId: id, fileIds: [wrong] } }))).toBe(
      E.CHAT_ERROR_FILE_NOT_ALLOWED,
    );
    // Anna hands in, then replaces with two pages before the deadline.
    const first = await upload(anna, 'essay.pdf', annaFirst);
    await a.request({ submitFiles: { collectionId: id, fileIds: [first] } });
    const p1 = await upload(anna, 'page1.pdf', annaPage1);
    const p2 = await upload(anna, 'page2.jpg', annaPage2);
    const mine = await a.request({ submitFiles: { collectionId: id, fileIds: [p1, p2] } });
    // A pupil sees only her own row.
    expect(
      mine.collection!.submissions!.map((r) => [r.pupilId, r.state, r.files!.map((f) => f.name)]),
    ).toEqual([[anna.userId, S.SUBMISSION_STATE_SUBMITTED, ['page1.pdf', 'page2.jpg']]]);
    // Boris cannot hand in Anna's upload, nor see or download her files.
    expect(await refusal(b.request({ submitFiles: { collectionId: id, fileIds: [p1] } }))).toBe(
      E.CHAT_ERROR_FILE_NOT_FOUND,
    );
    expect(
      (await b.request({ getCollection: { collectionId: id } })).collection!.submissions!.map(
        (r) => r.pupilId,
      ),
    ).toEqual([boris.userId]);
    expect(
      await refusal(
        b.request({ getSubmissionFileUrl: { collectionId: id, pupilId: anna.userId, fileId: p1 } }),
      ),
    ).toBe(E.CHAT_ERROR_FILE_NOT_FOUND);
    expect(await refusal(b.request({ getCollectionZipUrl: { collectionId: id } }))).toBe(
      E.CHAT_ERROR_NOT_A_MEMBER,
    );
    // Nor by the chat's own file route with his token (no message holds it).
    const borisToken = await s.token(boris);
    const direct = await fetch(`${s.httpUrl}/api/chat/files/${p1}`, {
      headers: { authorization: `Bearer ${borisToken}` },
    });
    expect(direct.status).toBe(404);
    // Anna gets her own file.
    const own = await a.request({
      getSubmissionFileUrl: { collectionId: id, pupilId: anna.userId, fileId: p1 },
    });
    expect(Buffer.from(await (await fetch(`${s.httpUrl}${own.fileUrl!.url}`)).arrayBuffer())).toEqual(
      annaPage1,
    );
    // Her teacher and her mother download it by their own links (attack report 8, item 8: it was 404).
    for (const reader of [t, m]) {
      const link = await reader.request({
        getSubmissionFileUrl: { collectionId: id, pupilId: anna.userId, fileId: p1 },
      });
      const res = await fetch(`${s.httpUrl}${link.fileUrl!.url}`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(annaPage1);
    }

    // The deadline passes.
    await db.query('UPDATE homework.collection SET deadline = $2 WHERE id = $1', [id, Date.now() - 1000]);
    const again = await upload(anna, 'late.pdf', randomBytes(10));
    expect(await refusal(a.request({ submitFiles: { collectionId: id, fileIds: [again] } }))).toBe(
      E.CHAT_ERROR_DEADLINE_PASSED,
    );
    const bf = await upload(boris, 'Борис сочинение.pdf', borisFile);
    await b.request({ submitFiles: { collectionId: id, fileIds: [bf] } });

    // The teacher's table: submitted, late, missing.
    const table = await t.request({ getCollection: { collectionId: id } });
    expect(table.collection!.submissions!.map((r) => [r.pupilName, r.state])).toEqual([
      [anna.displayName, S.SUBMISSION_STATE_SUBMITTED],
      [boris.displayName, S.SUBMISSION_STATE_LATE],
      [vera.displayName, S.SUBMISSION_STATE_MISSING],
    ]);
    expect(table.collection!.collection!.submitted).toBe(2);
    // The mother sees her child's status only.
    const hers = await m.request({ getCollection: { collectionId: id } });
    expect(hers.collection!.submissions!.map((r) => [r.pupilId, r.state])).toEqual([
      [anna.userId, S.SUBMISSION_STATE_SUBMITTED],
    ]);
    expect((await m.request({ listCollections: {} })).collections!.collections!.map((c) => c.title)).toEqual([
      'Сочинение',
    ]);

    // One tap reminds Vera, and only her, by a direct message.
    expect((await t.request({ remindMissing: { collectionId: id } })).reminded!.count).toBe(1);
    await v.waitForMessage((m) => !!m.text?.includes('Напоминание: сдайте «Сочинение»'));
    await new Promise((r) => setTimeout(r, 200));
    expect(b.events.some((e) => e.message?.text?.includes('Напоминание'))).toBe(false);
    // A second tap within 10 minutes is refused, typed, and messages nobody (attack 6, 4f).
    expect(await refusal(t.request({ remindMissing: { collectionId: id } }))).toBe(E.CHAT_ERROR_RATE_LIMITED);

    // The ZIP: a folder per pupil, every entry byte for byte.
    const link = await t.request({ getCollectionZipUrl: { collectionId: id } });
    const res = await fetch(`${s.httpUrl}${link.fileUrl!.url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const entries = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(entries).sort()).toEqual([
      'Анна Белова/page1.pdf',
      'Анна Белова/page2.jpg',
      'Борис Волков/Борис сочинение.pdf',
    ]);
    expect(Buffer.from(entries['Анна Белова/page1.pdf']!)).toEqual(annaPage1);
    expect(Buffer.from(entries['Анна Белова/page2.jpg']!)).toEqual(annaPage2);
    expect(Buffer.from(entries['Борис Волков/Борис сочинение.pdf']!)).toEqual(borisFile);
    // A forged link gets nothing.
    const forged = link.fileUrl!.url!.replace(/u=[^&]+/, `u=${boris.userId}`);
    expect((await fetch(`${s.httpUrl}${forged}`)).status).toBe(404);

    // The replaced first file is gone; the teacher returns Boris's for rework, and he may hand in again.
    expect((await db.query('SELECT 1 FROM messaging.file WHERE id = $1', [first])).rowCount).toBe(0);
    await t.request({
      reviewSubmission: { collectionId: id, pupilId: boris.userId, comment: 'Допиши вывод', returned: true },
    });
    const back = await b.request({ getCollection: { collectionId: id } });
    expect(back.collection!.submissions![0]!.comment).toBe('Допиши вывод');
    expect(back.collection!.submissions![0]!.state).toBe(S.SUBMISSION_STATE_RETURNED);
    const redo = await upload(boris, 'v2.pdf', randomBytes(50));
    await b.request({ submitFiles: { collectionId: id, fileIds: [redo] } });
  });

  it('a pupil outside the chat gets nothing of a collection by its id (attack 6 item 2)', async () => {
    const z = await s.client(zoya);
    try {
      const created = await t.request({
        createCollection: {
          chatId,
          title: 'Чужой сбор',
          description: 'Только 5А',
          deadline: Date.now() + 3_600_000,
        },
      });
      const id = created.collection!.collection!.collectionId!;
      const own = await upload(zoya, 'z.pdf', randomBytes(10)).catch(() => '');
      for (const req of [
        { getCollection: { collectionId: id } },
        { getSubmissionFileUrl: { collectionId: id, pupilId: zoya.userId, fileId: own || 'f' } },
        { submitFiles: { collectionId: id, fileIds: [own || 'f'] } },
        { remindMissing: { collectionId: id } },
        { getCollectionZipUrl: { collectionId: id } },
        { reviewSubmission: { collectionId: id, pupilId: anna.userId, comment: 'x' } },
      ]) {
        expect(await refusal(z.request(req)), JSON.stringify(req)).toBe(E.CHAT_ERROR_NOT_A_MEMBER);
      }
      expect(await refusal(z.request({ listCollections: { chatId } }))).toBe(E.CHAT_ERROR_NOT_A_MEMBER);
      expect((await z.request({ listCollections: {} })).collections!.collections).toEqual([]);
      // A member of the chat still reads it.
      expect((await b.request({ getCollection: { collectionId: id } })).collection!.collection!.title).toBe(
        'Чужой сбор',
      );
    } finally {
      z.close();
    }
  });

  // Report 7 item 4: 30 collections, each reminded, sent a pupil 30 messages.
  it('a teacher creates at most HOMEWORK_COLLECTIONS_PER_HOUR (20) collections in an hour: the next is refused, counted, not stored', async () => {
    const LIMIT = 'collections_per_person';
    const refused = async () =>
      (await s.server.metrics.registry.getSingleMetric('school_call_limit_refused_total')!.get()).values
        .filter((x) => x.labels.limit === LIMIT)
        .reduce((k, x) => k + x.value, 0);
    await s.token(zoya);
    const other = await s.client({ userId: 'hw-t2', displayName: 'Ольга Петровна', role: 'teacher' });
    try {
      const group = (await other.request({ createChat: { title: '6Б класс', members: [zoya.userId] } })).chat!
        .chatId!;
      const make = (n: number) =>
        other.request({
          createCollection: { chatId: group, title: `Задание ${n}`, deadline: Date.now() + 3_600_000 },
        });
      for (let n = 1; n <= 20; n++) await make(n);
      const before = await refused();
      expect(await refusal(make(21))).toBe(E.CHAT_ERROR_RATE_LIMITED);
      expect(await refused()).toBe(before + 1);
      const rows = await db.query("SELECT 1 FROM homework.collection WHERE teacher_id = 'hw-t2'");
      expect(rows.rowCount).toBe(20);
    } finally {
      other.close();
    }
  });
});
