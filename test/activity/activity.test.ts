// Activity figures («Активность», #27) through the real server (messenger
// socket, call socket, PostgreSQL, Redis, the accounts' edge): a scripted
// week of a small school's messages and one lesson gives the seeds' table
// one can work out by hand; the per-person figures go to the school's admin
// only (a teacher is refused); a region's admin sees the school, no people.
// And two hosts hearing the same messages count them once.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityCounter } from '../../activity/counter.js';
import { activitySchema } from '../../activity/schema.js';
import { ActivityStore } from '../../activity/store.js';
import { weekOf } from '../../activity/weeks.js';
import { createLogger } from '../../common/log.js';
import { migrate } from '../../common/postgres/migrations.js';
import type { StoredMessage } from '../../messaging/records.js';
import { type AccountClient, type AccountSchool, startAccountSchool } from '../helpers/accounts.js';
import type { TestChatClient, TestPerson } from '../helpers/chatServer.js';
import { startPostgres } from '../helpers/postgres.js';
import { TestClient } from '../helpers/protocolClient.js';

let school: AccountSchool;
const clients: { close(): void }[] = [];

const orlova = { userId: 't-orlova', displayName: 'Нина Павловна Орлова', role: 'teacher' as const };
const belov = { userId: 't-belov', displayName: 'Олег Ильич Белов', role: 'teacher' as const };
const zav = { userId: 't-zav', displayName: 'Анна Сергеевна Завучева', role: 'admin' as const };
const ivan = { userId: 'p-ivan', displayName: 'Иван Иванов', role: 'student' as const };
const maria = { userId: 'p-maria', displayName: 'Мария Иванова', role: 'student' as const };

beforeAll(async () => {
  school = await startAccountSchool();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await school?.s.stop();
});

async function chat(p: TestPerson): Promise<TestChatClient> {
  const c = await school.s.client({ ...p, schoolId: school.schoolId });
  clients.push(c);
  return c;
}

async function send(c: TestChatClient, chatId: string, count: number, tag: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    await c.request({ sendMessage: { chatId, text: `${tag} ${i}`, clientMessageId: `${tag}-${i}` } });
  }
}

/** Into the call announced in a chat, over the call socket, with the person's own link. */
async function enterCall(api: TestChatClient, chatId: string): Promise<TestClient> {
  const seq = (await api.request({ getHistory: { chatId } })).page!.messages!.find((m) => m.call)!.seq!;
  const link = (await api.request({ joinCall: { chatId, seq } })).call!;
  const token = new URLSearchParams(new URL(link.joinUrl!).hash.slice(1)).get('token')!;
  const c = await TestClient.connect(school.s.server.wsUrl);
  clients.push(c);
  await c.request({ join: { roomId: link.roomId!, token } });
  return c;
}

