// #21 report 8: a school admin's file listing the admin's own id (or another
// staff account's) as a pupil was shown as «added» by the dry run and
// imported. Both are refused with the row named in Russian; nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountSchool, SCHOOL_CSV, startAccountSchool } from '../helpers/accounts.js';

let school: AccountSchool;
let adminId: string;

beforeAll(async () => {
  school = await startAccountSchool();
  adminId = (await school.admin.me())!.id as string;
});
afterAll(async () => {
  await school?.s.stop();
});

const withPupil = (id: string) => `${SCHOOL_CSV}\nученик;${id};Подставной;Ученик;;;5А;;;;;;`;

describe("the importing admin's id on a pupil's row", () => {
  it('is refused in the dry run and the import, with a Russian reason on the row; nothing changes', async () => {
    const before = (await school.admin.get('/api/school')).body;
    for (const query of ['?dryRun=1', '']) {
      const r = await school.admin.post(
        `/api/school/import${query}`,
        new TextEncoder().encode(withPupil(adminId)),
      );
      expect(r.status, query).toBe(400);
      expect(r.body.problems, query).toEqual([
        `Ученик Подставной: ид ${adminId} — ваш собственный (администратора школы); сотрудник не может быть учеником, дайте другой ид`,
      ]);
    }
    const after = (await school.admin.get('/api/school')).body;
    expect(after.classes).toEqual(before.classes);
    expect((await school.admin.me())!.role).toBe('admin');
  });

  it('lets the same file through with an id of its own', async () => {
    const r = await school.admin.post(
      '/api/school/import?dryRun=1',
      new TextEncoder().encode(withPupil('p-new')),
    );
    expect(r.status).toBe(200);
    expect(r.body.report.diff.added).toEqual([expect.objectContaining({ id: 'p-new' })]);
  });
});
