// Attack report 9 (#21), item 4: bringing back a retired award kind
// (restore_award_kind) is the school administrator's, like retiring it. A
// confirmed teacher, a pupil and a parent of the school are refused
// FORBIDDEN, another school's administrator finds no such kind, an id with
// a wildcard, a quote or 10 000 letters is no kind; the kind stays retired, not
// offered to teachers, and the school's own administrator then brings it
// back.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, cpb, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let db: pg.Pool;
const E = cpb.ChatErrorCode;
const head = { userId: 'ar-d', displayName: 'Светлана Юрьевна', role: 'admin' as const };
const teacher = { userId: 'ar-t', displayName: 'Мария Ивановна', role: 'teacher' as const };
const pupil = { userId: 'ar-p', displayName: 'Анна Белова', role: 'student' as const };
const parent = { userId: 'ar-m', displayName: 'Ольга Белова', role: 'parent' as const };
const elsewhere = { userId: 'ar-x', displayName: 'Нина Чужая', role: 'admin' as const, schoolId: 'school-9' };
const clients: TestChatClient[] = [];

beforeAll(async () => {
  s = await startChatServer();
  db = new pg.Pool({ connectionString: s.server.config.databaseUrl! });
  await db.query(
    `INSERT INTO accounts.verifications (id, school_id, person_id, status, created_at)
     VALUES ('v-ar', 'school-1', $1, 'approved', now())`,
    [teacher.userId],
  );
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await db?.end();
  await s?.stop();
});

async function refusal(p: Promise<unknown>): Promise<number | string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return (err as { code: number }).code;
  }
}

describe('restoring a retired award kind', () => {
  it('is refused to everyone but the school administrator, changing nothing', async () => {
    const [d, t, p, m, x] = await Promise.all(
      [head, teacher, pupil, parent, elsewhere].map((who) => s.client(who)),
    );
    clients.push(d!, t!, p!, m!, x!);
    const added = (await d!.request({ addAwardKind: { name: 'Юный химик', badge: 'book' } })).awardKinds!
      .kinds!;
    const kindId = added.find((k) => k.name === 'Юный химик')!.kindId!;
    await d!.request({ retireAwardKind: { kindId } });
    const retired = async () =>
      (await db.query('SELECT retired_at FROM awards.kind WHERE id = $1', [kindId])).rows[0].retired_at !==
      null;
    expect(await retired()).toBe(true);

    for (const who of [t!, p!, m!]) {
      expect(await refusal(who.request({ restoreAwardKind: { kindId } }))).toBe(E.CHAT_ERROR_FORBIDDEN);
    }
    expect(await refusal(x!.request({ restoreAwardKind: { kindId } }))).toBe(
      E.CHAT_ERROR_AWARD_KIND_NOT_FOUND,
    );
    for (const junk of [`${kindId}%`, `${kindId}x`, '%', "' OR 1=1 --", 'x'.repeat(10_000)]) {
      expect(await refusal(d!.request({ restoreAwardKind: { kindId: junk } })), junk.slice(0, 20)).not.toBe(
        'accepted',
      );
    }
    expect(await retired()).toBe(true);
    expect((await t!.request({ listAwardKinds: {} })).awardKinds!.kinds!.map((k) => k.name)).not.toContain(
      'Юный химик',
    );
    // Not even the teacher's list of retired kinds shows it: that list is the administrator's.
    expect(
      (await t!.request({ listAwardKinds: { withRetired: true } })).awardKinds!.kinds!.map((k) => k.name),
    ).not.toContain('Юный химик');

    await d!.request({ restoreAwardKind: { kindId } });
    expect(await retired()).toBe(false);
  });
});