describe('activity figures', () => {
  it('counts a scripted week as one works it out by hand, and shows it by the rules', async () => {
    const o = await chat(orlova);
    const b = await chat(belov);
    const z = await chat(zav);
    const i = await chat(ivan);
    const m = await chat(maria);
    // Orlova: 12 messages in her class's group chat (>= 10); Ivan 2 there.
    const fifth = (await o.request({ createChat: { title: '5А класс', members: [ivan.userId] } })).chat!
      .chatId!;
    await send(o, fifth, 12, 'o');
    await send(i, fifth, 2, 'i');
    // Belov: 3 in another group chat, 20 in a direct chat with the deputy (direct: not counted).
    const sixth = (await b.request({ createChat: { title: '6А класс', members: [maria.userId] } })).chat!
      .chatId!;
    await send(b, sixth, 3, 'b');
    const direct = (await b.request({ openDirectChat: { userId: zav.userId } })).chat!.chatId!;
    await send(b, direct, 20, 'd');
    // Belov leads one lesson from his chat; Maria comes.
    await b.request({ startCall: { chatId: sixth, title: 'Математика' } });
    const host = await enterCall(b, sixth);
    await enterCall(m, sixth);
    await host.request({ endCall: {} });

    // Teachers: Orlova, Belov, Zavucheva (3). Writing >= 10: Orlova (1 of 3: 33 %).
    // In a call: Belov (1 of 3). Group chats written in: 2 (0.7 per teacher).
    // Active: Orlova, Ivan, Belov, Maria (4); the deputy wrote only in a direct chat.
    const admin = school.admin;
    const view = async () => (await admin.get('/api/activity/school?weeks=4')).body;
    await expect
      .poll(async () => (await view()).weeks?.at(-1), { timeout: 15_000 })
      .toEqual({
        week: weekOf(Date.now()),
        teachers: 3,
        teachersWriting: 1,
        teachersCalling: 1,
        chatsPerTeacher: 0.7,
        activeUsers: 4,
        lessons: 1,
        lessonMinutes: 0,
      });
    const v = await view();
    expect(v.weeks).toHaveLength(4);
    expect(v.weeks.slice(0, 3).map((w: { activeUsers: number }) => w.activeUsers)).toEqual([0, 0, 0]);
    const rows = Object.fromEntries(
      v.people.map((p: { id: string; groupMessages: number; callsJoined: number; callsLed: number }) => [
        p.id,
        [p.groupMessages, p.callsJoined, p.callsLed],
      ]),
    );
    expect(rows).toEqual({
      't-orlova': [12, 0, 0],
      'p-ivan': [2, 0, 0],
      't-belov': [3, 1, 1],
      'p-maria': [0, 1, 0],
    });
    // No message's text is kept anywhere in the part's tables.
    const db = new pg.Pool({ connectionString: school.s.server.config.databaseUrl! });
    try {
      const dump = await db.query(
        `SELECT string_agg(t::text, ' ') AS all FROM (
           SELECT p::text AS t FROM activity.person_week p UNION ALL SELECT c::text FROM activity.chat_week c
           UNION ALL SELECT s::text FROM activity.school_week s) x`,
      );
      expect(dump.rows[0].all).not.toMatch(/o 1|d 1/);
    } finally {
      await db.end();
    }

    // A teacher gets no figures (the route is the school admin's); nor does a signed-out caller.
    const teacher = await school.person('t-orlova', 'orlova@school.example', 'пароль-учителя');
    expect((await teacher.get('/api/activity/school')).status).toBe(403);
    expect((await teacher.get('/api/activity/school')).body.weeks).toBeUndefined();
    expect((await admin.get('/api/activity/school?weeks=99')).status).toBe(400);

    // A region over this school, administered by Belov: he sees the school, not its people.
    const region = await fetch(`${school.s.httpUrl}/api/regions/${encodeURIComponent('регион-1')}`, {
      method: 'PUT',
      headers: school.s.adminHeaders,
      body: JSON.stringify({
        name: 'Округ Северный',
        schools: [school.schoolId],
        admins: [{ school: school.schoolId, person: 't-belov' }],
      }),
    });
    expect(region.status).toBe(200);
    const regionAdmin: AccountClient = await school.person(
      't-belov',
      'belov@school.example',
      'пароль-учителя',
    );
    const seen = await regionAdmin.get('/api/activity/region?weeks=2');
    expect(seen.status).toBe(200);
    expect(seen.body.regions).toHaveLength(1);
    expect(seen.body.regions[0].weeks.at(-1)).toEqual({ week: weekOf(Date.now()), activeSchools: 1 });
    const [row] = seen.body.regions[0].schools;
    expect(row.name).toBe('Школа № 7');
    expect(row.weeks.at(-1)).toMatchObject({ activeUsers: 4, teachersWriting: 1, active: true });
    const text = JSON.stringify(seen.body);
    for (const who of ['t-orlova', 'p-ivan', 'Орлова', 'Иванов']) expect(text).not.toContain(who);
    // Someone the region does not name is refused.
    expect((await teacher.get('/api/activity/region')).status).toBe(403);
    // The home's question «which regions are mine» names the region to its admin, none to others.
    expect((await regionAdmin.get('/api/activity/regions')).body).toEqual({
      regions: [{ id: 'регион-1', name: 'Округ Северный' }],
    });
    expect((await teacher.get('/api/activity/regions')).body).toEqual({ regions: [] });
  });
});

describe('two hosts hearing the same messages', () => {
  it('count each message once', async () => {
    const database = await startPostgres();
    const db = new pg.Pool({ connectionString: database.url });
    const log = createLogger('warn');
    try {
      await migrate(db, [activitySchema], log);
      const store = new ActivityStore(db);
      const deps = {
        store,
        chat: async () => ({ kind: 'group' }) as never,
        users: async (ids: string[]) =>
          new Map(ids.map((id) => [id, { id, name: id, sort: id, role: 'teacher', school: 's1' }])),
        now: Date.now,
        log,
        everyMs: 3_600_000,
      };
      const hosts = [new ActivityCounter(deps), new ActivityCounter(deps)];
      const at = Date.now();
      const message = (seq: number, from: string): StoredMessage =>
        ({ seq, rev: seq, at, kind: 'text', from, name: from, text: 'x' }) as StoredMessage;
      // Host A hears 1-3 and writes; host B hears 1-5 and writes; A hears 4-5 late.
      for (const seq of [1, 2, 3]) hosts[0]!.onEvent({ t: 'm', c: 'c1', r: message(seq, 'a') });
      await hosts[0]!.flush();
      for (const seq of [1, 2, 3, 4, 5]) hosts[1]!.onEvent({ t: 'm', c: 'c1', r: message(seq, 'a') });
      // An edit of message 2 is the same message.
      hosts[1]!.onEvent({ t: 'm', c: 'c1', r: { ...message(2, 'a'), edited: at } });
      await hosts[1]!.flush();
      for (const seq of [4, 5]) hosts[0]!.onEvent({ t: 'm', c: 'c1', r: message(seq, 'a') });
      await hosts[0]!.flush();
      const week = weekOf(at);
      expect(await store.personWeeks('s1', week, week)).toEqual([
        { week, person: 'a', groupMessages: 5, callsJoined: 0, callsLed: 0, callSeconds: 0 },
      ]);
      for (const h of hosts) await h.close();
    } finally {
      await db.end();
      await database.stop();
    }
  });
});
