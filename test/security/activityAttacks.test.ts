// Attack report 9 (#21), item 3: the activity figures' edge (activity/routes.ts)
// with two schools on one server. School A's admin asks for school B's
// per-person figures every way the edge could be talked into it (a school in
// the query, in the path); a region over both schools that names A's admin
// shows both schools' totals and no person of either; a teacher gets 403 on
// the school's and the region's tables and an empty list of regions; a
// signed-out caller gets 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weekOf } from '../../activity/weeks.js';
import { type AccountSchool, startAccountSchool } from '../helpers/accounts.js';
import type { TestChatClient } from '../helpers/chatServer.js';

let school: AccountSchool;
const clients: { close(): void }[] = [];
const SCHOOL_B = 'school-b-act';
// School B's people write in its own group chat (the counter files them under B).
const bTeacher = { userId: 'b-teacher', displayName: 'Тайная Учительница', role: 'teacher' as const };
const bPupil = { userId: 'b-pupil', displayName: 'Тайный Ученик', role: 'student' as const };
const orlova = { userId: 't-orlova', displayName: 'Нина Павловна Орлова', role: 'teacher' as const };

beforeAll(async () => {
  school = await startAccountSchool();
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await school?.s.stop();
});

async function chat(p: { userId: string; displayName: string; role: string }, schoolId: string) {
  const c: TestChatClient = await school.s.client({ ...p, role: p.role as 'teacher', schoolId });
  clients.push(c);
  return c;
}

describe("one school's admin and another school's figures", () => {
  it('sees its own people only; a region shows schools, never people; a teacher is refused', async () => {
    const bt = await chat(bTeacher, SCHOOL_B);
    await chat(bPupil, SCHOOL_B);
    const bChat = (await bt.request({ createChat: { title: 'Класс Б', members: [bPupil.userId] } })).chat!
      .chatId!;
    for (let i = 0; i < 3; i++)
      await bt.request({ sendMessage: { chatId: bChat, text: `б ${i}`, clientMessageId: `b${i}` } });
    const a = await chat(orlova, school.schoolId);
    const aChat = (await a.request({ createChat: { title: '5А класс' } })).chat!.chatId!;
    await a.request({ sendMessage: { chatId: aChat, text: 'а', clientMessageId: 'a1' } });

    // School B's per-person figures, whatever its directory says: a marker number to look for.
    await school.s.server.database!.query(
      `INSERT INTO activity.person_week (school, week, person, group_messages, calls_joined)
       VALUES ($1, $2, 'b-pupil', 7777, 77) ON CONFLICT (school, week, person) DO UPDATE SET group_messages = 7777`,
      [SCHOOL_B, weekOf(Date.now())],
    );
    const admin = school.admin;
    const mine = async (path: string) => {
      const r = await admin.get(path);
      expect(r.status, path).toBe(200);
      return r.body as { school: { id: string }; people: { id: string }[] };
    };
    await expect
      .poll(async () => (await mine('/api/activity/school')).people.map((p) => p.id), { timeout: 15_000 })
      .toContain(orlova.userId);
    for (const path of [
      `/api/activity/school?school=${SCHOOL_B}`,
      `/api/activity/school?schoolId=${SCHOOL_B}&weeks=2`,
      `/api/activity/school/${SCHOOL_B}`,
      `/api/activity/school?weeks=2&school=${SCHOOL_B}&school=${SCHOOL_B}`,
    ]) {
      const r = await admin.get(path);
      if (r.status !== 200) {
        expect([400, 404], path).toContain(r.status);
        continue;
      }
      expect(r.body.school.id, path).toBe(school.schoolId);
      expect(JSON.stringify(r.body), path).not.toMatch(/b-teacher|b-pupil|Тайн|7777/);
    }

    // A region over both schools naming A's admin: two schools' totals, nobody's figures.
    const me = (await admin.me())!;
    const put = await fetch(`${school.s.httpUrl}/api/regions/${encodeURIComponent('округ-ab')}`, {
      method: 'PUT',
      headers: school.s.adminHeaders,
      body: JSON.stringify({
        name: 'Округ',
        schools: [school.schoolId, SCHOOL_B],
        admins: [{ school: school.schoolId, person: me.id }],
      }),
    });
    expect(put.status).toBe(200);
    const region = await admin.get('/api/activity/region?weeks=2');
    expect(region.status).toBe(200);
    expect(region.body.regions[0].schools.map((x: { id: string }) => x.id).sort()).toEqual(
      [school.schoolId, SCHOOL_B].sort(),
    );
    const text = JSON.stringify(region.body);
    for (const who of [
      'b-teacher',
      'b-pupil',
      'Тайн',
      '7777',
      't-orlova',
      'Орлова',
      'people',
      'groupMessages',
    ]) {
      expect(text).not.toContain(who);
    }
    expect((await admin.get('/api/activity/regions')).body).toEqual({
      regions: [{ id: 'округ-ab', name: 'Округ' }],
    });

    // A teacher of school A: 403 on both tables, no region named, no figures in any answer.
    const teacher = await school.person('t-orlova', 'orlova@school.example', 'пароль-учителя');
    for (const path of [
      '/api/activity/school',
      `/api/activity/school?school=${SCHOOL_B}`,
      '/api/activity/region',
    ]) {
      const r = await teacher.get(path);
      expect(r.status, path).toBe(403);
      expect(JSON.stringify(r.body), path).not.toMatch(/groupMessages|activeUsers|b-pupil|7777/);
    }
    expect((await teacher.get('/api/activity/regions')).body).toEqual({ regions: [] });
    // Signed out: no figures at all.
    for (const path of ['/api/activity/school', '/api/activity/region', '/api/activity/regions']) {
      expect((await fetch(`${school.s.httpUrl}${path}`)).status, path).toBe(401);
    }
  });
});
